package dev.drgw.config;

import java.util.List;

/**
 * The configuration cannot be used; start-up must stop. The message has one problem per line, each
 * naming the setting, what was expected and what was given (never a secret).
 */
public final class ConfigException extends Exception {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }
}
