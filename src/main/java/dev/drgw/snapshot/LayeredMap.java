package dev.drgw.snapshot;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * An immutable map that is cheap to derive a changed copy from: a large base that is never
 * changed, plus a small overlay of changes since the base was built. {@link #with} copies only
 * the overlay; when the overlay grows past an eighth of the base (or 4,096 entries), the two
 * are merged into a new base, so the copying costs a constant amount per change on average.
 */
final class LayeredMap<K, V> {

  private static final Object REMOVED = new Object();
  private static final int MIN_OVERLAY = 4_096;

  private final Map<K, V> base;
  private final Map<K, Object> overlay;

  private LayeredMap(Map<K, V> base, Map<K, Object> overlay) {
    this.base = base;
    this.overlay = overlay;
  }

  static <K, V> LayeredMap<K, V> of(Map<K, V> base) {
    return new LayeredMap<>(base, Map.of());
  }

  @SuppressWarnings("unchecked")
  V get(K key) {
    Object o = overlay.get(key);
    if (o != null) {
      return o == REMOVED ? null : (V) o;
    }
    return base.get(key);
  }

  /**
   * A copy with the changes applied; a {@code null} value removes the key. {@code keep} decides
   * which entries survive a merge into a new base (e.g. to drop entries that became dead).
   */
  LayeredMap<K, V> with(Map<K, V> changes, BiPredicate<K, V> keep) {
    if (changes.isEmpty()) {
      return this;
    }
    Map<K, Object> next = new HashMap<>(overlay);
    changes.forEach((k, v) -> next.put(k, v == null ? REMOVED : v));
    if (next.size() <= Math.max(MIN_OVERLAY, base.size() / 8)) {
      return new LayeredMap<>(base, next);
    }
    Map<K, V> merged = new HashMap<>(Math.max(16, (int) ((base.size() + next.size()) / 0.75f) + 1));
    base.forEach((k, v) -> {
      if (!next.containsKey(k) && keep.test(k, v)) {
        merged.put(k, v);
      }
    });
    next.forEach(
        (k, o) -> {
          @SuppressWarnings("unchecked")
          V v = (V) o;
          if (o != REMOVED && keep.test(k, v)) {
            merged.put(k, v);
          }
        });
    return new LayeredMap<>(merged, Map.of());
  }

  LayeredMap<K, V> with(Map<K, V> changes) {
    return with(changes, (k, v) -> true);
  }

  /** Every live entry, in no particular order. */
  @SuppressWarnings("unchecked")
  void forEach(BiConsumer<K, V> action) {
    base.forEach((k, v) -> {
      if (!overlay.containsKey(k)) {
        action.accept(k, v);
      }
    });
    overlay.forEach((k, o) -> {
      if (o != REMOVED) {
        action.accept(k, (V) o);
      }
    });
  }
}
