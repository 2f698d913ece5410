package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.address.Hop;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TeamsRouterTest {

  static final AddressFactory ADDRESSES;

  static {
    try {
      ADDRESSES = SipFactory.getInstance().createAddressFactory();
    } catch (javax.sip.PeerUnavailableException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @ParameterizedTest(name = "{0} -> {1}:{2} over TLS")
  @CsvSource(delimiter = '|', value = {
      "sip:+441273652000@sip.pstnhub.microsoft.com;user=phone | sip.pstnhub.microsoft.com | 5061",
      "sip:+441273652000@localhost:7001;user=phone | localhost | 7001",
      "sip:sip-du-a-eu.pstnhub.microsoft.com:5061;transport=tls;lr | sip-du-a-eu.pstnhub.microsoft.com | 5061",
      "sip:api-du-b.pstnhub.microsoft.com:443;x-i=1;transport=tls | api-du-b.pstnhub.microsoft.com | 443",
      "sip:proxy.example;transport=udp | proxy.example | 5061",
      "sip:[2001:db8::1]:5062 | [2001:db8::1] | 5062",
      "sip:x@example.net;maddr=192.0.2.1 | 192.0.2.1 | 5061",
  })
  void microsoftIsAlwaysReachedOverTlsOn5061UnlessAnotherPortIsNamed(String uri, String host, int port)
      throws Exception {
    Hop hop = TeamsRouter.hop(ADDRESSES.createURI(uri));

    assertThat(hop.getHost()).isEqualTo(host);
    assertThat(hop.getPort()).isEqualTo(port);
    assertThat(hop.getTransport()).isEqualToIgnoringCase("tls");
  }

  @Test
  void aTelUriHasNoHopToGoTo() throws Exception {
    assertThatThrownBy(() -> TeamsRouter.hop(ADDRESSES.createURI("tel:+441273652000")))
        .isInstanceOf(SipException.class).hasMessageContaining("not a SIP URI");
  }
}
