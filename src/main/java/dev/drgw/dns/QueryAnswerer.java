package dev.drgw.dns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;

/**
 * One DNS message's bytes in, the answer's bytes out (or null for silence): the answer cache
 * first, else parse, {@link DnsResponder}, and serialize within the transport's size limit.
 */
final class QueryAnswerer {

  private final DnsResponder responder;
  private final AnswerCache cache;
  private final Supplier<ZoneData> zone;

  QueryAnswerer(DnsResponder responder, AnswerCache cache, Supplier<ZoneData> zone) {
    this.responder = responder;
    this.cache = cache;
    this.zone = zone;
  }

  byte[] answer(byte[] packet, int length, boolean overTcp) {
    ZoneData z = zone.get();
    long zoneSeq = z.snapshot().zoneSeq();
    AnswerCache.Question simple = cache.parse(packet, length, overTcp);
    if (simple != null) {
      byte[] cached = cache.lookup(packet, simple, zoneSeq);
      if (cached != null) {
        return cached;
      }
    }
    byte[] answer = full(packet, length, overTcp, z, simple);
    if (simple != null && answer != null && (answer[3] & 0x0F) != org.xbill.DNS.Rcode.FORMERR) {
      cache.store(simple, zoneSeq, answer);
    }
    return answer;
  }

  /** The answer as it is without the cache (what a cached answer must equal). */
  byte[] answerUncached(byte[] packet, int length, boolean overTcp) {
    return full(packet, length, overTcp, zone.get(), cache.parse(packet, length, overTcp));
  }

  private byte[] full(byte[] packet, int length, boolean overTcp, ZoneData z, AnswerCache.Question simple) {
    byte[] bytes = packet;
    if ((packet[2] & 0x02) != 0 && length > 2) {
      // TC means nothing in a query, and dnsjava would then forgive a broken rest of the message.
      bytes = java.util.Arrays.copyOf(packet, length);
      bytes[2] &= (byte) ~0x02;
    }
    Message query;
    try {
      query = new Message(ByteBuffer.wrap(bytes, 0, length));
    } catch (IOException | RuntimeException malformed) {
      return DnsResponder.formErr(packet, length);
    }
    if (query.getHeader().getFlag(Flags.QR)) {
      return null;
    }
    Message response =
        simple == null ? responder.respond(query, z) : responder.respond(query, z, simple.ednsVersion());
    return response.toWire(overTcp ? 65_535 : responder.udpLimit(query));
  }
}
