package dev.drgw.dns;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finished answers to simple queries, as bytes, for as long as the zone stays the same. A simple
 * query has one question with an uncompressed name, nothing else but an optional OPT record, and
 * no trailing bytes; anything else goes the full way through {@link DnsResponder}. A cached
 * answer is patched with the query's ID, its RD bit and its question name bytes (same length,
 * perhaps another letter case), so the client sees exactly the answer the responder would give:
 * the answer's owner names point at the question, so the case the client asked with is kept.
 */
final class AnswerCache {

  /** About 200 bytes each: tens of megabytes at most. */
  private static final int MAX_ENTRIES = 300_000;
  private static final int HEADER = 12;

  /**
   * The header and question of a simple query, its cache key, and its EDNS version as read from
   * the bytes (-1 without OPT).
   */
  record Question(Key key, int nameEnd, int ednsVersion) {}

  /** Lower-case question name, type, class, EDNS version and size limit: all an answer depends on. */
  static final class Key {
    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private record Generation(long zoneSeq, ConcurrentHashMap<Key, byte[]> answers) {}

  private final int maxUdpSize;
  private volatile Generation current = new Generation(-1, new ConcurrentHashMap<>());

  AnswerCache(int maxUdpSize) {
    this.maxUdpSize = maxUdpSize;
  }

  /** The question of a simple query, or null for anything else. Never throws. */
  Question parse(byte[] p, int length, boolean overTcp) {
    if (length < HEADER + 5 || (p[2] & 0xFE) != 0 || (p[3] & 0x0F) != 0) {
      return null; // too short, a response, another opcode, AA or TC set, or an rcode set
    }
    if (u16(p, 4) != 1 || u16(p, 6) != 0 || u16(p, 8) != 0 || u16(p, 10) > 1) {
      return null;
    }
    int at = HEADER;
    while (true) {
      if (at >= length) {
        return null;
      }
      int label = p[at] & 0xFF;
      if (label == 0) {
        at++;
        break;
      }
      if (label > 63 || at + 1 + label > length || at + 1 + label - HEADER > 254) {
        return null; // a compression pointer, or a label running off the end
      }
      at += 1 + label;
    }
    int nameEnd = at;
    if (at + 4 > length) {
      return null;
    }
    at += 4;
    boolean edns = u16(p, 10) == 1;
    int version = 0;
    int limit = overTcp ? 65_535 : 512;
    if (edns) {
      // OPT: root name, type 41, class = UDP size, TTL = ext-rcode, version, flags; rdata.
      if (at + 11 > length || p[at] != 0 || u16(p, at + 1) != 41) {
        return null;
      }
      int payload = u16(p, at + 3);
      version = p[at + 6] & 0xFF;
      int rdLength = u16(p, at + 9);
      if (rdLength != 0) {
        return null; // EDNS options: the full parser checks them
      }
      at += 11;
      if (!overTcp) {
        limit = Math.max(512, Math.min(payload, maxUdpSize));
      }
    }
    if (at != length) {
      return null;
    }
    int nameLength = nameEnd - HEADER;
    byte[] key = new byte[nameLength + 9];
    for (int i = 0; i < nameLength; i++) {
      byte b = p[HEADER + i];
      key[i] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }
    System.arraycopy(p, nameEnd, key, nameLength, 4); // type and class
    key[nameLength + 4] = (byte) (edns ? 1 : 0);
    key[nameLength + 5] = (byte) version;
    key[nameLength + 6] = (byte) (limit >>> 8);
    key[nameLength + 7] = (byte) limit;
    key[nameLength + 8] = (byte) (overTcp ? 1 : 0);
    return new Question(new Key(key), nameEnd, edns ? version : -1);
  }

  /** The cached answer for this query under zone {@code zoneSeq}, patched for it; or null. */
  byte[] lookup(byte[] query, Question question, long zoneSeq) {
    Generation generation = current;
    if (generation.zoneSeq() != zoneSeq) {
      return null;
    }
    byte[] cached = generation.answers().get(question.key());
    if (cached == null) {
      return null;
    }
    byte[] answer = cached.clone();
    answer[0] = query[0];
    answer[1] = query[1];
    answer[2] = (byte) ((answer[2] & 0xFE) | (query[2] & 0x01));
    System.arraycopy(query, HEADER, answer, HEADER, question.nameEnd() - HEADER);
    return answer;
  }

  /** Remembers the answer given under zone {@code zoneSeq}. */
  void store(Question question, long zoneSeq, byte[] answer) {
    Generation generation = current;
    if (generation.zoneSeq() != zoneSeq) {
      generation = new Generation(zoneSeq, new ConcurrentHashMap<>());
      current = generation;
    }
    if (generation.answers().size() < MAX_ENTRIES) {
      generation.answers().put(question.key(), answer);
    }
  }

  private static int u16(byte[] p, int at) {
    return ((p[at] & 0xFF) << 8) | (p[at + 1] & 0xFF);
  }
}
