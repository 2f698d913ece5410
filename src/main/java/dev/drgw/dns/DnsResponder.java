package dev.drgw.dns;

import java.util.function.Supplier;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * Answers one DNS query from the current zone: a parsed query {@link Message} in, the response
 * out. Knows nothing of sockets; {@link DnsServer} frames the bytes.
 */
final class DnsResponder {

  /** EDNS payload size advertised in our OPT record. */
  private final int maxUdpSize;
  private final Supplier<ZoneData> zone;

  DnsResponder(Supplier<ZoneData> zone, int maxUdpSize) {
    this.zone = zone;
    this.maxUdpSize = maxUdpSize;
  }

  /** The response to {@code query} from the current zone. */
  Message respond(Message query) {
    return respond(query, zone.get());
  }

  /** The response to {@code query} from {@code z}; never null (see also {@link #formErr}). */
  Message respond(Message query, ZoneData z) {
    return respond(query, z, query.getOPT() == null ? -1 : query.getOPT().getVersion());
  }

  /**
   * As {@link #respond(Message, ZoneData)}, with the EDNS version read from the query's bytes
   * (-1: no OPT): dnsjava reads an OPT whose extended-rcode byte has its top bit set as version 0.
   */
  Message respond(Message query, ZoneData z, int ednsVersion) {
    Header qh = query.getHeader();
    Message response = new Message(qh.getID());
    Header rh = response.getHeader();
    rh.setFlag(Flags.QR);
    rh.setOpcode(qh.getOpcode());
    if (qh.getFlag(Flags.RD)) {
      rh.setFlag(Flags.RD);
    }
    Record question = query.getQuestion();
    if (question != null) {
      response.addRecord(question, Section.QUESTION);
    }
    OPTRecord opt = query.getOPT();
    if (!optPlacedRight(query)) {
      rh.setRcode(Rcode.FORMERR);
      return response;
    }
    if (opt != null) {
      if (ednsVersion > 0) {
        response.addRecord(new OPTRecord(maxUdpSize, Rcode.BADVERS >>> 4, 0), Section.ADDITIONAL);
        rh.setRcode(Rcode.BADVERS & 0xF);
        return response;
      }
      response.addRecord(new OPTRecord(maxUdpSize, 0, 0), Section.ADDITIONAL);
    }
    if (qh.getOpcode() != Opcode.QUERY) {
      rh.setRcode(Rcode.NOTIMP);
      return response;
    }
    if (qh.getCount(Section.QUESTION) != 1 || question == null) {
      rh.setRcode(Rcode.FORMERR);
      return response;
    }
    if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
      rh.setRcode(Rcode.REFUSED);
      return response;
    }
    int qtype = question.getType();
    if (qtype == Type.AXFR || qtype == Type.IXFR) {
      // Only over TCP, and only for allowed secondaries: DnsServer hands those to ZoneTransfer.
      rh.setRcode(Rcode.REFUSED);
      return response;
    }
    Lookup lookup = z.lookup(question.getName(), qtype);
    if (lookup instanceof Lookup.Refused) {
      rh.setRcode(Rcode.REFUSED);
      return response;
    }
    rh.setFlag(Flags.AA);
    if (lookup instanceof Lookup.Answer answer) {
      answer.answers().forEach(r -> response.addRecord(r, Section.ANSWER));
      answer.additional().forEach(r -> response.addRecord(r, Section.ADDITIONAL));
    } else {
      if (lookup instanceof Lookup.NxDomain) {
        rh.setRcode(Rcode.NXDOMAIN);
      }
      response.addRecord(z.negativeSoa(), Section.AUTHORITY);
    }
    return response;
  }

  /** At most one OPT record, and only in the additional section (RFC 6891 6.1.1). */
  private static boolean optPlacedRight(Message query) {
    int opts = 0;
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record r : query.getSection(section)) {
        if (r.getType() == Type.OPT) {
          if (section != Section.ADDITIONAL || ++opts > 1) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** The largest UDP response the client accepts: 512, or its EDNS size capped by ours. */
  int udpLimit(Message query) {
    OPTRecord opt = query.getOPT();
    if (opt == null) {
      return 512;
    }
    return Math.max(512, Math.min(opt.getPayloadSize(), maxUdpSize));
  }

  /**
   * FORMERR for a message whose header could be read but whose body could not: the query's ID,
   * no sections. Returns null when not even the 12-byte header is there (nothing to answer).
   */
  static byte[] formErr(byte[] packet, int length) {
    if (length < Header.LENGTH) {
      return null;
    }
    boolean isResponse = (packet[2] & 0x80) != 0;
    if (isResponse) {
      return null; // never answer a response: that is how reflection loops start
    }
    byte[] out = new byte[Header.LENGTH];
    out[0] = packet[0];
    out[1] = packet[1];
    out[2] = (byte) (0x80 | (packet[2] & 0x78)); // QR, same opcode
    out[3] = (byte) Rcode.FORMERR;
    return out;
  }
}
