package dev.drgw.sip;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What drgw knows of its SIP peers from OPTIONS: a peer is up after any answer except 408, 503
 * and 504, down after those or no answer at all, unknown before its first poll. Thread-safe;
 * no SIP stack types.
 */
public final class PeerHealth {

  /** A peer's state. */
  public enum State { UNKNOWN, UP, DOWN }

  /** The last poll of a peer: its state, the status that decided it (0 for no answer), when. */
  public record Seen(State state, int status, Instant at) {}

  private final List<SipPeer> peers;
  private final Map<SipPeer, Seen> seen = new ConcurrentHashMap<>();

  public PeerHealth(List<SipPeer> peers) {
    this.peers = List.copyOf(peers);
  }

  /** The state an OPTIONS answer with {@code status} (empty: none came) leads to. */
  public static State after(OptionalInt status) {
    if (status.isEmpty()) {
      return State.DOWN;
    }
    int s = status.getAsInt();
    return s == 408 || s == 503 || s == 504 ? State.DOWN : State.UP;
  }

  /** Records the outcome of a poll of {@code peer}; returns the new state. */
  public State record(SipPeer peer, OptionalInt status, Instant at) {
    State state = after(status);
    seen.put(peer, new Seen(state, status.orElse(0), at));
    return state;
  }

  public State state(SipPeer peer) {
    Seen s = seen.get(peer);
    return s == null ? State.UNKNOWN : s.state();
  }

  /**
   * The peers in the order calls try them: configured order, but peers known to be down after
   * the ones up or not yet polled (they are still tried last: OPTIONS may be stale).
   */
  public List<SipPeer> inOrderOfHealth() {
    List<SipPeer> out = new java.util.ArrayList<>(peers.size());
    for (SipPeer p : peers) {
      if (state(p) != State.DOWN) {
        out.add(p);
      }
    }
    for (SipPeer p : peers) {
      if (state(p) == State.DOWN) {
        out.add(p);
      }
    }
    return out;
  }

  public List<SipPeer> peers() {
    return peers;
  }

  /** Peer name → state, in configured order. */
  public Map<String, String> summary() {
    Map<String, String> out = new LinkedHashMap<>();
    for (SipPeer p : peers) {
      out.put(p.name(), state(p).name().toLowerCase(java.util.Locale.ROOT));
    }
    return out;
  }
}
