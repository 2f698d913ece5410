package dev.drgw.snapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bulk of the numbers in one compact, immutable hash table, built once. A number is parsed to
 * a {@code long} key (its digits, then 4 bits of length so that "+1" and "+01" differ) and stored
 * next to a packed value (account index, custom-header index, enabled flag) in one {@code long[]},
 * so a lookup touches one cache line. Account names and headers are interned in pools.
 */
final class NumberBase {

  static final long MISSING = -1;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final int MAX_DIGITS = 15;

  static final NumberBase EMPTY = new Builder().build().base();

  /** Pairs of (key, packed value); key 0 is an empty slot. */
  private final long[] slots;
  private final int mask;
  private final int shift;
  private final int size;
  private final String[] accounts;
  private final String[] headers;

  private NumberBase(long[] slots, int size, String[] accounts, String[] headers) {
    this.slots = slots;
    this.mask = slots.length / 2 - 1;
    this.shift = 64 - Integer.numberOfTrailingZeros(slots.length / 2);
    this.size = size;
    this.accounts = accounts;
    this.headers = headers;
  }

  /** The key of {@code tn}: "+" then 1 to 15 digits; 0 when it is not of that form. */
  static long key(String tn) {
    int length = tn.length();
    if (length < 2 || length > MAX_DIGITS + 1 || tn.charAt(0) != '+') {
      return 0;
    }
    long digits = 0;
    for (int i = 1; i < length; i++) {
      int d = tn.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return 0;
      }
      digits = digits * 10 + d;
    }
    return digits << 4 | (length - 1);
  }

  /** The number whose key is {@code key}. */
  static String telephoneNumber(long key) {
    int length = (int) (key & 0xF);
    String digits = Long.toString(key >>> 4);
    return "+" + "0".repeat(length - digits.length()) + digits;
  }

  int size() {
    return size;
  }

  /** The packed value stored under {@code key}, or {@link #MISSING}. */
  long find(long key) {
    int i = (int) ((key * GOLDEN) >>> shift);
    while (true) {
      long k = slots[2 * i];
      if (k == key) {
        return slots[2 * i + 1];
      }
      if (k == 0) {
        return MISSING;
      }
      i = (i + 1) & mask;
    }
  }

  static int accountIndex(long packed) {
    return (int) (packed >>> 32);
  }

  NumberView view(String tn, long packed) {
    return new NumberView(tn, accounts[accountIndex(packed)], (packed & 1) != 0, headers[(int) packed >>> 1]);
  }

  /** The index of account {@code name} in this base's pool, or -1 (a scan: for rare deletions). */
  int accountIndex(String name) {
    for (int i = 1; i < accounts.length; i++) {
      if (accounts[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  String accountName(int index) {
    return accounts[index];
  }

  int accountCount() {
    return accounts.length;
  }

  interface EntryAction {
    void accept(long key, String account, boolean enabled, String header, int accountIndex);
  }

  void forEach(EntryAction action) {
    for (int i = 0; i < slots.length; i += 2) {
      long key = slots[i];
      if (key != 0) {
        long packed = slots[i + 1];
        action.accept(key, accounts[accountIndex(packed)], (packed & 1) != 0, headers[(int) packed >>> 1],
            accountIndex(packed));
      }
    }
  }

  /**
   * Collects numbers (the last one added for a key wins) and builds the table. Numbers that are
   * not "+" and 1 to 15 digits cannot be keyed; they are kept aside for the overlay.
   */
  static final class Builder {

    private long[] pairs;
    private int count;
    private final StringPool accounts = new StringPool();
    private final StringPool headers = new StringPool();
    private final List<NumberView> unkeyed = new ArrayList<>();

    Builder() {
      this(16);
    }

    Builder(int expected) {
      pairs = new long[2 * Math.max(expected, 16)];
    }

    void add(String tn, String account, boolean enabled, String header) {
      long key = key(tn);
      if (key == 0) {
        unkeyed.add(new NumberView(tn, account, enabled, header));
      } else {
        add(key, account, enabled, header);
      }
    }

    void add(long key, String account, boolean enabled, String header) {
      if (2 * count == pairs.length) {
        pairs = Arrays.copyOf(pairs, pairs.length * 2);
      }
      pairs[2 * count] = key;
      pairs[2 * count + 1] = (long) accounts.intern(account) << 32 | (long) headers.intern(header) << 1 | (enabled ? 1 : 0);
      count++;
    }

    /** The base, and the numbers it could not hold. */
    Built build() {
      int capacity = Integer.highestOneBit(Math.max(2, count + count / 3 + 1) * 2 - 1);
      long[] slots = new long[2 * capacity];
      int mask = capacity - 1;
      int shift = 64 - Integer.numberOfTrailingZeros(capacity);
      int size = 0;
      for (int p = 0; p < 2 * count; p += 2) {
        long key = pairs[p];
        int i = (int) ((key * GOLDEN) >>> shift);
        while (slots[2 * i] != 0 && slots[2 * i] != key) {
          i = (i + 1) & mask;
        }
        if (slots[2 * i] == 0) {
          size++;
          slots[2 * i] = key;
        }
        slots[2 * i + 1] = pairs[p + 1];
      }
      pairs = null;
      return new Built(new NumberBase(slots, size, accounts.toArray(), headers.toArray()), List.copyOf(unkeyed));
    }
  }

  record Built(NumberBase base, List<NumberView> unkeyed) {}
}
