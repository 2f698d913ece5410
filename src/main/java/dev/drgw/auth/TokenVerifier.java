package dev.drgw.auth;

/** Turns a bearer token into the caller it speaks for. Implementations are thread-safe. */
public interface TokenVerifier {

  /** The caller, or an exception saying briefly why the token is not accepted. */
  Principal verify(String compactJwt) throws InvalidTokenException;
}
