package dev.drgw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The portal's settings: session lifetime and OpenID Connect sign-in, and how they fail. */
class PortalSettingsTest {

  private static final String SECRET = "Zm9vYmFy-very-secret-Qux";
  private static final String ISSUER = "DRGW_PORTAL_OIDC_ISSUER (portal.oidc.issuer)";
  private static final String CLIENT_ID = "DRGW_PORTAL_OIDC_CLIENT_ID (portal.oidc.client-id)";
  private static final String CLIENT_SECRET = "DRGW_PORTAL_OIDC_CLIENT_SECRET (portal.oidc.client-secret)";
  private static final String REDIRECT = "DRGW_PORTAL_OIDC_REDIRECT_URI (portal.oidc.redirect-uri)";
  private static final Map<String, String> COMPLETE = Map.of(
      "DRGW_PORTAL_OIDC_ISSUER", "https://login.example.net/tenant/v2.0",
      "DRGW_PORTAL_OIDC_CLIENT_ID", "drgw-portal",
      "DRGW_PORTAL_OIDC_CLIENT_SECRET", SECRET,
      "DRGW_PORTAL_OIDC_REDIRECT_URI", "https://drgw.example.net/portal/login/oidc/callback");

  @TempDir Path dir;

  private static Map<String, String> with(Map<String, String> base, String... keyValues) {
    Map<String, String> out = new HashMap<>(base);
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] == null) {
        out.remove(keyValues[i]);
      } else {
        out.put(keyValues[i], keyValues[i + 1]);
      }
    }
    return out;
  }

  private static ConfigException loadFails(Map<String, String> env) {
    try {
      Config config = ConfigLoader.load(env, Optional.empty());
      return fail("expected a ConfigException, got " + config);
    } catch (ConfigException e) {
      return e;
    }
  }

  @Test
  void byDefaultSignInsLastEightHoursAndOidcIsOff() throws ConfigException {
    PortalSettings portal = ConfigLoader.load(Map.of(), Optional.empty()).portal();

    assertThat(portal).isEqualTo(new PortalSettings(Duration.ofHours(8), Optional.empty()));
  }

  @Test
  void aCompleteOidcConfigurationLoads() throws ConfigException {
    PortalSettings portal = ConfigLoader.load(with(COMPLETE, "DRGW_PORTAL_SESSION_LIFETIME", "30m"), Optional.empty())
        .portal();

    assertThat(portal.sessionLifetime()).isEqualTo(Duration.ofMinutes(30));
    assertThat(portal.oidc()).contains(new PortalSettings.Oidc(
        URI.create("https://login.example.net/tenant/v2.0"), "drgw-portal", SECRET,
        URI.create("https://drgw.example.net/portal/login/oidc/callback"), "roles"));
  }

  @Test
  void theRoleClaimCanBeChanged() throws ConfigException {
    Config config = ConfigLoader.load(with(COMPLETE, "DRGW_PORTAL_OIDC_ROLE_CLAIM", "groups"), Optional.empty());

    assertThat(config.portal().oidc().orElseThrow().roleClaim()).isEqualTo("groups");
  }

  @Test
  void theYamlFileWorksToo() throws Exception {
    Path file = Files.writeString(dir.resolve("drgw.yaml"), """
        portal:
          session-lifetime: 1d
          oidc:
            issuer: https://keycloak.example.net/realms/ops
            client-id: drgw
            client-secret: %s
            redirect-uri: https://drgw.example.net:8443/portal/login/oidc/callback
            role-claim: app_roles
        """.formatted(SECRET));

    PortalSettings portal = ConfigLoader.load(Map.of(), Optional.of(file)).portal();

    assertThat(portal.sessionLifetime()).isEqualTo(Duration.ofDays(1));
    PortalSettings.Oidc oidc = portal.oidc().orElseThrow();
    assertThat(oidc.issuer()).isEqualTo(URI.create("https://keycloak.example.net/realms/ops"));
    assertThat(oidc.clientSecret()).isEqualTo(SECRET);
    assertThat(oidc.roleClaim()).isEqualTo("app_roles");
  }

  @Test
  void anIssuerAloneNamesEveryMissingSetting() {
    ConfigException e = loadFails(Map.of("DRGW_PORTAL_OIDC_ISSUER", "https://login.example.net/tenant/v2.0"));

    assertThat(e.problems()).containsExactlyInAnyOrder(
        CLIENT_ID + ": must be set when " + ISSUER + " is set",
        CLIENT_SECRET + ": must be set when " + ISSUER + " is set",
        REDIRECT + ": must be set when " + ISSUER + " is set");
  }

  @ParameterizedTest
  @ValueSource(strings = {"DRGW_PORTAL_OIDC_CLIENT_ID", "DRGW_PORTAL_OIDC_CLIENT_SECRET", "DRGW_PORTAL_OIDC_REDIRECT_URI"})
  void eachMissingSettingIsNamed(String missing) {
    ConfigException e = loadFails(with(COMPLETE, missing, null));

    assertThat(e.problems()).singleElement().asString()
        .startsWith(missing + " (")
        .endsWith("must be set when " + ISSUER + " is set");
  }

  @Test
  void aBlankClientSecretCountsAsMissing() {
    ConfigException e = loadFails(with(COMPLETE, "DRGW_PORTAL_OIDC_CLIENT_SECRET", "   "));

    assertThat(e.problems()).singleElement().asString().startsWith(CLIENT_SECRET + ": must be set");
  }

  @Test
  void aClientIdWithoutIssuerIsAMistake() {
    ConfigException e = loadFails(Map.of("DRGW_PORTAL_OIDC_CLIENT_ID", "drgw"));

    assertThat(e.problems()).containsExactly(CLIENT_ID + ": is set but " + ISSUER + " is not; set both or neither");
  }

  @Test
  void everyClientSettingWithoutIssuerIsNamed() {
    ConfigException e = loadFails(with(COMPLETE, "DRGW_PORTAL_OIDC_ISSUER", null));

    assertThat(e.problems()).hasSize(3)
        .anySatisfy(p -> assertThat(p).startsWith(CLIENT_ID + ": is set but"))
        .anySatisfy(p -> assertThat(p).startsWith(CLIENT_SECRET + ": is set but"))
        .anySatisfy(p -> assertThat(p).startsWith(REDIRECT + ": is set but"));
  }

  @Test
  void anEmptyIssuerInTheEnvironmentSwitchesAFileConfigurationOffButThenTheRestMustGoToo() throws Exception {
    Path file = Files.writeString(dir.resolve("drgw.yaml"),
        "portal:\n  oidc:\n    issuer: https://idp.example.net\n    client-id: drgw\n");

    ConfigException e;
    try {
      Config config = ConfigLoader.load(Map.of("DRGW_PORTAL_OIDC_ISSUER", ""), Optional.of(file));
      e = fail("expected a ConfigException, got " + config);
    } catch (ConfigException expected) {
      e = expected;
    }

    assertThat(e.problems()).singleElement().asString().startsWith(CLIENT_ID + ": is set but");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://drgw.example.net/portal/login/callback",
      "https://drgw.example.net/",
      "https://drgw.example.net",
      "https://drgw.example.net/portal/login/oidc/callback/",
      "https://drgw.example.net/portal/login/oidc/callbackx",
      "https://drgw.example.net/portal/login/oidc/callback.evil"})
  void theRedirectUriMustBeThePortalsCallback(String redirect) {
    ConfigException e = loadFails(with(COMPLETE, "DRGW_PORTAL_OIDC_REDIRECT_URI", redirect));

    assertThat(e.problems()).singleElement().asString()
        .startsWith(REDIRECT + ": ")
        .contains("must end with /portal/login/oidc/callback")
        .contains(redirect);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://drgw.example.net/portal/login/oidc/callback",
      "http://127.0.0.1:8080/portal/login/oidc/callback",
      "https://ops.example.net/drgw/portal/login/oidc/callback"})
  void theCallbackMayLiveOnAnyHostAndUnderAPrefix(String redirect) throws ConfigException {
    Config config = ConfigLoader.load(with(COMPLETE, "DRGW_PORTAL_OIDC_REDIRECT_URI", redirect), Optional.empty());

    assertThat(config.portal().oidc().orElseThrow().redirectUri()).isEqualTo(URI.create(redirect));
  }

  @ParameterizedTest
  @ValueSource(strings = {"login.example.net", "ftp://login.example.net", "not a url", "https://"})
  void theIssuerMustBeAnHttpUrl(String issuer) {
    ConfigException e = loadFails(with(COMPLETE, "DRGW_PORTAL_OIDC_ISSUER", issuer));

    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(ISSUER + ": "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"4m", "8d", "0", "-1h", "forever"})
  void theSessionLifetimeIsFiveMinutesToSevenDays(String lifetime) {
    ConfigException e = loadFails(Map.of("DRGW_PORTAL_SESSION_LIFETIME", lifetime));

    assertThat(e.problems()).singleElement().asString()
        .startsWith("DRGW_PORTAL_SESSION_LIFETIME (portal.session-lifetime): ");
  }

  @Test
  void theClientSecretNeverAppearsInAnyErrorMessage() throws Exception {
    List<Map<String, String>> broken = List.of(
        with(COMPLETE, "DRGW_PORTAL_OIDC_ISSUER", null),
        with(COMPLETE, "DRGW_PORTAL_OIDC_ISSUER", "ftp://x"),
        with(COMPLETE, "DRGW_PORTAL_OIDC_CLIENT_ID", null),
        with(COMPLETE, "DRGW_PORTAL_OIDC_REDIRECT_URI", "https://x.example.net/elsewhere"),
        with(COMPLETE, "DRGW_PORTAL_OIDC_ROLE_CLAIM", "  "),
        with(COMPLETE, "DRGW_PORTAL_SESSION_LIFETIME", "never"),
        Map.of("DRGW_PORTAL_OIDC_CLIENT_SECRET", SECRET));
    for (Map<String, String> env : broken) {
      ConfigException e = loadFails(env);
      assertThat(e.getMessage()).as("%s", env).doesNotContain(SECRET).doesNotContain("very-secret");
      assertThat(e.toString()).doesNotContain(SECRET);
    }
    Path file = Files.writeString(dir.resolve("bad.yaml"),
        "portal:\n  oidc:\n    client-secret: " + SECRET + "\n    client-idd: x\n");
    try {
      ConfigLoader.load(Map.of(), Optional.of(file));
      fail("expected a ConfigException");
    } catch (ConfigException e) {
      assertThat(e.getMessage()).doesNotContain(SECRET);
    }
  }

  @Test
  void theClientSecretNeverAppearsInToString() throws ConfigException {
    Config config = ConfigLoader.load(COMPLETE, Optional.empty());
    PortalSettings.Oidc oidc = config.portal().oidc().orElseThrow();

    assertThat(oidc.toString()).doesNotContain(SECRET).contains("clientSecret=***").contains("drgw-portal")
        .contains("https://login.example.net/tenant/v2.0");
    assertThat(config.portal().toString()).doesNotContain(SECRET);
    assertThat(config.toString()).doesNotContain(SECRET);
  }

  @Test
  void settingsWithTheSameSecretAreEqualAndDifferentSecretsAreNot() {
    URI issuer = URI.create("https://idp.example.net");
    URI redirect = URI.create("https://drgw.example.net/portal/login/oidc/callback");

    assertThat(new PortalSettings.Oidc(issuer, "drgw", "a", redirect, "roles"))
        .isEqualTo(new PortalSettings.Oidc(issuer, "drgw", "a", redirect, "roles"))
        .isNotEqualTo(new PortalSettings.Oidc(issuer, "drgw", "b", redirect, "roles"));
  }

  @Test
  void unknownPortalKeysInTheFileAreReported() throws IOException {
    Path file = Files.writeString(dir.resolve("drgw.yaml"), "portal:\n  oidc:\n    clientid: drgw\n");

    try {
      ConfigLoader.load(Map.of(), Optional.of(file));
      fail("expected a ConfigException");
    } catch (ConfigException e) {
      assertThat(e.getMessage()).contains("portal.oidc.clientid");
    }
  }
}
