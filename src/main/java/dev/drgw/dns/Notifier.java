package dev.drgw.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * Tells the configured secondaries that the zone changed (DNS NOTIFY, RFC 1996), so they
 * transfer it at once instead of at the next SOA refresh. Changes that arrive while a round is
 * being sent are folded into one more round.
 */
final class Notifier implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Notifier.class);
  private static final int ATTEMPTS = 5;

  private final List<InetSocketAddress> targets;
  private final Optional<TSIG> tsig;
  private final Supplier<ZoneData> zone;
  private final Semaphore changed = new Semaphore(0);
  private final Thread thread;
  private volatile boolean closed;

  Notifier(List<InetSocketAddress> targets, Optional<TSIG> tsig, Supplier<ZoneData> zone) {
    this.targets = targets;
    this.tsig = tsig;
    this.zone = zone;
    this.thread = new Thread(this::run, "drgw-dns-notify");
    thread.setDaemon(true);
  }

  void start() {
    if (!targets.isEmpty()) {
      thread.start();
    }
  }

  void zoneChanged() {
    changed.release();
  }

  private void run() {
    while (!closed) {
      try {
        changed.acquire();
        changed.drainPermits();
      } catch (InterruptedException e) {
        return;
      }
      SOARecord soa = zone.get().soa();
      for (InetSocketAddress target : targets) {
        notify(target, soa);
      }
    }
  }

  private void notify(InetSocketAddress target, SOARecord soa) {
    int id = ThreadLocalRandom.current().nextInt(0x10000);
    Message message = new Message(id);
    message.getHeader().setOpcode(Opcode.NOTIFY);
    message.getHeader().setFlag(Flags.AA);
    message.addRecord(Record.newRecord(soa.getName(), Type.SOA, DClass.IN), Section.QUESTION);
    message.addRecord(soa, Section.ANSWER);
    tsig.ifPresent(key -> message.setTSIG(key));
    byte[] wire = message.toWire(65_535);
    try (DatagramSocket socket = new DatagramSocket()) {
      for (int attempt = 1; attempt <= ATTEMPTS && !closed; attempt++) {
        socket.setSoTimeout(1000 * attempt);
        socket.send(new DatagramPacket(wire, wire.length, target));
        byte[] buffer = new byte[4096];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        try {
          while (true) {
            socket.receive(reply);
            if (reply.getLength() >= 2 && (((buffer[0] & 0xFF) << 8) | (buffer[1] & 0xFF)) == id) {
              log.debug("secondary {} acknowledged NOTIFY of serial {}", target, soa.getSerial());
              return;
            }
          }
        } catch (SocketTimeoutException e) {
          // no answer yet: send again
        }
      }
      log.warn("secondary {} did not answer NOTIFY of serial {}", target, soa.getSerial());
    } catch (IOException e) {
      log.warn("could not send NOTIFY to {}: {}", target, e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
