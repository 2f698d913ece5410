package dev.drgw.domain;

/**
 * A value as stored, with its version: the sequence number of the change set that wrote it. The
 * version is also its entity tag, and tells the serving components whether they have applied it.
 */
public record Stored<T>(T value, long version) {

  public String etag() {
    return Long.toString(version);
  }
}
