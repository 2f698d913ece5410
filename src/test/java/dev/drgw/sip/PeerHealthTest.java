package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PeerHealthTest {

  static final SipPeer SIP = new SipPeer("sip.pstnhub.microsoft.com", 5061, "tls");
  static final SipPeer SIP2 = new SipPeer("sip2.pstnhub.microsoft.com", 5061, "tls");
  static final SipPeer SIP3 = new SipPeer("sip3.pstnhub.microsoft.com", 5061, "tls");

  @Test
  void callsTryPeersInConfiguredOrderWithThoseKnownDownLast() {
    PeerHealth health = new PeerHealth(List.of(SIP, SIP2, SIP3));
    assertThat(health.inOrderOfHealth()).containsExactly(SIP, SIP2, SIP3);

    health.record(SIP, OptionalInt.of(503), Instant.EPOCH);
    health.record(SIP3, OptionalInt.of(200), Instant.EPOCH);
    assertThat(health.inOrderOfHealth()).containsExactly(SIP2, SIP3, SIP);

    health.record(SIP2, OptionalInt.empty(), Instant.EPOCH);
    assertThat(health.inOrderOfHealth()).containsExactly(SIP3, SIP, SIP2);

    health.record(SIP, OptionalInt.of(200), Instant.EPOCH);
    assertThat(health.inOrderOfHealth()).containsExactly(SIP, SIP3, SIP2);
  }

  @Test
  void whenEveryPeerIsDownTheyAreStillAllTriedInOrder() {
    PeerHealth health = new PeerHealth(List.of(SIP, SIP2));
    health.record(SIP, OptionalInt.empty(), Instant.EPOCH);
    health.record(SIP2, OptionalInt.of(408), Instant.EPOCH);

    assertThat(health.inOrderOfHealth()).containsExactly(SIP, SIP2);
  }
}
