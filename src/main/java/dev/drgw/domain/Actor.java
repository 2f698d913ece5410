package dev.drgw.domain;

/** Who made a change (token subject or portal user) and from where (client address). */
public record Actor(String subject, String source) {

  public static final Actor SYSTEM = new Actor("drgw", "local");
}
