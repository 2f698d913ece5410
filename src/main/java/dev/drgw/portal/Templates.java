package dev.drgw.portal;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/** The portal's jte templates, compiled at build time (templates/portal/*.jte). */
final class Templates {

  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  String render(String template, Object page) {
    StringOutput out = new StringOutput();
    engine.render("portal/" + template + ".jte", page, out);
    return out.toString();
  }
}
