package dev.drgw.dns;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * The sockets of the DNS server: UDP, and TCP with length-prefixed messages, several per
 * connection. Every packet goes to {@link DnsResponder}; zone transfers to {@link ZoneTransfer}.
 * A malformed packet gets FORMERR (or nothing), a stalled or idle TCP connection is closed after
 * the idle timeout, and when the connection limit is reached the longest-idle connection makes
 * room, so no client can keep others out.
 */
final class DnsServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
  private static final int UDP_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private final String bind;
  private final int requestedPort;
  private final QueryAnswerer answerer;
  private final Supplier<ZoneData> zone;
  private final TransferAcl transferAcl;
  private final Optional<TSIG> tsig;
  private final DnsMetrics metrics;
  private final int idleMillis;
  private final int maxConnections;
  private final List<Thread> threads = new ArrayList<>();
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean running;
  private DatagramSocket udp;
  private ServerSocket tcp;
  private ExecutorService tcpWorkers;

  DnsServer(
      String bind,
      int port,
      DnsResponder responder,
      Supplier<ZoneData> zone,
      TransferAcl transferAcl,
      Optional<TSIG> tsig,
      DnsMetrics metrics,
      AnswerCache cache,
      Duration idleTimeout,
      int maxConnections) {
    this.bind = bind;
    this.requestedPort = port;
    this.answerer = new QueryAnswerer(responder, cache, zone);
    this.zone = zone;
    this.transferAcl = transferAcl;
    this.tsig = tsig;
    this.metrics = metrics;
    this.idleMillis = (int) idleTimeout.toMillis();
    this.maxConnections = maxConnections;
  }

  /** Binds UDP and TCP on the same port (with port 0: a free one) and starts serving. */
  void start() throws IOException {
    InetAddress address = InetAddress.getByName(bind);
    IOException last = null;
    for (int attempt = 0; attempt < 10 && tcp == null; attempt++) {
      udp = new DatagramSocket(null);
      udp.setReuseAddress(true);
      udp.bind(new InetSocketAddress(address, requestedPort));
      try {
        tcp = new ServerSocket();
        tcp.setReuseAddress(true);
        tcp.bind(new InetSocketAddress(address, udp.getLocalPort()), 256);
      } catch (IOException e) {
        last = e;
        tcp = null;
        udp.close();
        if (requestedPort != 0) {
          throw e;
        }
      }
    }
    if (tcp == null) {
      throw last;
    }
    udp.setReceiveBufferSize(4 << 20);
    running = true;
    tcpWorkers =
        new ThreadPoolExecutor(
            0, 2 * maxConnections + 16, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
            r -> daemon(r, "drgw-dns-tcp"));
    for (int i = 0; i < UDP_THREADS; i++) {
      threads.add(daemon(this::serveUdp, "drgw-dns-udp-" + i));
    }
    threads.add(daemon(this::acceptTcp, "drgw-dns-accept"));
    threads.add(daemon(this::janitor, "drgw-dns-janitor"));
    threads.forEach(Thread::start);
    log.info("DNS serving {} on {}:{} (UDP and TCP)", zone.get().origin(), bind, port());
  }

  int port() {
    return udp.getLocalPort();
  }

  boolean isRunning() {
    return running;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private void serveUdp() {
    byte[] buffer = new byte[65_535];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    while (running) {
      try {
        packet.setLength(buffer.length);
        udp.receive(packet);
        byte[] answer = answer(buffer, packet.getLength(), false);
        if (answer != null) {
          udp.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
        }
      } catch (IOException e) {
        if (running) {
          log.debug("UDP error", e);
        }
      } catch (RuntimeException e) {
        log.warn("unexpected failure answering a UDP query", e);
      }
    }
  }

  /** The response bytes for a query, or null to stay silent; counted in the metrics. */
  private byte[] answer(byte[] packet, int length, boolean overTcp) {
    byte[] answer = answerer.answer(packet, length, overTcp);
    if (answer == null) {
      metrics.dropped(overTcp);
    } else {
      metrics.answered(overTcp, answer[3] & 0x0F);
    }
    return answer;
  }

  private void janitor() {
    while (running) {
      try {
        Thread.sleep(Math.max(50, Math.min(250, idleMillis / 4)));
      } catch (InterruptedException e) {
        return;
      }
      closeStuckWriters();
    }
  }

  private void acceptTcp() {
    while (running) {
      Socket socket;
      try {
        socket = tcp.accept();
      } catch (IOException e) {
        if (running) {
          log.debug("TCP accept failed", e);
        }
        continue;
      }
      while (connections.size() >= maxConnections && evictLongestIdle()) {
        // made room
      }
      Connection connection = new Connection(socket);
      connections.add(connection);
      try {
        tcpWorkers.execute(connection);
      } catch (RejectedExecutionException e) {
        connections.remove(connection);
        connection.close();
      }
    }
  }

  /**
   * Closes the connection whose last complete message is oldest (a client stalled mid-message
   * counts from its last complete one). Returns false when there is none.
   */
  private boolean evictLongestIdle() {
    Connection idlest = null;
    for (Connection c : connections) {
      if (idlest == null || c.lastActive < idlest.lastActive) {
        idlest = c;
      }
    }
    if (idlest == null) {
      return false;
    }
    connections.remove(idlest);
    idlest.close();
    return true;
  }

  /** Closes connections whose client does not read what we write (a write cannot time out). */
  private void closeStuckWriters() {
    long limit = TimeUnit.MILLISECONDS.toNanos(idleMillis);
    long now = System.nanoTime();
    for (Connection c : connections) {
      long since = c.writingSince;
      if (since != 0 && now - since > limit) {
        connections.remove(c);
        c.close();
      }
    }
  }

  /** One TCP connection: queries in, answers out, until the client closes or goes quiet. */
  private final class Connection implements Runnable {
    private final Socket socket;
    volatile long lastActive = System.nanoTime();
    /** When the current write started, 0 when not writing. */
    volatile long writingSince;

    Connection(Socket socket) {
      this.socket = socket;
    }

    @Override
    public void run() {
      try (socket) {
        socket.setSoTimeout(idleMillis);
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 65_537);
        while (running) {
          int high = in.read();
          if (high < 0) {
            return;
          }
          long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(idleMillis);
          int low = readByte(in, deadline);
          int length = (high << 8) | low;
          byte[] message = new byte[length];
          readFully(in, message, deadline);
          lastActive = System.nanoTime();
          writingSince = lastActive;
          handle(message, out);
          out.flush();
          writingSince = 0;
          lastActive = System.nanoTime();
        }
      } catch (SocketTimeoutException | EOFException | SocketException e) {
        // idle, stalled, or closed: drop the connection
      } catch (IOException e) {
        log.debug("TCP connection failed", e);
      } catch (RuntimeException e) {
        log.warn("unexpected failure on a DNS TCP connection", e);
      } finally {
        connections.remove(this);
      }
    }

    private void handle(byte[] message, OutputStream out) throws IOException {
      Message query = null;
      try {
        query = new Message(message);
      } catch (IOException | RuntimeException malformed) {
        // answered below as FORMERR
      }
      if (query != null
          && query.getQuestion() != null
          && !query.getHeader().getFlag(org.xbill.DNS.Flags.QR)
          && query.getHeader().getOpcode() == org.xbill.DNS.Opcode.QUERY
          && query.getHeader().getCount(org.xbill.DNS.Section.QUESTION) == 1
          && (query.getQuestion().getType() == Type.AXFR || query.getQuestion().getType() == Type.IXFR)) {
        transfer(query, message, out);
        return;
      }
      byte[] answer = answer(message, message.length, true);
      if (answer != null) {
        write(out, answer);
      }
    }

    private void transfer(Message query, byte[] raw, OutputStream out) throws IOException {
      InetAddress client = socket.getInetAddress();
      Message refusal = null;
      if (!query.getQuestion().getName().equals(zone.get().origin())) {
        refusal = refusal(query, Rcode.NOTAUTH); // RFC 5936 2.2.1: not a zone of ours
        metrics.transfer("refused");
      } else if (!transferAcl.allows(client)) {
        refusal = refusal(query, Rcode.REFUSED);
        metrics.transfer("refused");
        log.info("zone transfer refused to {}: not in DRGW_DNS_TRANSFER_ALLOW", client.getHostAddress());
      } else if (tsig.isPresent()) {
        int error = query.getTSIG() == null ? Rcode.BADKEY : tsig.get().verify(query, raw, null);
        if (error != Rcode.NOERROR) {
          refusal = refusal(query, Rcode.NOTAUTH);
          if (query.getTSIG() != null) {
            // RFC 8945 5.3: the error (BADKEY, BADSIG, BADTIME) goes back in a TSIG record.
            tsig.get().apply(refusal, error, query.getTSIG());
          }
          metrics.transfer("unauthenticated");
          log.info("zone transfer refused to {}: TSIG {}", client.getHostAddress(),
              query.getTSIG() == null ? "missing" : Rcode.TSIGstring(error));
        }
      }
      if (refusal != null) {
        write(out, refusal.toWire(65_535));
        return;
      }
      ZoneData snapshotZone = zone.get();
      TSIG.StreamGenerator signer =
          tsig.map(key -> new TSIG.StreamGenerator(key, query.getTSIG())).orElse(null);
      try {
        ZoneTransfer.stream(
            snapshotZone,
            query,
            m -> {
              if (signer != null) {
                signer.generate(m);
              }
              try {
                write(out, m.toWire(65_535));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
      metrics.transfer("ok");
      log.info("zone transfer of serial {} to {}", snapshotZone.soa().getSerial(), client.getHostAddress());
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static Message refusal(Message query, int rcode) {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(org.xbill.DNS.Flags.QR);
    m.getHeader().setRcode(rcode);
    if (query.getQuestion() != null) {
      m.addRecord(query.getQuestion(), org.xbill.DNS.Section.QUESTION);
    }
    return m;
  }

  private static void write(OutputStream out, byte[] message) throws IOException {
    out.write(message.length >>> 8);
    out.write(message.length & 0xFF);
    out.write(message);
  }

  private static int readByte(InputStream in, long deadline) throws IOException {
    if (System.nanoTime() > deadline) {
      throw new SocketTimeoutException("message not completed in time");
    }
    int b = in.read();
    if (b < 0) {
      throw new EOFException();
    }
    return b;
  }

  /** Reads the whole message; a client trickling bytes past the deadline is cut off. */
  private static void readFully(InputStream in, byte[] buffer, long deadline) throws IOException {
    int read = 0;
    while (read < buffer.length) {
      if (System.nanoTime() > deadline) {
        throw new SocketTimeoutException("message not completed in time");
      }
      int n = in.read(buffer, read, buffer.length - read);
      if (n < 0) {
        throw new EOFException();
      }
      read += n;
    }
  }

  @Override
  public void close() {
    running = false;
    if (udp != null) {
      udp.close();
    }
    if (tcp != null) {
      try {
        tcp.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    connections.forEach(Connection::close);
    if (tcpWorkers != null) {
      tcpWorkers.shutdownNow();
    }
  }
}
