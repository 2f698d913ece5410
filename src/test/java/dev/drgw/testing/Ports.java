package dev.drgw.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers that a test starts (and may start again on the same port) some time after
 * choosing it: below Linux's ephemeral range (32768 and up), so that no outgoing connection or
 * {@code bind(0)} of any process can take one meanwhile, and never the same twice in one JVM.
 */
public final class Ports {

  private static final int LOW = 15_000;
  private static final int HIGH = 32_000;
  private static final Set<Integer> GIVEN = new HashSet<>();

  private Ports() {}

  /** A port free for both TCP and UDP on loopback. */
  public static synchronized int free() {
    for (int i = 0; i < 1_000; i++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (GIVEN.contains(port)) {
        continue;
      }
      try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
          DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
        if (tcp.isBound() && udp.isBound()) {
          GIVEN.add(port);
          return port;
        }
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port between " + LOW + " and " + HIGH);
  }
}
