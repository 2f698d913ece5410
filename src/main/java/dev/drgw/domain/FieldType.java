package dev.drgw.domain;

/** Type of a filterable field; decides which literals and functions a filter may use on it. */
public enum FieldType {
  STRING,
  BOOLEAN
}
