package dev.drgw.config;

/**
 * One configuration setting as operators see it: its environment variable, its dotted YAML key, the
 * default in plain words and what it means.
 */
public record Setting(String env, String yamlKey, String defaultValue, String description) {

  /** Both names, as every message about this setting shows them: {@code ENV (yaml.key)}. */
  public String names() {
    return env + " (" + yamlKey + ")";
  }
}
