package dev.drgw.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads the settings file: nested mappings whose dotted paths are the settings' YAML keys. Scalars
 * keep their text as written ({@code off} stays {@code off}); a null value counts as empty.
 */
final class YamlFile {

  /** Raw values by YAML key, and the problems found (unknown keys, misplaced values). */
  record Contents(Map<String, String> values, List<String> problems) {
    static final Contents EMPTY = new Contents(Map.of(), List.of());
  }

  private final String name;
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  private YamlFile(Path path) {
    this.name = "config file " + path.toAbsolutePath().normalize();
  }

  static Contents read(Path path) throws ConfigException {
    YamlFile file = new YamlFile(path);
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new ConfigException(file.name + ": cannot be read: " + readFailure(e));
    }
    return file.parse(text);
  }

  private Contents parse(String text) throws ConfigException {
    try (JsonParser parser = new YAMLFactory().createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return Contents.EMPTY;
      }
      if (first != JsonToken.START_OBJECT) {
        throw new ConfigException(
            at(parser) + ": must be a mapping of settings (key: value lines), got " + kind(first));
      }
      readMapping(parser, "");
      if (parser.nextToken() != null) {
        throw new ConfigException(
            at(parser) + ": holds a second YAML document; put all settings in one document");
      }
    } catch (JsonProcessingException e) {
      throw new ConfigException(syntaxError(e));
    } catch (IOException e) {
      throw new ConfigException(name + ": cannot be read: " + readFailure(e));
    }
    return new Contents(Map.copyOf(values), List.copyOf(problems));
  }

  private void readMapping(JsonParser parser, String prefix) throws IOException {
    Set<String> seen = new HashSet<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = prefix + parser.currentName();
      String where = at(parser);
      JsonToken value = parser.nextToken();
      Optional<Setting> setting = Settings.byYamlKey(key);
      if (!seen.add(key)) {
        problems.add(where + ": duplicate key " + Parsed.quote(key));
        parser.skipChildren();
      } else if (setting.isPresent()) {
        readValue(parser, setting.get(), value, where);
      } else if (!Settings.keysIn(key).isEmpty()) {
        readSection(parser, key, value, where);
      } else {
        problems.add(unknownKey(key, where));
        parser.skipChildren();
      }
    }
  }

  private void readValue(JsonParser parser, Setting setting, JsonToken value, String where)
      throws IOException {
    if (value.isScalarValue()) {
      values.put(setting.yamlKey(), value == JsonToken.VALUE_NULL ? "" : parser.getText());
    } else {
      problems.add(
          setting.names() + ": must be a single value, got " + kind(value) + " (" + where + ")");
      parser.skipChildren();
    }
  }

  private void readSection(JsonParser parser, String section, JsonToken value, String where)
      throws IOException {
    if (value == JsonToken.START_OBJECT) {
      readMapping(parser, section + ".");
    } else {
      problems.add(
          where
              + ": "
              + Parsed.quote(section)
              + " must be a mapping with the keys "
              + String.join(", ", Settings.keysIn(section))
              + ", got "
              + kind(value));
      parser.skipChildren();
    }
  }

  private String unknownKey(String key, String where) {
    String problem = where + ": unknown key " + Parsed.quote(key);
    return KeySuggestions.nearest(key, Settings.yamlNames())
        .map(known -> problem + "; did you mean " + Parsed.quote(known) + "?")
        .orElse(problem);
  }

  /** The parser's problem and position; never the offending line itself, which may be secret. */
  private String syntaxError(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      Mark mark = marked.getProblemMark();
      String context = marked.getContext() == null ? "" : marked.getContext() + ": ";
      return notYaml(mark.getLine() + 1, mark.getColumn() + 1, context + marked.getProblem());
    }
    JsonLocation location = e.getLocation();
    String message = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
    return location == null
        ? name + ": not valid YAML: " + message
        : notYaml(location.getLineNr(), location.getColumnNr(), message);
  }

  private String notYaml(int line, int column, String problem) {
    return name + ": not valid YAML at line " + line + ", column " + column + ": " + problem;
  }

  private String at(JsonParser parser) {
    return name + ", line " + parser.currentTokenLocation().getLineNr();
  }

  private static String kind(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "a mapping";
      case START_ARRAY -> "a list";
      default -> "a single value";
    };
  }

  private static String readFailure(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof MalformedInputException) {
      return "not UTF-8 text";
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
