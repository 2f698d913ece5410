package dev.drgw.dns;

import java.util.function.Consumer;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A full zone transfer (AXFR, also given for IXFR requests, as RFC 1995 allows): the SOA, every
 * record, the SOA again, packed into messages of about 16 KB and handed out one by one so that a
 * large zone is never held in memory as messages.
 */
final class ZoneTransfer {

  private static final int MESSAGE_BYTES = 16_000;

  private ZoneTransfer() {}

  static void stream(ZoneData zone, Message query, Consumer<Message> out) {
    if (upToDate(zone, query)) {
      // RFC 1995 2: a client that has the current version gets the current SOA alone.
      Message m = start(query, true);
      m.addRecord(zone.soa(), Section.ANSWER);
      out.accept(m);
      return;
    }
    Message[] current = {start(query, true)};
    // dnsjava knows a message's size only once it is written: count the records' uncompressed
    // sizes instead (an overestimate, so a message never grows past the limit).
    int[] bytes = {0};
    Consumer<Record> add =
        record -> {
          int size = record.toWire(Section.ANSWER).length;
          if (bytes[0] > 0 && bytes[0] + size > MESSAGE_BYTES) {
            out.accept(current[0]);
            current[0] = start(query, false);
            bytes[0] = 0;
          }
          current[0].addRecord(record, Section.ANSWER);
          bytes[0] += size;
        };
    zone.forEachRecord(add);
    add.accept(zone.soa());
    out.accept(current[0]);
  }

  /** An IXFR whose SOA (authority section) already has the current serial, or a later one. */
  static boolean upToDate(ZoneData zone, Message query) {
    if (query.getQuestion() == null || query.getQuestion().getType() != org.xbill.DNS.Type.IXFR) {
      return false;
    }
    for (Record r : query.getSection(Section.AUTHORITY)) {
      if (r instanceof org.xbill.DNS.SOARecord soa) {
        long theirs = soa.getSerial();
        long ours = zone.soa().getSerial();
        // serial arithmetic (RFC 1982): theirs >= ours
        return theirs == ours || ((theirs - ours) & 0xFFFFFFFFL) < 0x80000000L;
      }
    }
    return false;
  }

  private static Message start(Message query, boolean first) {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    if (first && query.getQuestion() != null) {
      m.addRecord(query.getQuestion(), Section.QUESTION);
    }
    return m;
  }
}
