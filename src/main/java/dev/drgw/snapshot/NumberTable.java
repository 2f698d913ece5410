package dev.drgw.snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * The numbers of a snapshot: a compact {@link NumberBase} built once, and an overlay of the changes
 * since (a {@link PersistentMap}, where a tombstone hides a number of the base). Updates touch the
 * overlay only. Once the overlay outgrows its bound it {@linkplain #wantsFold wants folding} into
 * a new base, which the follower does on another thread ({@link #rebased}, then
 * {@link #replayedOnto}); should the overlay reach four times its bound regardless, the update
 * folds it on the spot. Deleting an account marks its index in the base as deleted and drops its
 * numbers from the overlay.
 */
final class NumberTable {

  /** The overlay wants folding into a new base once it holds more than this many entries... */
  static final int MAX_OVERLAY = 1 << 18;
  /** ...or more than an eighth of the base, whichever is less, but never fewer than this. */
  static final int MIN_OVERLAY = 1 << 12;

  private static final NumberView DELETED = new NumberView("", "", false, null);

  static final NumberTable EMPTY = new NumberTable(NumberBase.EMPTY, null, PersistentMap.empty());

  private final NumberBase base;
  /** Bit set of the base's account indexes whose accounts were deleted; null when none. */
  private final long[] deletedAccounts;
  private final PersistentMap<String, NumberView> overlay;

  private NumberTable(NumberBase base, long[] deletedAccounts, PersistentMap<String, NumberView> overlay) {
    this.base = base;
    this.deletedAccounts = deletedAccounts;
    this.overlay = overlay;
  }

  static NumberTable of(NumberBase.Built built) {
    PersistentMap<String, NumberView> overlay = PersistentMap.empty();
    for (NumberView n : built.unkeyed()) {
      overlay = overlay.with(n.telephoneNumber(), n);
    }
    return new NumberTable(built.base(), null, overlay);
  }

  NumberView get(String tn) {
    NumberView changed = overlay.get(tn);
    if (changed != null) {
      return changed == DELETED ? null : changed;
    }
    long key = NumberBase.key(tn);
    if (key == 0) {
      return null;
    }
    long packed = base.find(key);
    if (packed == NumberBase.MISSING || isDeleted(NumberBase.accountIndex(packed))) {
      return null;
    }
    return base.view(tn, packed);
  }

  NumberTable with(NumberView number) {
    return withOverlay(overlay.with(number.telephoneNumber(), number));
  }

  NumberTable without(String tn) {
    return withOverlay(inBase(tn) ? overlay.with(tn, DELETED) : overlay.without(tn));
  }

  /** This table without the numbers of account {@code name}. */
  NumberTable withoutAccount(String name) {
    long[] deleted = deletedAccounts;
    int index = base.accountIndex(name);
    if (index > 0 && !isDeleted(index)) {
      deleted = deleted == null ? new long[(base.accountCount() + 63) / 64] : deleted.clone();
      deleted[index >>> 6] |= 1L << index;
    }
    List<String> gone = new ArrayList<>();
    overlay.forEach((tn, n) -> {
      if (n.accountName().equals(name)) {
        gone.add(tn);
      }
    });
    NumberTable next = new NumberTable(base, deleted, overlay);
    PersistentMap<String, NumberView> changes = overlay;
    for (String tn : gone) {
      changes = next.inBase(tn) ? changes.with(tn, DELETED) : changes.without(tn);
    }
    return new NumberTable(base, deleted, changes);
  }

  /** Entries in the overlay (changes since the base was built). */
  int overlaySize() {
    return overlay.size();
  }

  /** This table with the overlay folded into a new base. */
  NumberTable rebased() {
    NumberBase.Builder changedKeys = new NumberBase.Builder(overlay.size());
    overlay.forEach((tn, n) -> {
      long key = NumberBase.key(tn);
      if (key != 0) {
        changedKeys.add(key, "", false, null);
      }
    });
    NumberBase changed = changedKeys.build().base();
    NumberBase.Builder next = new NumberBase.Builder(base.size() + overlay.size());
    base.forEach((key, account, enabled, header, accountIndex) -> {
      if (!isDeleted(accountIndex) && changed.find(key) == NumberBase.MISSING) {
        next.add(key, account, enabled, header);
      }
    });
    overlay.forEach((tn, n) -> {
      if (n != DELETED) {
        next.add(tn, n.accountName(), n.directRoutingEnabled(), n.customSipHeader());
      }
    });
    return of(next.build());
  }

  /** Whether the overlay has outgrown its bound, so that a new base is worth building. */
  boolean wantsFold() {
    return overlay.size() > bound();
  }

  /**
   * This table, derived by updates from {@code start}, rebuilt on {@code folded} (which is
   * {@code start.rebased()}): the updates made since {@code start} are replayed on it. Returns
   * this table unchanged if it no longer shares {@code start}'s base.
   */
  NumberTable replayedOnto(NumberTable start, NumberTable folded) {
    if (base != start.base) {
      return this;
    }
    NumberTable result = folded;
    for (int index = 1; index < base.accountCount(); index++) {
      if (isDeleted(index) && !start.isDeleted(index)) {
        result = result.withoutAccount(base.accountName(index));
      }
    }
    NumberTable[] replayed = {result};
    overlay.forEach((tn, n) -> {
      if (start.overlay.get(tn) != n) {
        replayed[0] = n == DELETED ? replayed[0].without(tn) : replayed[0].with(n);
      }
    });
    start.overlay.forEach((tn, n) -> {
      if (overlay.get(tn) == null) {
        replayed[0] = replayed[0].without(tn);
      }
    });
    return replayed[0];
  }

  private int bound() {
    return Math.min(MAX_OVERLAY, Math.max(MIN_OVERLAY, base.size() / 8));
  }

  private NumberTable withOverlay(PersistentMap<String, NumberView> next) {
    NumberTable table = new NumberTable(base, deletedAccounts, next);
    return next.size() > 4 * bound() ? table.rebased() : table;
  }

  /** Whether the base holds {@code tn} for an account that still exists. */
  private boolean inBase(String tn) {
    long key = NumberBase.key(tn);
    if (key == 0) {
      return false;
    }
    long packed = base.find(key);
    return packed != NumberBase.MISSING && !isDeleted(NumberBase.accountIndex(packed));
  }

  private boolean isDeleted(int accountIndex) {
    return deletedAccounts != null && (deletedAccounts[accountIndex >>> 6] & 1L << accountIndex) != 0;
  }

}
