package dev.drgw.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs the tests drive (dig, kdig, dnsperf, nsd, ...). Missing in CI (the
 * environment variable {@code CI} set, as {@code .ci/run} does) a test fails, naming the Debian
 * package to install; on a developer machine it is skipped with the same hint.
 */
public final class Tools {

  private Tools() {}

  /** The absolute path of {@code program}, found on PATH or in /usr/sbin. */
  public static String require(String program, String debianPackage) {
    Optional<Path> found = find(program);
    if (found.isPresent()) {
      return found.get().toString();
    }
    String message =
        program + " is not installed: apt-get install " + debianPackage + " (.ci/run installs it)";
    if (System.getenv("CI") != null) {
      throw new AssertionError(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  /**
   * The absolute path of {@code program}; fails, never skips, when it is missing (for tests whose
   * whole point is that program, such as the cluster tests' SIPp load).
   */
  public static String mustHave(String program, String debianPackage) {
    return find(program)
        .map(Path::toString)
        .orElseThrow(() -> new AssertionError(
            program + " is not installed: apt-get install " + debianPackage + " (.ci/run installs it)"));
  }

  static Optional<Path> find(String program) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin";
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
