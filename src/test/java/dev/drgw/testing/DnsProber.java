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
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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

  /** A query awaiting its answer: when it was first sent, and to whom it went last. */
  private record Pending(Instant firstSent, long deadlineNanos, boolean retried, int port) {}

  private static final class State {
    final AtomicLong queries = new AtomicLong();
    final AtomicLong firstTryTimeouts = new AtomicLong();
    final List<Miss> unanswered = new ArrayList<>();
    final List<Miss> wrong = new ArrayList<>();
    /** By query ID; IDs are handed out in turn, so one is reused only after 65,536 queries. */
    final Map<Integer, Pending> pending = new HashMap<>();
    int nextId;
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
   * exactly {@code expectedTxt}; a query every 15 ms, 500 ms timeout.
   */
  public static DnsProber start(List<Target> targets, String name, String expectedTxt, Retry retry) {
    return start(targets, name, expectedTxt, Duration.ofMillis(15), Duration.ofMillis(500), retry);
  }

  /**
   * Starts probing with the given pace and timeout. Queries go out every {@code interval} whether
   * or not earlier ones were answered, so the moments a server stops or starts answering are
   * sampled as densely as any other.
   */
  public static DnsProber start(List<Target> targets, String name, String expectedTxt, Duration interval,
      Duration timeout, Retry retry) {
    DnsProber prober = new DnsProber(targets, absolute(name), expectedTxt, interval, timeout, retry);
    for (int i = 0; i < targets.size(); i++) {
      State state = new State();
      prober.states.add(state);
      DatagramSocket socket;
      try {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(100);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      int index = i;
      Thread sender = new Thread(() -> prober.send(index, state, socket), "dns-prober-" + targets.get(i).name());
      Thread receiver = new Thread(() -> prober.receive(index, state, socket),
          "dns-prober-answers-" + targets.get(i).name());
      sender.setDaemon(true);
      receiver.setDaemon(true);
      prober.threads.add(sender);
      prober.threads.add(receiver);
    }
    prober.threads.forEach(Thread::start);
    return prober;
  }

  private void send(int index, State state, DatagramSocket socket) {
    Target target = targets.get(index);
    Target retryTarget = retry == Retry.SAME_SERVER ? target : targets.get((index + 1) % targets.size());
    try {
      while (running) {
        long now = System.nanoTime();
        List<Pending> toRetry = new ArrayList<>();
        synchronized (state) {
          for (Iterator<Map.Entry<Integer, Pending>> it = state.pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Pending> e = it.next();
            Pending p = e.getValue();
            if (now < p.deadlineNanos()) {
              continue;
            }
            it.remove();
            if (p.retried()) {
              state.unanswered.add(new Miss(target.name(), p.firstSent(),
                  "no answer, nor from " + retryTarget.name() + " to the retry"));
            } else {
              state.firstTryTimeouts.incrementAndGet();
              toRetry.add(p);
            }
          }
        }
        for (Pending p : toRetry) {
          query(state, socket, retryTarget.port(), p.firstSent(), true);
        }
        state.queries.incrementAndGet();
        query(state, socket, target.port(), Instant.now(), false);
        Thread.sleep(interval.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      socket.close();
    }
  }

  private void query(State state, DatagramSocket socket, int port, Instant firstSent, boolean retried)
      throws IOException {
    int id;
    synchronized (state) {
      id = state.nextId;
      state.nextId = (state.nextId + 1) & 0xFFFF;
      state.pending.put(id, new Pending(firstSent, System.nanoTime() + timeout.toNanos(), retried, port));
    }
    Message query = Message.newQuery(Record.newRecord(qname, Type.TXT, DClass.IN));
    query.getHeader().setID(id);
    byte[] wire = query.toWire();
    socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
  }

  private void receive(int index, State state, DatagramSocket socket) {
    byte[] buffer = new byte[4096];
    while (running && !socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (SocketTimeoutException idle) {
        continue;
      } catch (IOException closed) {
        return;
      }
      Message answer;
      try {
        answer = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
      } catch (IOException malformed) {
        synchronized (state) {
          state.wrong.add(new Miss(targets.get(index).name(), Instant.now(), "malformed answer: " + malformed));
        }
        continue;
      }
      synchronized (state) {
        Pending p = state.pending.get(answer.getHeader().getID());
        if (p == null || p.port() != packet.getPort()) {
          continue; // an answer after its timeout: that query is retried or counted already
        }
        state.pending.remove(answer.getHeader().getID());
        String problem = problem(answer);
        if (problem != null) {
          state.wrong.add(new Miss(targets.get(index).name(), p.firstSent(), problem));
        }
      }
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
        answer = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
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

  /** Stops probing; the queries still in flight are not judged. Returns the reports. */
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
