package dev.drgw;

import dev.drgw.auth.LocalSigningKey;
import dev.drgw.auth.Role;
import dev.drgw.auth.TokenIssuer;
import dev.drgw.config.Config;
import dev.drgw.config.ConfigException;
import dev.drgw.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code drgw} command line: {@code serve}, {@code token}, {@code user}, {@code version}. */
@Command(
    name = "drgw",
    mixinStandardHelpOptions = true,
    versionProvider = App.Version.class,
    description = "Direct Routing Gateway: Teams Direct Routing for many customers.",
    subcommands = {App.Serve.class, App.Token.class, UserCommand.class, App.VersionCommand.class})
public final class App implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new App());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof ConfigException) {
            cmd.getErr().println("drgw: configuration error:");
            cmd.getErr().println(e.getMessage());
            return 2;
          }
          if (e instanceof RuntimeException) {
            // logged, so that with DRGW_LOG_FORMAT=json a failed start is a JSON line too
            LoggerFactory.getLogger(App.class).error("drgw {} failed: {}", cmd.getCommandName(), e.getMessage(), e);
            return 1;
          }
          throw e;
        });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Config loadConfig(Path configFile) throws ConfigException {
    Config config = ConfigLoader.load(System.getenv(), Optional.ofNullable(configFile));
    LogFormats.use(config.operations().logFormat());
    for (String unknown : ConfigLoader.unknownEnvironmentSettings(System.getenv())) {
      LoggerFactory.getLogger(App.class).warn("ignoring unknown setting {}", unknown);
    }
    return config;
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Starts drgw. With no configuration it runs with embedded defaults: an H2 database in"
            + " ./data and HTTP on port 8080.",
        "Every setting is an environment variable (DRGW_...) or a key of the YAML file."
      })
  static final class Serve implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file")
    Path config;

    @Override
    public Integer call() throws Exception {
      Config loaded = loadConfig(config);
      Wiring wiring = Wiring.start(loaded, Clock.systemUTC());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    int status = 0;
                    try {
                      wiring.close();
                    } catch (RuntimeException e) {
                      LoggerFactory.getLogger(App.class).error("drgw did not stop cleanly", e);
                      status = 1;
                    }
                    // A JVM ended by SIGTERM exits 143 once the hooks are done; a stop that
                    // drained and closed everything is a clean exit, so say 0.
                    Runtime.getRuntime().halt(status);
                  },
                  "drgw-shutdown"));
      new CountDownLatch(1).await(); // until the shutdown hook ends the process
      return 0;
    }
  }

  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = {
        "Prints a bearer token for the Provisioning API, signed with the local key in the data"
            + " directory (created if missing). A server using the same data directory and"
            + " without DRGW_AUTH_JWKS_URL accepts it."
      })
  static final class Token implements Callable<Integer> {

    @Option(
        names = "--role",
        required = true,
        split = ",",
        paramLabel = "ROLE",
        description = "admin, read, write or delete (or ProvisioningAPI.Admin, ...); repeat or comma-separate for several")
    List<String> roles;

    @Option(
        names = "--ttl",
        defaultValue = "1h",
        paramLabel = "DURATION",
        description = "lifetime, e.g. 30m, 12h, 7d or PT1H (default: ${DEFAULT-VALUE})")
    String ttl;

    @Option(names = "--subject", defaultValue = "drgw-cli", description = "token subject (default: ${DEFAULT-VALUE})")
    String subject;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file")
    Path config;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Set<Role> parsed = EnumSet.noneOf(Role.class);
      for (String role : roles) {
        parsed.add(
            Role.parse(role.trim())
                .orElseThrow(
                    () ->
                        new CommandLine.ParameterException(
                            spec.commandLine(),
                            "unknown role \"" + role + "\"; use admin, read, write or delete")));
      }
      Duration lifetime = parseTtl(ttl);
      Config loaded = loadConfig(config);
      LocalSigningKey key = LocalSigningKey.loadOrCreate(loaded.dataDir());
      TokenIssuer issuer =
          new TokenIssuer(key, loaded.auth().issuer(), loaded.auth().audience(), Clock.systemUTC());
      PrintWriter out = spec.commandLine().getOut();
      out.println(issuer.issue(subject, parsed, lifetime));
      out.flush();
      return 0;
    }

    private Duration parseTtl(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      try {
        Duration d;
        if (t.startsWith("p")) {
          d = Duration.parse(t.toUpperCase(Locale.ROOT));
        } else {
          long n = Long.parseLong(t.substring(0, t.length() - 1));
          d =
              switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new NumberFormatException();
              };
        }
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(366)) > 0) {
          throw new NumberFormatException();
        }
        return d;
      } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--ttl must be a duration from 1s to 366d such as 30m, 12h, 7d or PT1H, got \"" + text + "\"");
      }
    }
  }

  @Command(name = "version", mixinStandardHelpOptions = true, description = "Prints drgw's version.")
  static final class VersionCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println("drgw " + Version.current());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {

    static String current() {
      try (InputStream in = App.class.getResourceAsStream("/drgw-version.properties")) {
        Properties p = new Properties();
        if (in != null) {
          p.load(in);
        }
        return p.getProperty("version", "unknown");
      } catch (IOException e) {
        return "unknown";
      }
    }

    @Override
    public String[] getVersion() {
      return new String[] {"drgw " + current()};
    }
  }
}
