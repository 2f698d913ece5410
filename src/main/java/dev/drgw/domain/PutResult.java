package dev.drgw.domain;

/** Outcome of a create-or-replace: the entity was created, or an existing one replaced. */
public sealed interface PutResult<T> {

  Stored<T> stored();

  record Created<T>(Stored<T> stored) implements PutResult<T> {}

  record Replaced<T>(Stored<T> stored) implements PutResult<T> {}
}
