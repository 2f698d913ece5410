package dev.drgw.snapshot;

import java.util.Arrays;

/**
 * Interns strings to dense indexes while a {@link NumberBase} is built, so that an account name or
 * a custom header shared by many numbers is stored once. Index 0 stands for null.
 */
final class StringPool {

  private String[] values = new String[16];
  private int size = 1;
  /** Open addressing over {@link #values}: 0 is empty, else an index. */
  private int[] slots = new int[32];

  int intern(String value) {
    if (value == null) {
      return 0;
    }
    int mask = slots.length - 1;
    int i = mix(value.hashCode()) & mask;
    while (true) {
      int index = slots[i];
      if (index == 0) {
        break;
      }
      if (values[index].equals(value)) {
        return index;
      }
      i = (i + 1) & mask;
    }
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size] = value;
    slots[i] = size;
    size++;
    if (size * 2 > slots.length) {
      grow();
    }
    return size - 1;
  }

  int size() {
    return size;
  }

  /** The strings by index, index 0 null, trimmed to size. */
  String[] toArray() {
    return Arrays.copyOf(values, size);
  }

  private void grow() {
    int[] next = new int[slots.length * 2];
    int mask = next.length - 1;
    for (int index = 1; index < size; index++) {
      int i = mix(values[index].hashCode()) & mask;
      while (next[i] != 0) {
        i = (i + 1) & mask;
      }
      next[i] = index;
    }
    slots = next;
  }

  private static int mix(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }
}
