package dev.drgw;

import dev.drgw.auth.PasswordHasher;
import dev.drgw.config.Config;
import dev.drgw.store.Database;
import dev.drgw.store.JdbcUserStore;
import dev.drgw.users.PortalUser;
import dev.drgw.users.UserRole;
import dev.drgw.users.UserRules;
import dev.drgw.users.UserStore;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code drgw user add|list|remove|password}: local users of the Number Management Portal, kept
 * in drgw's database. With the embedded H2 database, run these while drgw is stopped (H2 opens
 * its file in one process); with PostgreSQL, at any time.
 */
@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description = "Manages local users of the Number Management Portal.",
    subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Remove.class,
        UserCommand.Password.class})
final class UserCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options every user command shares, and the store they work on. */
  abstract static class Base implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file")
    Path config;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
      Config loaded = App.loadConfig(config);
      var db = loaded.database();
      java.nio.file.Files.createDirectories(loaded.dataDir());
      try (Database database = Database.open(db.url(), db.user(), db.password(), 2, Duration.ofSeconds(5))) {
        return run(new JdbcUserStore(database), spec.commandLine().getOut());
      } catch (Database.InUseException e) {
        spec.commandLine().getErr().println("drgw: " + e.getMessage() + ".");
        spec.commandLine().getErr().println("Stop drgw and run the command again: the embedded database is opened by one"
            + " process at a time (a PostgreSQL database has no such limit).");
        return 1;
      }
    }

    abstract int run(UserStore users, PrintWriter out) throws IOException;

    int fail(String message) {
      spec.commandLine().getErr().println("drgw: " + message);
      return 1;
    }
  }

  /** Where a new password comes from: standard input, or typed twice at the terminal. */
  abstract static class WithPassword extends Base {

    @Option(
        names = "--password-stdin",
        description = "read the password from the first line of standard input (for scripts)")
    boolean passwordStdin;

    Optional<char[]> password() throws IOException {
      if (passwordStdin) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (line == null) {
          fail("standard input is empty; give the password on its first line");
          return Optional.empty();
        }
        return Optional.of(line.toCharArray());
      }
      Console console = System.console();
      if (console == null) {
        fail("no terminal to ask for the password; use --password-stdin");
        return Optional.empty();
      }
      char[] first = console.readPassword("Password (at least %d characters): ", UserRules.MIN_PASSWORD);
      char[] again = console.readPassword("Password again: ");
      if (first == null || again == null || !Arrays.equals(first, again)) {
        fail("the two passwords differ");
        return Optional.empty();
      }
      return Optional.of(first);
    }

    /** The bcrypt hash of a checked password, or empty after saying what is wrong. */
    Optional<String> hashedPassword() throws IOException {
      Optional<char[]> password = password();
      if (password.isEmpty()) {
        return Optional.empty();
      }
      Optional<String> problem = UserRules.checkPassword(password.get());
      if (problem.isPresent()) {
        fail(problem.get());
        return Optional.empty();
      }
      String hash = new PasswordHasher().hash(password.get());
      Arrays.fill(password.get(), '\0');
      return Optional.of(hash);
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a portal user.")
  static final class Add extends WithPassword {

    @Parameters(paramLabel = "USERNAME", description = "1 to 64 letters, digits, '.', '_', '@' or '-'")
    String username;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "read, write, delete or admin (as the API's ProvisioningAPI.* roles)")
    String role;

    @Override
    int run(UserStore users, PrintWriter out) throws IOException {
      Optional<String> bad = UserRules.checkUsername(username);
      if (bad.isPresent()) {
        return fail(bad.get() + ", got \"" + username + "\"");
      }
      Optional<UserRole> parsed = UserRole.parse(role);
      if (parsed.isEmpty()) {
        return fail("unknown role \"" + role + "\"; use read, write, delete or admin");
      }
      if (users.find(username).isPresent()) {
        return fail("user " + username + " exists already; use 'drgw user password' to change the password");
      }
      Optional<String> hash = hashedPassword();
      if (hash.isEmpty()) {
        return 1;
      }
      if (!users.add(new PortalUser(username, parsed.get(), hash.get()))) {
        return fail("user " + username + " exists already");
      }
      out.println("added portal user " + username + " with role " + parsed.get().label());
      out.flush();
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the portal users and their roles.")
  static final class ListUsers extends Base {

    @Override
    int run(UserStore users, PrintWriter out) {
      for (PortalUser user : users.list()) {
        out.println(user.username() + "\t" + user.role().label());
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a portal user.")
  static final class Remove extends Base {

    @Parameters(paramLabel = "USERNAME")
    String username;

    @Override
    int run(UserStore users, PrintWriter out) {
      if (!users.remove(username)) {
        return fail("no portal user " + username);
      }
      out.println("removed portal user " + username);
      out.flush();
      return 0;
    }
  }

  @Command(name = "password", mixinStandardHelpOptions = true, description = "Sets a portal user's password.")
  static final class Password extends WithPassword {

    @Parameters(paramLabel = "USERNAME")
    String username;

    @Override
    int run(UserStore users, PrintWriter out) throws IOException {
      if (users.find(username).isEmpty()) {
        return fail("no portal user " + username);
      }
      Optional<String> hash = hashedPassword();
      if (hash.isEmpty()) {
        return 1;
      }
      users.setPasswordHash(username, hash.get());
      out.println("new password set for portal user " + username);
      out.flush();
      return 0;
    }
  }
}
