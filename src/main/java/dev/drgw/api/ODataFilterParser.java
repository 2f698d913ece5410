package dev.drgw.api;

import dev.drgw.domain.FieldType;
import dev.drgw.domain.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses the documented OData {@code filter} subset into a {@link Filter}:
 *
 * <pre>
 * expr    := andExpr ( 'or' andExpr )*
 * andExpr := primary ( 'and' primary )*
 * primary := '(' expr ')'
 *          | 'startswith' '(' field ',' string ')' [ 'eq' 'true' ]
 *          | field ( 'eq' | 'ne' ) literal
 * literal := string | 'true' | 'false' | 'null'
 * string  := "'" chars "'"    ('' is a quote inside)
 * </pre>
 *
 * <p>Keywords are case-insensitive (ASCII only); field names are case-sensitive and may separate
 * segments with {@code /} or {@code .}. Everything else, including input beyond {@link
 * #MAX_LENGTH}, {@link #MAX_COMPARISONS} or {@link #MAX_DEPTH}, is a {@link FilterException}.
 */
final class ODataFilterParser {

  static final int MAX_LENGTH = 4096;
  static final int MAX_COMPARISONS = 64;
  static final int MAX_DEPTH = 32;

  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "not",
          "eq",
          "ne",
          "gt",
          "ge",
          "lt",
          "le",
          "in",
          "has",
          "true",
          "false",
          "null",
          "startswith");
  private static final Set<String> UNSUPPORTED_OPERATORS = Set.of("gt", "ge", "lt", "le", "has");
  private static final int MAX_ECHO = 64;

  private enum Kind {
    WORD,
    STRING,
    OPEN,
    CLOSE,
    COMMA,
    END
  }

  /** A word is a keyword or a field path as written; a string token holds its unescaped value. */
  private record Token(Kind kind, String text, int start) {}

  private final String text;
  private final Map<String, FieldType> fields;
  private final List<Token> tokens;
  private int next;
  private int scan;
  private int comparisons;
  private int depth;

  private ODataFilterParser(String text, Map<String, FieldType> fields) {
    this.text = text;
    this.fields = fields;
    this.tokens = new ArrayList<>();
  }

  /**
   * Parses {@code text} against the filterable {@code fields} of a resource (paths in {@code /}
   * form). Throws only {@link FilterException}, whatever the text.
   */
  static Filter parse(String text, Map<String, FieldType> fields) throws FilterException {
    Objects.requireNonNull(fields, "fields");
    if (text == null || text.isBlank()) {
      throw new FilterException("the filter is empty; leave it out to list everything", 1);
    }
    return new ODataFilterParser(text, fields).filter();
  }

  private Filter filter() throws FilterException {
    if (text.length() > MAX_LENGTH) {
      throw error(MAX_LENGTH, "the filter exceeds the limit of " + MAX_LENGTH + " characters", "");
    }
    Filter result = or();
    Token t = peek();
    if (t.kind == Kind.CLOSE) {
      throw error(t.start, "unbalanced parentheses: the ')'", " has no matching '('");
    }
    if (t.kind != Kind.END) {
      throw error(
          t.start, "expected 'and', 'or' or the end of the filter", ", found " + describe(t));
    }
    return result;
  }

  private Filter or() throws FilterException {
    Filter left = and();
    while (isKeyword(peek(), "or")) {
      next++;
      left = new Filter.Or(left, and());
    }
    return left;
  }

  private Filter and() throws FilterException {
    Filter left = primary();
    while (isKeyword(peek(), "and")) {
      next++;
      left = new Filter.And(left, primary());
    }
    return left;
  }

  private Filter primary() throws FilterException {
    Token t = peek();
    if (t.kind == Kind.OPEN) {
      return group();
    }
    if (t.kind != Kind.WORD) {
      throw error(t.start, "expected a field name or startswith(...)", ", found " + describe(t));
    }
    if (token(next + 1).kind == Kind.OPEN && !fields.containsKey(path(t))) {
      return function();
    }
    return comparison();
  }

  private Filter group() throws FilterException {
    Token open = take();
    if (++depth > MAX_DEPTH) {
      throw error(
          open.start,
          "parentheses nested too deeply: the limit of " + MAX_DEPTH + " levels is exceeded",
          "");
    }
    Filter inner = or();
    Token t = take();
    if (t.kind == Kind.END) {
      throw error(open.start, "unbalanced parentheses: the '('", " is never closed");
    }
    if (t.kind != Kind.CLOSE) {
      throw error(t.start, "expected 'and', 'or' or ')'", ", found " + describe(t));
    }
    depth--;
    return inner;
  }

  private Filter function() throws FilterException {
    Token name = take();
    if (isKeyword(name, "not")) {
      throw notSupported(name);
    }
    if (!isKeyword(name, "startswith")) {
      throw error(
          name.start,
          "function " + quote(name.text) + " is not supported",
          "; the only function is startswith(field, 'prefix')");
    }
    countComparison(name);
    take();
    Token fieldToken = take();
    String field = field(fieldToken);
    if (fields.get(field) != FieldType.STRING) {
      throw error(
          fieldToken.start, "'startswith' needs a text field", ", but " + field + " is true/false");
    }
    Token comma = take();
    if (comma.kind != Kind.COMMA) {
      throw error(
          comma.start, "expected ',' after the field in startswith", ", found " + describe(comma));
    }
    Token prefix = take();
    if (prefix.kind != Kind.STRING) {
      throw error(
          prefix.start,
          "'startswith' needs a prefix in single quotes",
          ", found " + describe(prefix));
    }
    Token close = take();
    if (close.kind != Kind.CLOSE) {
      throw error(close.start, "expected ')' to end startswith(...)", ", found " + describe(close));
    }
    if (isKeyword(peek(), "eq") || isKeyword(peek(), "ne")) {
      startsWithComparedToTrue();
    }
    return new Filter.StartsWith(field, prefix.text);
  }

  /** Accepts the trailing {@code eq true} of {@code startswith(...) eq true}; nothing else. */
  private void startsWithComparedToTrue() throws FilterException {
    Token op = take();
    Token value = take();
    boolean eq = isKeyword(op, "eq");
    if (eq && isKeyword(value, "true")) {
      return;
    }
    if (eq ? isKeyword(value, "false") : isKeyword(value, "true")) {
      throw error(
          op.start,
          "negated startswith is not supported",
          "; write startswith(...) or startswith(...) eq true");
    }
    throw error(
        op.start,
        "startswith(...) can only be compared with 'eq true'",
        ", found " + quote(op.text) + " followed by " + describe(value));
  }

  private Filter comparison() throws FilterException {
    Token fieldToken = take();
    String field = field(fieldToken);
    countComparison(fieldToken);
    Token op = take();
    Filter.Op operator = operator(op, field);
    Token valueToken = take();
    Object value = literal(valueToken, op);
    FieldType type = fields.get(field);
    if (type == FieldType.BOOLEAN && !(value instanceof Boolean)) {
      throw error(
          valueToken.start,
          "expected true or false",
          ", found " + describe(valueToken) + ": " + field + " is a true/false field");
    }
    if (type == FieldType.STRING && value instanceof Boolean) {
      throw error(
          valueToken.start,
          "expected text in single quotes or null",
          ", found " + describe(valueToken) + ": " + field + " is a text field");
    }
    return new Filter.Compare(field, operator, value);
  }

  private Filter.Op operator(Token op, String field) throws FilterException {
    if (isKeyword(op, "eq")) {
      return Filter.Op.EQ;
    }
    if (isKeyword(op, "ne")) {
      return Filter.Op.NE;
    }
    if (isKeyword(op, "in")) {
      throw error(op.start, "'in' is not supported", "; combine eq comparisons with 'or' instead");
    }
    if (op.kind == Kind.WORD && UNSUPPORTED_OPERATORS.contains(lower(op.text))) {
      throw error(op.start, "operator " + quote(op.text) + " is not supported", "; use eq or ne");
    }
    throw error(op.start, "expected 'eq' or 'ne' after " + field, ", found " + describe(op));
  }

  /** The value of a literal token: a String, a Boolean, or null for {@code null}. */
  private Object literal(Token t, Token op) throws FilterException {
    if (t.kind == Kind.STRING) {
      return t.text;
    }
    if (isKeyword(t, "true")) {
      return Boolean.TRUE;
    }
    if (isKeyword(t, "false")) {
      return Boolean.FALSE;
    }
    if (isKeyword(t, "null")) {
      return null;
    }
    String expected = "expected a value after " + quote(op.text);
    if (t.kind == Kind.WORD && fields.containsKey(path(t))) {
      throw error(
          t.start,
          expected,
          ", found the field " + path(t) + "; comparing two fields is not supported");
    }
    throw error(
        t.start, expected, " (text in single quotes, true, false or null), found " + describe(t));
  }

  /** The {@code /} form of the field named by {@code t}, which must be one the resource allows. */
  private String field(Token t) throws FilterException {
    if (t.kind != Kind.WORD) {
      throw error(t.start, "expected a field name", ", found " + describe(t));
    }
    String path = path(t);
    if (fields.containsKey(path)) {
      return path;
    }
    if (isKeyword(t, "not")) {
      throw notSupported(t);
    }
    if (KEYWORDS.contains(lower(t.text))) {
      throw error(t.start, "expected a field name", ", found " + describe(t));
    }
    for (String known : fields.keySet()) {
      if (known.equalsIgnoreCase(path)) {
        throw error(
            t.start,
            "unknown field " + quote(t.text),
            "; did you mean '" + known + "'? Field names are case-sensitive");
      }
    }
    throw error(
        t.start,
        "unknown field " + quote(t.text),
        "; known fields: " + String.join(", ", new TreeSet<>(fields.keySet())));
  }

  private void countComparison(Token t) throws FilterException {
    if (++comparisons > MAX_COMPARISONS) {
      throw error(
          t.start, "too many comparisons: the limit of " + MAX_COMPARISONS + " is exceeded", "");
    }
  }

  private FilterException notSupported(Token t) {
    return error(
        t.start, "'not' is not supported", "; write the opposite comparison instead (ne for eq)");
  }

  private Token peek() throws FilterException {
    return token(next);
  }

  /** The next token; the end token repeats, so callers never run past it. */
  private Token take() throws FilterException {
    Token t = token(next);
    if (t.kind != Kind.END) {
      next++;
    }
    return t;
  }

  // ---- tokenizer: lazy, so that errors are reported in the order they appear ----

  private Token token(int index) throws FilterException {
    while (tokens.size() <= index && (tokens.isEmpty() || last().kind != Kind.END)) {
      scan = lex(scan);
    }
    return index < tokens.size() ? tokens.get(index) : last();
  }

  private Token last() {
    return tokens.get(tokens.size() - 1);
  }

  /** Adds the token at or after {@code i} and returns where the next one may start. */
  private int lex(int i) throws FilterException {
    while (i < text.length() && Character.isWhitespace(text.codePointAt(i))) {
      i += Character.charCount(text.codePointAt(i));
    }
    if (i == text.length()) {
      tokens.add(new Token(Kind.END, "", i));
      return i;
    }
    int c = text.codePointAt(i);
    return switch (c) {
      case '(' -> single(Kind.OPEN, i);
      case ')' -> single(Kind.CLOSE, i);
      case ',' -> single(Kind.COMMA, i);
      case '\'' -> string(i);
      default -> {
        if (!isNameStart(c)) {
          throw unexpected(i, c);
        }
        yield word(i);
      }
    };
  }

  private int single(Kind kind, int i) {
    tokens.add(new Token(kind, text.substring(i, i + 1), i));
    return i + 1;
  }

  private int string(int start) throws FilterException {
    StringBuilder value = new StringBuilder();
    int i = start + 1;
    while (true) {
      int quote = text.indexOf('\'', i);
      if (quote < 0) {
        throw error(
            start,
            "unterminated string starting",
            "; end it with a single quote (write '' for a quote inside the text)");
      }
      value.append(text, i, quote);
      if (quote + 1 < text.length() && text.charAt(quote + 1) == '\'') {
        value.append('\'');
        i = quote + 2;
      } else {
        tokens.add(new Token(Kind.STRING, value.toString(), start));
        return quote + 1;
      }
    }
  }

  /** A keyword or a field path: names joined by single {@code /} or {@code .}. */
  private int word(int start) throws FilterException {
    int i = start;
    while (true) {
      while (i < text.length() && isNamePart(text.codePointAt(i))) {
        i += Character.charCount(text.codePointAt(i));
      }
      if (i < text.length() && (text.charAt(i) == '/' || text.charAt(i) == '.')) {
        char separator = text.charAt(i++);
        if (i >= text.length() || !isNameStart(text.codePointAt(i))) {
          throw error(i, "expected a name after '" + separator + "'", " in a field path");
        }
      } else {
        tokens.add(new Token(Kind.WORD, text.substring(start, i), start));
        return i;
      }
    }
  }

  private FilterException unexpected(int i, int c) {
    boolean signed = (c == '-' || c == '+') && i + 1 < text.length() && isDigit(text.charAt(i + 1));
    if (isDigit(c) || signed) {
      return error(
          i, "numbers are not supported", "; quote the value as text, e.g. '+14255550100'");
    }
    if (c == '"') {
      return error(
          i, "double-quoted strings are not supported", "; use single quotes, e.g. 'contoso'");
    }
    String hint =
        switch (c) {
          case '=', '!', '<', '>' -> "; compare with eq or ne";
          case '&', '|' -> "; combine conditions with and / or";
          default -> "";
        };
    return error(i, "unexpected character " + show(c), hint);
  }

  // ---- helpers ----

  /** {@code before + " at position N" + after}, N being 1-based in code points. */
  private FilterException error(int index, String before, String after) {
    int position = text.codePointCount(0, Math.min(index, text.length())) + 1;
    return new FilterException(before + " at position " + position + after, position);
  }

  private static String path(Token t) {
    return t.text.replace('.', '/');
  }

  private static boolean isKeyword(Token t, String keyword) {
    return t.kind == Kind.WORD && lower(t.text).equals(keyword);
  }

  /** ASCII-only lower case, so that e.g. the Kelvin sign never spells a keyword. */
  private static String lower(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    return b.toString();
  }

  private static boolean isNameStart(int c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isNamePart(int c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static String describe(Token t) {
    return switch (t.kind) {
      case END -> "the end of the filter";
      case STRING -> "a quoted string";
      case WORD -> quote(t.text);
      case OPEN, CLOSE, COMMA -> "'" + t.text + "'";
    };
  }

  /** A word as written, shortened so that error messages stay small. */
  private static String quote(String word) {
    if (word.codePointCount(0, word.length()) <= MAX_ECHO) {
      return "'" + word + "'";
    }
    return "'" + word.substring(0, word.offsetByCodePoints(0, MAX_ECHO)) + "...'";
  }

  /** A character for an error message; invisible or broken ones as {@code U+XXXX}. */
  private static String show(int c) {
    int type = Character.getType(c);
    boolean invisible =
        Character.isISOControl(c)
            || type == Character.SURROGATE
            || type == Character.FORMAT
            || type == Character.UNASSIGNED
            || type == Character.PRIVATE_USE
            || type == Character.SPACE_SEPARATOR
            || type == Character.LINE_SEPARATOR
            || type == Character.PARAGRAPH_SEPARATOR;
    return invisible ? String.format("U+%04X", c) : "'" + new String(Character.toChars(c)) + "'";
  }
}
