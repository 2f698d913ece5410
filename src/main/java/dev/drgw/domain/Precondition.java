package dev.drgw.domain;

import java.util.Optional;

/**
 * The condition a write is made under: {@code If-Match} and {@code If-None-Match}, each an entity
 * tag or {@code *}. Evaluated against the current entity inside the write's transaction, so that
 * concurrent writers holding the same tag cannot both succeed.
 */
public record Precondition(Optional<String> ifMatch, Optional<String> ifNoneMatch) {

  public static final Precondition NONE = new Precondition(Optional.empty(), Optional.empty());

  /** Throws {@link ProvisioningException.PreconditionFailed} unless the condition holds. */
  public void check(Optional<String> currentEtag, String what) {
    if (ifNoneMatch.isPresent() && currentEtag.isPresent()) {
      String tag = ifNoneMatch.get();
      if (tag.equals("*")) {
        throw new ProvisioningException.PreconditionFailed(
            what + " already exists and If-None-Match: * was given");
      }
      if (tag.equals(currentEtag.get())) {
        throw new ProvisioningException.PreconditionFailed(
            what + " still has the ETag given in If-None-Match");
      }
    }
    if (ifMatch.isPresent()) {
      String expected = ifMatch.get();
      if (currentEtag.isEmpty()) {
        throw new ProvisioningException.PreconditionFailed(
            what + " does not exist, so If-Match cannot match");
      }
      if (!expected.equals("*") && !expected.equals(currentEtag.get())) {
        throw new ProvisioningException.PreconditionFailed(
            what + " has changed since it was read: If-Match does not match the current ETag");
      }
    }
  }
}
