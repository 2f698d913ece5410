package dev.drgw.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenID Connect sign-in, authorization code flow with PKCE and a nonce, using the Nimbus SDK:
 * the provider is discovered from its issuer URL on first use (so drgw starts while the provider
 * is down), the code is exchanged with the client secret, and the ID token's signature, issuer,
 * audience, expiry and nonce are checked before its claims are believed.
 */
public final class OidcClient {

  private static final Logger log = LoggerFactory.getLogger(OidcClient.class);
  private static final int TIMEOUT_MS = 10_000;
  private static final List<JWSAlgorithm> ACCEPTED =
      List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.RS384,
          JWSAlgorithm.RS512, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

  /** Why a sign-in failed, in words fit for the sign-in page. */
  public static final class OidcException extends Exception {
    private static final long serialVersionUID = 1L;

    public OidcException(String message) {
      super(message);
    }

    public OidcException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A started sign-in: where to send the browser, and what the callback must match. */
  public record Pending(URI location, String state, String nonce, String codeVerifier) {}

  /** Who signed in: the subject, a display name, and the role values from the role claim. */
  public record Identity(String subject, String username, List<String> roles) {}

  private final URI issuer;
  private final ClientID clientId;
  private final Secret secret;
  private final URI redirectUri;
  private final String roleClaim;
  private volatile Provider provider;

  private record Provider(OIDCProviderMetadata metadata, IDTokenValidator validator) {}

  public OidcClient(URI issuer, String clientId, String clientSecret, URI redirectUri, String roleClaim) {
    this.issuer = Objects.requireNonNull(issuer);
    this.clientId = new ClientID(clientId);
    this.secret = new Secret(clientSecret);
    this.redirectUri = Objects.requireNonNull(redirectUri);
    this.roleClaim = Objects.requireNonNull(roleClaim);
  }

  /** Begins a sign-in: the provider's authorization URL with a fresh state, nonce and PKCE verifier. */
  public Pending start() throws OidcException {
    Provider p = provider();
    State state = new State();
    Nonce nonce = new Nonce();
    CodeVerifier verifier = new CodeVerifier();
    AuthenticationRequest request =
        new AuthenticationRequest.Builder(
                new ResponseType(ResponseType.Value.CODE),
                new Scope("openid", "profile", "email"),
                clientId,
                redirectUri)
            .endpointURI(p.metadata().getAuthorizationEndpointURI())
            .state(state)
            .nonce(nonce)
            .codeChallenge(verifier, CodeChallengeMethod.S256)
            .build();
    return new Pending(request.toURI(), state.getValue(), nonce.getValue(), verifier.getValue());
  }

  /**
   * Completes a sign-in from the callback URL the browser came back with (its query holds the
   * code or the provider's error), for the sign-in started as {@code pending}.
   */
  public Identity finish(URI callback, Pending pending) throws OidcException {
    Provider p = provider();
    AuthenticationResponse response;
    try {
      response = AuthenticationResponseParser.parse(callback);
    } catch (ParseException e) {
      throw new OidcException("The sign-in provider's answer could not be read.", e);
    }
    if (!response.indicatesSuccess()) {
      var error = response.toErrorResponse().getErrorObject();
      throw new OidcException("The sign-in provider refused: "
          + (error.getDescription() != null ? error.getDescription() : error.getCode()) + ".");
    }
    AuthenticationSuccessResponse success = response.toSuccessResponse();
    if (success.getState() == null || !success.getState().getValue().equals(pending.state())) {
      throw new OidcException("The sign-in answer does not belong to this sign-in; please start again.");
    }
    AuthorizationCode code = success.getAuthorizationCode();
    if (code == null) {
      throw new OidcException("The sign-in provider sent no authorization code.");
    }
    TokenRequest request =
        new TokenRequest.Builder(
                p.metadata().getTokenEndpointURI(),
                new ClientSecretBasic(clientId, secret),
                new AuthorizationCodeGrant(code, redirectUri, new CodeVerifier(pending.codeVerifier())))
            .build();
    TokenResponse tokens;
    try {
      HTTPRequest http = request.toHTTPRequest();
      http.setConnectTimeout(TIMEOUT_MS);
      http.setReadTimeout(TIMEOUT_MS);
      tokens = OIDCTokenResponseParser.parse(http.send());
    } catch (IOException | ParseException e) {
      throw new OidcException("The sign-in provider's token endpoint could not be reached or answered nonsense.", e);
    }
    if (!tokens.indicatesSuccess()) {
      var error = tokens.toErrorResponse().getErrorObject();
      throw new OidcException("The sign-in provider refused the code: " + error.getCode() + ".");
    }
    JWT idToken = ((OIDCTokenResponse) tokens.toSuccessResponse()).getOIDCTokens().getIDToken();
    IDTokenClaimsSet claims;
    try {
      claims = p.validator().validate(idToken, new Nonce(pending.nonce()));
    } catch (com.nimbusds.jose.JOSEException
        | com.nimbusds.jose.proc.BadJOSEException e) {
      throw new OidcException("The sign-in provider's ID token is not valid: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new OidcException("The sign-in provider's ID token could not be checked.", e);
    }
    return new Identity(claims.getSubject().getValue(), username(claims), roles(claims.getClaim(roleClaim)));
  }

  private static String username(IDTokenClaimsSet claims) {
    for (String claim : List.of("preferred_username", "email", "upn")) {
      String value = claims.getStringClaim(claim);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return claims.getSubject().getValue();
  }

  /** A role claim may be one string or a list of strings. */
  static List<String> roles(Object claim) {
    List<String> out = new ArrayList<>();
    if (claim instanceof String s) {
      out.add(s);
    } else if (claim instanceof Collection<?> c) {
      c.stream().filter(String.class::isInstance).map(String.class::cast).forEach(out::add);
    }
    return out;
  }

  private Provider provider() throws OidcException {
    Provider p = provider;
    if (p != null) {
      return p;
    }
    synchronized (this) {
      if (provider != null) {
        return provider;
      }
      try {
        OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(issuer.toString()), TIMEOUT_MS, TIMEOUT_MS);
        // The provider lists every algorithm it can sign with, not the one it does sign with
        // (mostly RS256, often not listed first): accept each listed one that is acceptable.
        Set<JWSAlgorithm> algs = metadata.getIDTokenJWSAlgs() == null ? Set.of()
            : metadata.getIDTokenJWSAlgs().stream().filter(ACCEPTED::contains).collect(Collectors.toSet());
        if (algs.isEmpty()) {
          algs = Set.of(JWSAlgorithm.RS256);
        }
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(metadata.getJWKSetURI().toURL(),
            new DefaultResourceRetriever(TIMEOUT_MS, TIMEOUT_MS, JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT)).build();
        IDTokenValidator validator =
            new IDTokenValidator(metadata.getIssuer(), clientId, new JWSVerificationKeySelector<>(algs, keys), null);
        validator.setMaxClockSkew(60);
        provider = new Provider(metadata, validator);
        log.info("OpenID Connect provider {} discovered; ID tokens signed with one of {}", issuer, algs);
        return provider;
      } catch (IOException | com.nimbusds.oauth2.sdk.GeneralException | RuntimeException e) {
        log.warn("OpenID Connect discovery of {} failed: {}", issuer, e.toString());
        throw new OidcException("The sign-in provider cannot be reached right now; use a local account or try again later.", e);
      }
    }
  }
}
