package dev.drgw.snapshot;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * An immutable hash map with cheap updates (a hash array mapped trie): {@link #with} and
 * {@link #without} return a new map that shares all but the path to the changed entry with this
 * one, so an update allocates a few small nodes and never copies the map. Readers of an old
 * version are unaffected. Keys and values must not be null.
 */
final class PersistentMap<K, V> {

  private static final PersistentMap<?, ?> EMPTY = new PersistentMap<>(null, 0);

  private final Node root;
  private final int size;

  private PersistentMap(Node root, int size) {
    this.root = root;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  static <K, V> PersistentMap<K, V> empty() {
    return (PersistentMap<K, V>) EMPTY;
  }

  int size() {
    return size;
  }

  @SuppressWarnings("unchecked")
  V get(K key) {
    return root == null ? null : (V) root.find(hash(key), key, 0);
  }

  PersistentMap<K, V> with(K key, V value) {
    Objects.requireNonNull(value, "value");
    boolean[] added = {false};
    Node next = (root == null ? BitmapNode.EMPTY : root).put(hash(key), key, value, 0, added);
    return next == root ? this : new PersistentMap<>(next, size + (added[0] ? 1 : 0));
  }

  PersistentMap<K, V> without(K key) {
    if (root == null) {
      return this;
    }
    Node next = root.remove(hash(key), key, 0);
    if (next == root) {
      return this;
    }
    return next == null ? empty() : new PersistentMap<>(next, size - 1);
  }

  @SuppressWarnings("unchecked")
  void forEach(BiConsumer<K, V> action) {
    if (root != null) {
      root.forEach((k, v) -> action.accept((K) k, (V) v));
    }
  }

  /** A map of the entries {@code keep} accepts (a full pass: for rare clean-ups). */
  PersistentMap<K, V> filter(BiPredicate<K, V> keep) {
    java.util.List<K> drop = new java.util.ArrayList<>();
    forEach((k, v) -> {
      if (!keep.test(k, v)) {
        drop.add(k);
      }
    });
    PersistentMap<K, V> result = this;
    for (K k : drop) {
      result = result.without(k);
    }
    return result;
  }

  private static int hash(Object key) {
    int h = key.hashCode();
    return h ^ (h >>> 16);
  }

  private interface Node {
    Object find(int hash, Object key, int shift);

    Node put(int hash, Object key, Object value, int shift, boolean[] added);

    /** This node without the key; the same node if absent, null if it would be empty. */
    Node remove(int hash, Object key, int shift);

    void forEach(BiConsumer<Object, Object> action);
  }

  /**
   * Up to 32 slots chosen by 5 bits of the hash; a slot holds a key and its value, or (key null)
   * a child node for the next 5 bits.
   */
  private static final class BitmapNode implements Node {
    static final BitmapNode EMPTY = new BitmapNode(0, new Object[0]);

    final int bitmap;
    final Object[] slots;

    BitmapNode(int bitmap, Object[] slots) {
      this.bitmap = bitmap;
      this.slots = slots;
    }

    private static int bit(int hash, int shift) {
      return 1 << ((hash >>> shift) & 31);
    }

    private int index(int bit) {
      return Integer.bitCount(bitmap & (bit - 1));
    }

    @Override
    public Object find(int hash, Object key, int shift) {
      int bit = bit(hash, shift);
      if ((bitmap & bit) == 0) {
        return null;
      }
      int i = 2 * index(bit);
      Object k = slots[i];
      if (k == null) {
        return ((Node) slots[i + 1]).find(hash, key, shift + 5);
      }
      return k.equals(key) ? slots[i + 1] : null;
    }

    @Override
    public Node put(int hash, Object key, Object value, int shift, boolean[] added) {
      int bit = bit(hash, shift);
      int i = 2 * index(bit);
      if ((bitmap & bit) == 0) {
        Object[] next = new Object[slots.length + 2];
        System.arraycopy(slots, 0, next, 0, i);
        next[i] = key;
        next[i + 1] = value;
        System.arraycopy(slots, i, next, i + 2, slots.length - i);
        added[0] = true;
        return new BitmapNode(bitmap | bit, next);
      }
      Object k = slots[i];
      Object v = slots[i + 1];
      if (k == null) {
        Node child = ((Node) v).put(hash, key, value, shift + 5, added);
        return child == v ? this : replace(i + 1, null, child);
      }
      if (k.equals(key)) {
        return v == value ? this : replace(i + 1, k, value);
      }
      added[0] = true;
      Node child = pair(k, v, hash(k), key, value, hash, shift + 5);
      return replace(i + 1, null, child);
    }

    private BitmapNode replace(int valueIndex, Object key, Object value) {
      Object[] next = slots.clone();
      next[valueIndex - 1] = key;
      next[valueIndex] = value;
      return new BitmapNode(bitmap, next);
    }

    private static Node pair(Object k1, Object v1, int h1, Object k2, Object v2, int h2, int shift) {
      if (shift >= 32 || h1 == h2) {
        return new CollisionNode(h1, new Object[] {k1, v1, k2, v2});
      }
      boolean[] ignored = {false};
      return BitmapNode.EMPTY.put(h1, k1, v1, shift, ignored).put(h2, k2, v2, shift, ignored);
    }

    @Override
    public Node remove(int hash, Object key, int shift) {
      int bit = bit(hash, shift);
      if ((bitmap & bit) == 0) {
        return this;
      }
      int i = 2 * index(bit);
      Object k = slots[i];
      if (k == null) {
        Node child = (Node) slots[i + 1];
        Node next = child.remove(hash, key, shift + 5);
        if (next == child) {
          return this;
        }
        if (next == null) {
          return without(bit, i);
        }
        if (next instanceof BitmapNode b && b.slots.length == 2 && b.slots[0] != null) {
          return replace(i + 1, b.slots[0], b.slots[1]); // pull a lone entry up
        }
        return replace(i + 1, null, next);
      }
      return k.equals(key) ? without(bit, i) : this;
    }

    private Node without(int bit, int i) {
      if (slots.length == 2) {
        return null;
      }
      Object[] next = new Object[slots.length - 2];
      System.arraycopy(slots, 0, next, 0, i);
      System.arraycopy(slots, i + 2, next, i, slots.length - i - 2);
      return new BitmapNode(bitmap & ~bit, next);
    }

    @Override
    public void forEach(BiConsumer<Object, Object> action) {
      for (int i = 0; i < slots.length; i += 2) {
        if (slots[i] == null) {
          ((Node) slots[i + 1]).forEach(action);
        } else {
          action.accept(slots[i], slots[i + 1]);
        }
      }
    }
  }

  /** Keys whose whole hash is the same: a short list, searched in order. */
  private static final class CollisionNode implements Node {
    final int hash;
    final Object[] pairs;

    CollisionNode(int hash, Object[] pairs) {
      this.hash = hash;
      this.pairs = pairs;
    }

    private int indexOf(Object key) {
      for (int i = 0; i < pairs.length; i += 2) {
        if (pairs[i].equals(key)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public Object find(int hash, Object key, int shift) {
      int i = indexOf(key);
      return i < 0 ? null : pairs[i + 1];
    }

    @Override
    public Node put(int hash, Object key, Object value, int shift, boolean[] added) {
      if (hash != this.hash) {
        // Only reached below 32 bits of shift: split by the differing hash bits.
        boolean[] ignored = {false};
        Node split = BitmapNode.EMPTY;
        for (int i = 0; i < pairs.length; i += 2) {
          split = split.put(this.hash, pairs[i], pairs[i + 1], shift, ignored);
        }
        return split.put(hash, key, value, shift, added);
      }
      int i = indexOf(key);
      if (i >= 0) {
        if (pairs[i + 1] == value) {
          return this;
        }
        Object[] next = pairs.clone();
        next[i + 1] = value;
        return new CollisionNode(hash, next);
      }
      Object[] next = Arrays.copyOf(pairs, pairs.length + 2);
      next[pairs.length] = key;
      next[pairs.length + 1] = value;
      added[0] = true;
      return new CollisionNode(hash, next);
    }

    @Override
    public Node remove(int hash, Object key, int shift) {
      int i = indexOf(key);
      if (i < 0) {
        return this;
      }
      if (pairs.length == 2) {
        return null;
      }
      Object[] next = new Object[pairs.length - 2];
      System.arraycopy(pairs, 0, next, 0, i);
      System.arraycopy(pairs, i + 2, next, i, pairs.length - i - 2);
      return new CollisionNode(hash, next);
    }

    @Override
    public void forEach(BiConsumer<Object, Object> action) {
      for (int i = 0; i < pairs.length; i += 2) {
        action.accept(pairs[i], pairs[i + 1]);
      }
    }
  }
}
