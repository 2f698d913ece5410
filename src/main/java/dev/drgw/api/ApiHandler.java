package dev.drgw.api;

/** A route's work: an authenticated call in, a complete response out. */
@FunctionalInterface
interface ApiHandler {
  ApiResponse handle(ApiCall call);
}
