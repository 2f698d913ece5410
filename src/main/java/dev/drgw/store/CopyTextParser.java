package dev.drgw.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses PostgreSQL's COPY text format as it streams in chunks that may end anywhere: rows end
 * with a newline, columns with a tab, {@code \N} alone is null, and a backslash escapes the next
 * character: {@code \t \n \r \b \f \v}, octal {@code \o}..{@code \ooo}, hex {@code \xh} or
 * {@code \xhh} (bytes), else the character itself. Fields are decoded as UTF-8.
 */
final class CopyTextParser {

  /** Receives each row; {@code fields} is reused for the next row. */
  interface RowHandler {
    void row(String[] fields);
  }

  private static final int NONE = -1;

  private final String[] fields;
  private final RowHandler handler;
  private byte[] field = new byte[128];
  private int length;
  private int column;
  private boolean escaped;
  private boolean isNull;
  private boolean rowStarted;
  /** Digits read of a pending octal or hex escape, or {@link #NONE}. */
  private int octalDigits = NONE;
  private int hexDigits = NONE;
  private int code;

  CopyTextParser(int columns, RowHandler handler) {
    this.fields = new String[columns];
    this.handler = handler;
  }

  void accept(byte[] chunk, int offset, int count) {
    for (int i = offset; i < offset + count; i++) {
      byte b = chunk[i];
      rowStarted = true;
      if (octalDigits != NONE) {
        if (octalDigits < 3 && b >= '0' && b <= '7') {
          code = code * 8 + (b - '0');
          octalDigits++;
          continue;
        }
        flushCode();
      } else if (hexDigits != NONE) {
        int digit = Character.digit(b, 16);
        if (hexDigits < 2 && digit >= 0) {
          code = code * 16 + digit;
          hexDigits++;
          continue;
        }
        flushCode();
      }
      if (escaped) {
        escaped = false;
        escape(b);
        continue;
      }
      switch (b) {
        case '\\' -> escaped = true;
        case '\t' -> endField();
        case '\n' -> endRow();
        default -> append(b);
      }
    }
  }

  /** Called after the last chunk; a last row without a newline still counts. */
  void finish() {
    flushCode();
    if (escaped) {
      throw new IllegalStateException("COPY data ends inside an escape");
    }
    if (rowStarted) {
      endRow();
    }
  }

  private void escape(byte b) {
    switch (b) {
      case 'N' -> {
        if (length == 0) {
          isNull = true;
        } else {
          append(b);
        }
      }
      case 't' -> append((byte) '\t');
      case 'n' -> append((byte) '\n');
      case 'r' -> append((byte) '\r');
      case 'b' -> append((byte) '\b');
      case 'f' -> append((byte) '\f');
      case 'v' -> append((byte) 0x0B);
      case 'x' -> {
        hexDigits = 0;
        code = 0;
      }
      default -> {
        if (b >= '0' && b <= '7') {
          octalDigits = 1;
          code = b - '0';
        } else {
          append(b);
        }
      }
    }
  }

  private void flushCode() {
    if (octalDigits != NONE) {
      append((byte) code);
    } else if (hexDigits == 0) {
      append((byte) 'x');
    } else if (hexDigits != NONE) {
      append((byte) code);
    }
    octalDigits = NONE;
    hexDigits = NONE;
  }

  private void append(byte b) {
    if (isNull) {
      // "\N" followed by more is not the null marker but the text "N..."
      isNull = false;
      append((byte) 'N');
    }
    if (length == field.length) {
      field = Arrays.copyOf(field, length * 2);
    }
    field[length++] = b;
  }

  private void endField() {
    if (column >= fields.length) {
      throw new IllegalStateException("COPY row has more than " + fields.length + " columns");
    }
    fields[column++] = isNull ? null : new String(field, 0, length, StandardCharsets.UTF_8);
    length = 0;
    isNull = false;
  }

  private void endRow() {
    endField();
    if (column != fields.length) {
      throw new IllegalStateException("COPY row has " + column + " columns, expected " + fields.length);
    }
    handler.row(fields);
    column = 0;
    rowStarted = false;
  }
}
