package dev.drgw.config;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for unknown YAML keys. */
final class KeySuggestions {

  private KeySuggestions() {}

  /**
   * The known name closest to {@code key}: a setting's YAML key when {@code key} is its environment
   * name, else the nearest by edit distance if close, else a key with the same last part (a setting
   * written outside its section).
   */
  static Optional<String> nearest(String key, List<String> known) {
    Optional<Setting> byEnv = Settings.byEnv(key.toUpperCase(Locale.ROOT).replace('-', '_'));
    if (byEnv.isPresent()) {
      return Optional.of(byEnv.get().yamlKey());
    }
    int limit = Math.max(2, key.length() / 4);
    Optional<String> close =
        known.stream()
            .filter(name -> distance(key, name) <= limit)
            .min(Comparator.comparingInt(name -> distance(key, name)));
    if (close.isPresent()) {
      return close;
    }
    String last = key.substring(key.lastIndexOf('.') + 1);
    return known.stream().filter(name -> name.endsWith("." + last)).findFirst();
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
