package dev.drgw.domain;

/** A value as stored, with the entity tag of the write that produced it. */
public record Stored<T>(T value, String etag) {}
