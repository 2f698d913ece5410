package dev.drgw.api;

/** A {@code filter} query parameter outside the supported OData subset; the API answers 400. */
final class FilterException extends Exception {

  private final int position;

  FilterException(String message, int position) {
    super(message, null, false, false);
    this.position = position;
  }

  /** Where the problem is: 1-based, counted in Unicode characters (code points). */
  int position() {
    return position;
  }
}
