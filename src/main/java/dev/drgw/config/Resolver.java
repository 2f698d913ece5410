package dev.drgw.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds each setting's raw value (environment first, then the YAML file) and collects every
 * problem, so that all of them are reported together.
 */
final class Resolver {

  private final Map<String, String> env;
  private final Map<String, String> file;
  private final List<String> problems;

  Resolver(Map<String, String> env, YamlFile.Contents file) {
    this.env = env;
    this.file = file.values();
    this.problems = new ArrayList<>(file.problems());
  }

  /** The value exactly as set (an empty string counts as set), or empty if not set at all. */
  Optional<String> raw(Setting setting) {
    String fromEnv = env.get(setting.env());
    return fromEnv != null
        ? Optional.of(fromEnv)
        : Optional.ofNullable(file.get(setting.yamlKey()));
  }

  /** The parsed value, stripped of surrounding white space first, else {@code defaultRaw}. */
  <T> Optional<T> get(Setting setting, String defaultRaw, Function<String, Parsed<T>> parser) {
    return check(setting, parser.apply(raw(setting).orElse(defaultRaw).strip()));
  }

  /** The value if {@code parsed} is good; otherwise records the problem and returns empty. */
  <T> Optional<T> check(Setting setting, Parsed<T> parsed) {
    if (parsed instanceof Parsed.Ok<T> ok) {
      return Optional.of(ok.value());
    }
    problem(setting, ((Parsed.Bad<T>) parsed).reason());
    return Optional.empty();
  }

  void problem(Setting setting, String reason) {
    problems.add(setting.names() + ": " + reason);
  }

  void throwIfProblems() throws ConfigException {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}
