package dev.drgw;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.auth.PasswordHasher;
import dev.drgw.portal.InitialAdmin;
import dev.drgw.store.Database;
import dev.drgw.store.JdbcUserStore;
import dev.drgw.testing.PortalClient;
import dev.drgw.testing.TestServer;
import dev.drgw.users.PortalUser;
import dev.drgw.users.UserRole;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code drgw user ...} run in-process with captured output, on a fresh data directory; and the
 * first {@code admin} user a fresh server creates.
 */
class UserCommandTest {

  private static final String PASSWORD = "correct horse battery";

  private record Run(int exitCode, String out, String err) {}

  private Path dataDir;
  private Path config;

  @BeforeEach
  void freshDataDir() throws Exception {
    dataDir = TestServer.newDataDir();
    config = dataDir.resolve("drgw.yaml");
    Files.writeString(config, "data-dir: " + dataDir + "\ndns:\n  enabled: false\n");
  }

  private Run run(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = App.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    InputStream before = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      int code = cli.execute(args);
      return new Run(code, out.toString(), err.toString());
    } finally {
      System.setIn(before);
    }
  }

  /** Runs drgw in its own JVM, as an operator's shell would next to a running server. */
  private static Run inAnotherProcess(String stdin, String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), App.class.getName()));
    command.addAll(java.util.List.of(args));
    Path out = Files.createTempFile("drgw-user-", ".out");
    Path err = Files.createTempFile("drgw-user-", ".err");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try (var stdinStream = process.getOutputStream()) {
      stdinStream.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("drgw user did not finish within 60 s");
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private Run user(String stdin, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "user";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--config";
    all[args.length + 2] = config.toString();
    return run(stdin, all);
  }

  private Run add(String username, String role, String password) {
    return user(password + "\n", "add", username, "--role", role, "--password-stdin");
  }

  /** The users as stored, read with the server's own store. */
  private Optional<PortalUser> stored(String username) {
    try (Database db = Database.open("jdbc:h2:file:" + dataDir.resolve("drgw"), "drgw", "", 2)) {
      return new JdbcUserStore(db).find(username);
    }
  }

  private static boolean passwordMatches(PortalUser user, String password) {
    return new PasswordHasher().matches(password.toCharArray(), user.passwordHash());
  }

  @Test
  void addCreatesAUserWhoCanSignInToTheServer() {
    Run run = add("alice", "write", PASSWORD);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("added portal user alice with role write" + System.lineSeparator());
    assertThat(run.err()).isEmpty();
    PortalUser alice = stored("alice").orElseThrow();
    assertThat(alice.role()).isEqualTo(UserRole.WRITE);
    assertThat(alice.passwordHash()).startsWith("$2a$12$").doesNotContain(PASSWORD);

    try (TestServer server = TestServer.start(Map.of("DRGW_DATA_DIR", dataDir.toString()))) {
      PortalClient browser = new PortalClient(server.baseUrl());
      PortalClient.Response signIn = browser.signIn("alice", PASSWORD);
      assertThat(signIn.status()).isEqualTo(302);
      assertThat(signIn.location()).isEqualTo("/portal/accounts");
      PortalClient.Response page = browser.get("/portal/accounts");
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body()).contains("alice <span class=\"role\" title=\"Your role\">write</span>");
      assertThat(Files.exists(dataDir.resolve(InitialAdmin.FILE))).as("no initial admin next to a real user").isFalse();
    }
  }

  @Test
  void theRoleMayBeGivenAsTheApiRoleName() {
    Run run = add("bob", "ProvisioningAPI.Delete", PASSWORD);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(stored("bob").orElseThrow().role()).isEqualTo(UserRole.DELETE);
  }

  @Test
  void onlyTheFirstLineOfStandardInputIsThePassword() {
    Run run = add("alice", "read", PASSWORD + "\nsecond line\n");

    assertThat(run.exitCode()).as(run.err()).isZero();
    PortalUser alice = stored("alice").orElseThrow();
    assertThat(passwordMatches(alice, PASSWORD)).isTrue();
  }

  @Test
  void aWindowsLineEndOnStandardInputIsNotPartOfThePassword() {
    Run run = user(PASSWORD + "\r\n", "add", "alice", "--role", "read", "--password-stdin");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(passwordMatches(stored("alice").orElseThrow(), PASSWORD)).isTrue();
  }

  @Test
  void addingAnExistingUserIsRefusedAndKeepsTheirPassword() {
    add("alice", "write", PASSWORD);

    Run again = add("alice", "admin", "another password!");

    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("user alice exists already").contains("drgw user password");
    PortalUser alice = stored("alice").orElseThrow();
    assertThat(alice.role()).isEqualTo(UserRole.WRITE);
    assertThat(passwordMatches(alice, PASSWORD)).isTrue();
  }

  @Test
  void anUnknownRoleIsRefused() {
    Run run = add("alice", "superuser", PASSWORD);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("unknown role \"superuser\"").contains("read, write, delete or admin");
    assertThat(stored("alice")).isEmpty();
  }

  @Test
  void theRoleIsRequired() {
    Run run = user(PASSWORD + "\n", "add", "alice", "--password-stdin");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--role");
  }

  @Test
  void aBadUsernameIsRefused() {
    Run run = add("alice smith", "read", PASSWORD);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("a username is 1 to 64 letters").contains("\"alice smith\"");
    assertThat(stored("alice smith")).isEmpty();
  }

  @Test
  void aShortPasswordIsRefused() {
    Run run = add("alice", "read", "short");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("at least 12 characters");
    assertThat(stored("alice")).isEmpty();
  }

  @Test
  void aPasswordOverBcryptsLimitIsRefused() {
    Run run = add("alice", "read", "€".repeat(30));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("72 bytes");
    assertThat(stored("alice")).isEmpty();
  }

  @Test
  void emptyStandardInputIsRefused() {
    Run run = user("", "add", "alice", "--role", "read", "--password-stdin");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("drgw: ");
    assertThat(stored("alice")).isEmpty();
  }

  @Test
  void withoutATerminalAndWithoutPasswordStdinItSaysWhatToDo() {
    Run run = user("", "add", "alice", "--role", "read");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("no terminal").contains("--password-stdin");
    assertThat(stored("alice")).isEmpty();
  }

  @Test
  void listShowsOneUserPerLineSortedWithTheirRoles() {
    add("wendy", "write", PASSWORD);
    add("alice", "admin", PASSWORD);
    add("victor", "ProvisioningAPI.Read", PASSWORD);

    Run run = user("", "list");

    assertThat(run.exitCode()).as(run.err()).isZero();
    String nl = System.lineSeparator();
    assertThat(run.out()).isEqualTo("alice\tadmin" + nl + "victor\tread" + nl + "wendy\twrite" + nl);
  }

  @Test
  void listWithNoUsersPrintsNothing() {
    Run run = user("", "list");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEmpty();
  }

  @Test
  void removeDeletesTheUser() {
    add("alice", "admin", PASSWORD);
    add("bob", "read", PASSWORD);

    Run run = user("", "remove", "alice");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("removed portal user alice" + System.lineSeparator());
    assertThat(stored("alice")).isEmpty();
    assertThat(user("", "list").out()).isEqualTo("bob\tread" + System.lineSeparator());
  }

  @Test
  void removingAnUnknownUserFails() {
    add("alice", "admin", PASSWORD);

    Run run = user("", "remove", "ghost");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("no portal user ghost");
    assertThat(stored("alice")).isPresent();
  }

  @Test
  void passwordSetsANewPasswordAndTheOldOneStopsWorking() {
    add("alice", "write", PASSWORD);

    Run run = user("a brand new passphrase\n", "password", "alice", "--password-stdin");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("new password set for portal user alice" + System.lineSeparator());
    PortalUser alice = stored("alice").orElseThrow();
    assertThat(passwordMatches(alice, "a brand new passphrase")).isTrue();
    assertThat(passwordMatches(alice, PASSWORD)).isFalse();
    assertThat(alice.role()).isEqualTo(UserRole.WRITE);
  }

  @Test
  void aShortNewPasswordKeepsTheOldOne() {
    add("alice", "write", PASSWORD);

    Run run = user("tiny\n", "password", "alice", "--password-stdin");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("at least 12 characters");
    assertThat(passwordMatches(stored("alice").orElseThrow(), PASSWORD)).isTrue();
  }

  @Test
  void passwordOfAnUnknownUserFails() {
    Run run = user("a brand new passphrase\n", "password", "ghost", "--password-stdin");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("no portal user ghost");
  }

  @Test
  void everyUserCommandHasHelp() {
    for (String command : new String[] {"add", "list", "remove", "password"}) {
      Run run = run("", "user", command, "--help");
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).contains("Usage: drgw user " + command);
    }
    assertThat(run("", "user").out()).contains("add").contains("list").contains("remove").contains("password");
  }

  @Test
  void whileTheServerRunsOnTheDataDirTheCommandSaysToStopIt() throws Exception {
    try (TestServer server = TestServer.start(Map.of("DRGW_DATA_DIR", dataDir.toString()))) {
      Instant start = Instant.now();

      // H2 locks the file against other processes only; inside one JVM it shares the database.
      Run run = inAnotherProcess(PASSWORD + "\n", "user", "add", "alice", "--role", "write", "--password-stdin",
          "--config", config.toString());

      assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));
      assertThat(run.exitCode()).as("out: %s err: %s", run.out(), run.err()).isEqualTo(1);
      assertThat(run.err()).contains("in use").contains("Stop drgw");
      assertThat(server.wiring().portalUsers().find("alice")).isEmpty();
    }
  }

  @Test
  void aFreshServerCreatesAnAdminWithARandomPasswordOnlyItsUserCanRead() throws Exception {
    try (TestServer server = TestServer.start(Map.of("DRGW_DATA_DIR", dataDir.toString()))) {
      Path file = dataDir.resolve(InitialAdmin.FILE);
      assertThat(file).isRegularFile();
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      }
      String password = Files.readString(file).strip();
      assertThat(password).hasSizeGreaterThanOrEqualTo(20).matches("[A-Za-z0-9_-]+");
      assertThat(Files.readString(file)).isEqualTo(password + "\n");

      PortalClient browser = new PortalClient(server.baseUrl());
      PortalClient.Response signIn = browser.signIn("admin", password);
      assertThat(signIn.status()).isEqualTo(302);
      assertThat(browser.get("/portal/accounts").body()).contains("admin <span class=\"role\" title=\"Your role\">admin</span>");
      PortalClient stranger = new PortalClient(server.baseUrl());
      stranger.get("/portal/login");
      assertThat(stranger.post("/portal/login", Map.of("username", "admin", "password", "not the password")).status())
          .isEqualTo(401);

      Files.delete(file);
      server.restart();

      assertThat(file).doesNotExist();
      assertThat(server.wiring().portalUsers().list()).extracting(PortalUser::username).containsExactly("admin");
      assertThat(new PortalClient(server.baseUrl()).signIn("admin", password).status()).isEqualTo(302);
    }
  }

  @Test
  void eachFreshInstallationGetsItsOwnPassword() {
    String first;
    try (TestServer a = TestServer.start(Map.of())) {
      first = a.initialAdminPassword();
    }
    try (TestServer b = TestServer.start(Map.of())) {
      assertThat(b.initialAdminPassword()).isNotEqualTo(first);
    }
  }

  @Test
  void anAdminIsCreatedAgainWhenNoUserIsLeftAtStart() {
    add("alice", "admin", PASSWORD);
    user("", "remove", "alice");

    try (TestServer server = TestServer.start(Map.of("DRGW_DATA_DIR", dataDir.toString()))) {
      assertThat(dataDir.resolve(InitialAdmin.FILE)).isRegularFile();
      assertThat(server.wiring().portalUsers().list()).extracting(PortalUser::username).containsExactly("admin");
    }
  }
}
