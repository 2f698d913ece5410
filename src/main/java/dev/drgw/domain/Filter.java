package dev.drgw.domain;

/**
 * A list filter over named fields (the API's property paths, e.g. {@code accountName} or
 * {@code serviceDetails/teamsDirectRouting/enabled}). Built by an edge from its query syntax;
 * translated by the store. A {@code null} value in {@link Compare} means "field is absent".
 */
public sealed interface Filter {

  enum Op {
    EQ,
    NE
  }

  record Compare(String field, Op op, Object value) implements Filter {}

  record StartsWith(String field, String prefix) implements Filter {}

  record And(Filter left, Filter right) implements Filter {}

  record Or(Filter left, Filter right) implements Filter {}

  /** Matches everything. */
  record All() implements Filter {}

  Filter ALL = new All();
}
