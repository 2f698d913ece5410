package dev.drgw.testing;

import java.net.http.HttpResponse;

/** What the test clients share of an HTTP answer: status, body and headers. */
public abstract class HttpAnswer {

  protected final HttpResponse<String> raw;

  protected HttpAnswer(HttpResponse<String> raw) {
    this.raw = raw;
  }

  public int status() {
    return raw.statusCode();
  }

  public String body() {
    return raw.body();
  }

  public String header(String name) {
    return raw.headers().firstValue(name).orElse(null);
  }
}
