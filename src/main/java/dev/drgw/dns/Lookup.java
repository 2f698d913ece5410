package dev.drgw.dns;

import java.util.List;
import org.xbill.DNS.Record;

/** What the zone holds for a name and type. */
sealed interface Lookup {

  /** Records of the asked type (and additional records, e.g. glue of NS targets). */
  record Answer(List<Record> answers, List<Record> additional) implements Lookup {}

  /** The name exists but has no records of the asked type. */
  record NoData() implements Lookup {}

  /** The name does not exist in the zone. */
  record NxDomain() implements Lookup {}

  /** The name is outside the zone: not ours to answer. */
  record Refused() implements Lookup {}
}
