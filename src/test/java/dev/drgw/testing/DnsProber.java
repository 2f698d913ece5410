package dev.drgw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Queries every DNS server of a cluster continuously over UDP, as a resolver would: one query
 * every {@code interval} per server, an answer awaited for {@code timeout}, then exactly one retry
 * (to the same server, or to the next one as a resolver with several name servers does). Every
 * query still unanswered after its retry is recorded with its time, per server, and so is every
 * answer that is not the expected TXT record.
 */
public final class DnsProber implements AutoCloseable {

  /** Where the one retry of an unanswered query goes. */
  public enum Retry { SAME_SERVER, NEXT_SERVER }

  /** A DNS server to probe: its name in reports and its UDP port on loopback. */
  public record Target(String name, int port) {}

  /** A query that went wrong: when it was first sent, to which server, and how. */
  public record Miss(String target, Instant sent, String what) {
    @Override
    public String toString() {
      return sent + " " + target + ": " + what;
    }
  }

  /** Per server: queries sent, first attempts unanswered (then retried), and the failures. */
  public record Report(String target, long queries, long firstTryTimeouts, List<Miss> unanswered, List<Miss> wrong) {
    @Override
    public String toString() {
      return target + ": " + queries + " queries, " + firstTryTimeouts + " retried, " + unanswered.size()
          + " unanswered after the retry, " + wrong.size() + " wrong answers"
          + (unanswered.isEmpty() ? "" : "\n  unanswered: " + unanswered.subList(0, Math.min(10, unanswered.size())))
          + (wrong.isEmpty() ? "" : "\n  wrong: " + wrong.subList(0, Math.min(10, wrong.size())));
    }
  }

  private final List<Target> targets;
  private final Name qname;
  private final String expectedTxt;
  private final Duration interval;
  private final Duration timeout;
  private final Retry retry;
  private final List<Thread> threads = new ArrayList<>();
  private final List<State> states = new ArrayList<>();
  private volatile boolean running = true;

  private static final class State {
    final AtomicLong queries = new AtomicLong();
    final AtomicLong firstTryTimeouts = new AtomicLong();
    final List<Miss> unanswered = new ArrayList<>();
    final List<Miss> wrong = new ArrayList<>();
  }

  private DnsProber(List<Target> targets, Name qname, String expectedTxt, Duration interval, Duration timeout,
      Retry retry) {
    this.targets = List.copyOf(targets);
    this.qname = qname;
    this.expectedTxt = expectedTxt;
    this.interval = interval;
    this.timeout = timeout;
    this.retry = retry;
  }

  /**
   * Starts probing: every server is asked for the TXT record {@code name}, whose answer must be
   * exactly {@code expectedTxt}; 15 ms between queries, 500 ms timeout.
   */
  public static DnsProber start(List<Target> targets, String name, String expectedTxt, Retry retry) {
    return start(targets, name, expectedTxt, Duration.ofMillis(15), Duration.ofMillis(500), retry);
  }

  public static DnsProber start(List<Target> targets, String name, String expectedTxt, Duration interval,
      Duration timeout, Retry retry) {
    DnsProber prober = new DnsProber(targets, absolute(name), expectedTxt, interval, timeout, retry);
    for (int i = 0; i < targets.size(); i++) {
      State state = new State();
      prober.states.add(state);
      int index = i;
      Thread t = new Thread(() -> prober.probe(index, state), "dns-prober-" + targets.get(i).name());
      t.setDaemon(true);
      prober.threads.add(t);
    }
    prober.threads.forEach(Thread::start);
    return prober;
  }

  private void probe(int index, State state) {
    Target target = targets.get(index);
    Target retryTarget = retry == Retry.SAME_SERVER ? target : targets.get((index + 1) % targets.size());
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      while (running) {
        Instant sent = Instant.now();
        state.queries.incrementAndGet();
        Optional<Message> answer = ask(socket, target.port(), qname, Type.TXT, timeout);
        if (answer.isEmpty()) {
          state.firstTryTimeouts.incrementAndGet();
          answer = ask(socket, retryTarget.port(), qname, Type.TXT, timeout);
        }
        if (answer.isEmpty()) {
          synchronized (state) {
            state.unanswered.add(new Miss(target.name(), sent, "no answer after one retry to " + retryTarget.name()));
          }
        } else {
          String problem = problem(answer.get());
          if (problem != null) {
            synchronized (state) {
              state.wrong.add(new Miss(target.name(), sent, problem));
            }
          }
        }
        Thread.sleep(interval.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String problem(Message answer) {
    if (answer.getRcode() != Rcode.NOERROR) {
      return "rcode " + Rcode.string(answer.getRcode());
    }
    List<String> txt = txt(answer);
    return txt.equals(List.of(expectedTxt)) ? null : "TXT " + txt + ", expected [" + expectedTxt + "]";
  }

  /** The TXT strings of the answer section, one entry per record (its strings joined). */
  public static List<String> txt(Message answer) {
    List<String> values = new ArrayList<>();
    for (Record r : answer.getSection(Section.ANSWER)) {
      if (r instanceof TXTRecord t) {
        values.add(String.join("", t.getStrings()));
      }
    }
    return values;
  }

  /**
   * One query over UDP to {@code port} on loopback; the answer with the query's ID, or empty when
   * none came within {@code timeout}.
   */
  public static Optional<Message> ask(int port, String name, int type, Duration timeout) {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      return ask(socket, port, absolute(name), type, timeout);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Message> ask(DatagramSocket socket, int port, Name name, int type, Duration timeout)
      throws IOException {
    Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    int id = ThreadLocalRandom.current().nextInt(1 << 16);
    query.getHeader().setID(id);
    byte[] wire = query.toWire();
    socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] buffer = new byte[4096];
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return Optional.empty();
      }
      socket.setSoTimeout((int) left);
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        return Optional.empty();
      }
      Message answer;
      try {
        answer = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
      } catch (IOException malformed) {
        continue;
      }
      if (answer.getHeader().getID() == id && packet.getPort() == port) {
        return Optional.of(answer);
      }
      // a late answer to an earlier query: not this one
    }
  }

  private static Name absolute(String name) {
    try {
      return Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException(name, e);
    }
  }

  /** What each server has seen so far. */
  public List<Report> reports() {
    List<Report> out = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      State s = states.get(i);
      synchronized (s) {
        out.add(new Report(targets.get(i).name(), s.queries.get(), s.firstTryTimeouts.get(),
            List.copyOf(s.unanswered), List.copyOf(s.wrong)));
      }
    }
    return out;
  }

  public Report report(String target) {
    return reports().stream().filter(r -> r.target().equals(target)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no target " + target));
  }

  /** Stops probing after the queries in flight; returns the reports. */
  public List<Report> stop() {
    running = false;
    for (Thread t : threads) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return reports();
  }

  @Override
  public void close() {
    stop();
  }
}
