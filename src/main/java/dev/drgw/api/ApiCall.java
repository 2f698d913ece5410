package dev.drgw.api;

import dev.drgw.auth.Principal;
import dev.drgw.domain.Actor;
import io.javalin.http.Context;

/** One authenticated API request as the route handlers see it. */
record ApiCall(Context ctx, Principal principal, byte[] body) {

  Actor actor() {
    return new Actor(principal.subject(), ctx.ip());
  }

  String path(String name) {
    return PathParams.decoded(ctx, name);
  }
}
