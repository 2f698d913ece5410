package dev.drgw.domain;

import java.util.Optional;

/**
 * One page of a keyset-ordered list: items after {@code after} (exclusive; empty for the first
 * page), skipping {@code skip} more, at most {@code limit} items, matching {@code filter}.
 */
public record PageRequest(Filter filter, Optional<String> after, long skip, int limit) {

  public PageRequest {
    if (skip < 0 || limit < 0) {
      throw new IllegalArgumentException("skip and limit must not be negative");
    }
  }
}
