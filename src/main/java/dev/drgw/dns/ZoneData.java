package dev.drgw.dns;

import dev.drgw.account.DeploymentNames;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.config.ConfigException;
import dev.drgw.config.DnsSettings;
import dev.drgw.snapshot.AccountView;
import dev.drgw.snapshot.RoutingSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The zone of the base domain as of one routing snapshot: SOA (serial = the snapshot's zone
 * sequence), NS with glue, region names, static records from configuration, and the customer
 * subdomains of every account with Direct Routing, synthesized from the snapshot on demand.
 * Pure: no I/O; {@link #lookup} is the decision DNS answers are made from.
 */
final class ZoneData {

  /** The parts that do not depend on the snapshot, built once at start. */
  static final class Fixed {
    final Name origin;
    final DeploymentNames names;
    final long ttl;
    final DnsSettings settings;
    final Name[] regionLabels;
    final List<List<InetAddress>> regionAddresses;
    final Name primary;
    final Name contact;
    /** Records at names other than the apex, regions and customer subdomains (glue, static). */
    final Map<Name, List<Record>> records;
    final List<Record> apexExtra;
    final Set<Name> emptyNonTerminals;

    Fixed(DnsSettings settings, DeploymentNames names) throws ConfigException {
      this.settings = settings;
      this.names = names;
      this.ttl = settings.ttl();
      this.origin = absolute(names.baseDomain(), "DRGW_BASE_DOMAIN");
      this.regionLabels = new Name[names.regions()];
      this.regionAddresses = new ArrayList<>();
      for (int r = 1; r <= names.regions(); r++) {
        regionLabels[r - 1] = absolute(names.regionDomain(r), "DRGW_REGION_DOMAIN_FORMAT");
        regionAddresses.add(settings.regionSipAddresses().get(r - 1));
      }
      this.primary = absolute(settings.nameServers().get(0).name(), "DRGW_DNS_NAME_SERVERS");
      this.contact = absolute(settings.soaContact(), "DRGW_DNS_SOA_CONTACT");
      Map<Name, List<Record>> byName = new LinkedHashMap<>();
      List<Record> apex = new ArrayList<>();
      for (DnsSettings.NameServer ns : settings.nameServers()) {
        Name nsName = absolute(ns.name(), "DRGW_DNS_NAME_SERVERS");
        for (InetAddress glue : ns.glue()) {
          byName.computeIfAbsent(nsName, n -> new ArrayList<>()).add(address(nsName, glue, ttl));
        }
      }
      for (Record record : parseStatic(settings.staticRecords(), origin, ttl)) {
        Name owner = record.getName();
        if (owner.equals(origin)) {
          apex.add(record);
        } else {
          byName.computeIfAbsent(owner, n -> new ArrayList<>()).add(record);
        }
      }
      this.records = byName;
      this.apexExtra = apex;
      Set<Name> ents = new HashSet<>();
      for (Name name : byName.keySet()) {
        for (int strip = 1; strip < name.labels() - origin.labels(); strip++) {
          Name ancestor = new Name(name, strip);
          if (!byName.containsKey(ancestor) && !ancestor.equals(origin) && regionIndex(ancestor) < 0) {
            ents.add(ancestor);
          }
        }
      }
      this.emptyNonTerminals = ents;
    }

    int regionIndex(Name name) {
      for (int i = 0; i < regionLabels.length; i++) {
        if (regionLabels[i].equals(name)) {
          return i;
        }
      }
      return -1;
    }

    private static Name absolute(String name, String setting) throws ConfigException {
      try {
        return Name.fromString(name.endsWith(".") ? name : name + ".");
      } catch (TextParseException e) {
        throw new ConfigException(List.of(setting + ": not a DNS name: " + name));
      }
    }

    private static List<Record> parseStatic(List<String> lines, Name origin, long ttl) throws ConfigException {
      List<Record> out = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        try (Master master =
            new Master(new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.UTF_8)), origin, ttl)) {
          master.disableIncludes();
          master.expandGenerate(false);
          Record record;
          while ((record = master.nextRecord()) != null) {
            if (!record.getName().subdomain(origin)) {
              throw new ConfigException(List.of("DRGW_DNS_STATIC_RECORDS (dns.static-records): record "
                  + (i + 1) + " is outside the zone " + origin + ": " + line));
            }
            if (record.getType() == Type.SOA || (record.getType() == Type.NS && record.getName().equals(origin))) {
              throw new ConfigException(List.of("DRGW_DNS_STATIC_RECORDS (dns.static-records): record "
                  + (i + 1) + ": the zone's SOA and NS come from DRGW_DNS_* settings: " + line));
            }
            out.add(record);
          }
        } catch (IOException e) {
          throw new ConfigException(List.of("DRGW_DNS_STATIC_RECORDS (dns.static-records): record "
              + (i + 1) + " is not zone-file syntax (" + e.getMessage() + "): " + line));
        }
      }
      return out;
    }
  }

  private final Fixed fixed;
  private final RoutingSnapshot snapshot;
  private final SOARecord soa;
  private final List<Record> nsRecords;

  ZoneData(Fixed fixed, RoutingSnapshot snapshot) {
    this.fixed = fixed;
    this.snapshot = snapshot;
    DnsSettings s = fixed.settings;
    this.soa =
        new SOARecord(
            fixed.origin, DClass.IN, fixed.ttl, fixed.primary, fixed.contact,
            serial(snapshot.zoneSeq()), s.soaRefresh(), s.soaRetry(), s.soaExpire(), s.negativeTtl());
    List<Record> ns = new ArrayList<>();
    for (DnsSettings.NameServer server : s.nameServers()) {
      ns.add(new NSRecord(fixed.origin, DClass.IN, fixed.ttl, name(server.name())));
    }
    this.nsRecords = ns;
  }

  /** The SOA serial of a zone sequence: serial arithmetic (RFC 1982) copes with wrap-around. */
  static long serial(long zoneSeq) {
    return zoneSeq & 0xFFFFFFFFL;
  }

  Name origin() {
    return fixed.origin;
  }

  Fixed fixed() {
    return fixed;
  }

  SOARecord soa() {
    return soa;
  }

  RoutingSnapshot snapshot() {
    return snapshot;
  }

  /** The SOA for the authority section of negative answers: TTL capped by its minimum (RFC 2308). */
  SOARecord negativeSoa() {
    return new SOARecord(
        fixed.origin, DClass.IN, Math.min(soa.getTTL(), soa.getMinimum()), soa.getHost(), soa.getAdmin(),
        soa.getSerial(), soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum());
  }

  /** What the zone holds for {@code qname} (owner names keep the case of {@code qname}). */
  Lookup lookup(Name qname, int qtype) {
    if (!qname.subdomain(fixed.origin)) {
      return new Lookup.Refused();
    }
    List<Record> all = recordsAt(qname);
    if (all.isEmpty()) {
      return fixed.emptyNonTerminals.contains(qname) ? new Lookup.NoData() : new Lookup.NxDomain();
    }
    if (qtype == Type.ANY) {
      // RFC 8482: one RRset is enough.
      int first = all.get(0).getType();
      return new Lookup.Answer(all.stream().filter(r -> r.getType() == first).toList(), List.of());
    }
    List<Record> matching = all.stream().filter(r -> r.getType() == qtype).toList();
    if (matching.isEmpty()) {
      return new Lookup.NoData();
    }
    List<Record> additional = new ArrayList<>();
    if (qtype == Type.NS) {
      for (Record ns : matching) {
        List<Record> glue = fixed.records.get(((NSRecord) ns).getTarget());
        if (glue != null) {
          glue.stream().filter(r -> r.getType() == Type.A || r.getType() == Type.AAAA).forEach(additional::add);
        }
      }
    }
    return new Lookup.Answer(matching, additional);
  }

  private List<Record> recordsAt(Name qname) {
    int depth = qname.labels() - fixed.origin.labels();
    List<Record> out = new ArrayList<>();
    if (depth == 0) {
      out.add(soa.withName(qname));
      nsRecords.forEach(r -> out.add(r.withName(qname)));
      fixed.apexExtra.forEach(r -> out.add(r.withName(qname)));
      return out;
    }
    List<Record> fixedRecords = fixed.records.get(qname);
    if (fixedRecords != null) {
      fixedRecords.forEach(r -> out.add(r.withName(qname)));
    }
    if (depth == 1) {
      int region = fixed.regionIndex(qname);
      if (region >= 0) {
        addresses(qname, fixed.regionAddresses.get(region), out);
      }
    } else if (depth == 2) {
      int region = fixed.regionIndex(new Name(qname, 1));
      if (region >= 0) {
        customerRecords(qname, region, out);
      }
    }
    return out;
  }

  private void customerRecords(Name qname, int region, List<Record> out) {
    String label = qname.getLabelString(0);
    Optional<AccountView> account = snapshot.accountByLabel(label);
    if (account.isEmpty() || !account.get().publishesSubdomains()) {
      return;
    }
    addresses(qname, fixed.regionAddresses.get(region), out);
    DirectRoutingConfig config = account.get().configuration();
    String token = config.token(region + 1);
    if (token != null) {
      out.add(new TXTRecord(qname, DClass.IN, fixed.ttl, token));
    }
  }

  private void addresses(Name owner, List<InetAddress> addresses, List<Record> out) {
    for (InetAddress address : addresses) {
      out.add(address(owner, address, fixed.ttl));
    }
  }

  private static Record address(Name owner, InetAddress address, long ttl) {
    return address instanceof Inet4Address
        ? new ARecord(owner, DClass.IN, ttl, address)
        : new AAAARecord(owner, DClass.IN, ttl, address);
  }

  private static Name name(String absolute) {
    try {
      return Name.fromString(absolute + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Every record of the zone, SOA first, for a zone transfer (the caller sends the SOA again at
   * the end). Customer subdomains come from the snapshot.
   */
  void forEachRecord(Consumer<Record> action) {
    action.accept(soa);
    nsRecords.forEach(action);
    fixed.apexExtra.forEach(action);
    fixed.records.values().forEach(list -> list.forEach(action));
    for (int r = 0; r < fixed.regionLabels.length; r++) {
      for (InetAddress address : fixed.regionAddresses.get(r)) {
        action.accept(address(fixed.regionLabels[r], address, fixed.ttl));
      }
    }
    Map<String, AccountView> publishing = new HashMap<>();
    snapshot.forEachAccount(a -> {
      if (a.publishesSubdomains()) {
        publishing.put(a.labelKey(), a);
      }
    });
    for (AccountView account : publishing.values()) {
      for (int r = 0; r < fixed.regionLabels.length; r++) {
        Name owner;
        try {
          owner = Name.concatenate(Name.fromString(account.configuration().subdomain()), fixed.regionLabels[r]);
        } catch (Exception e) {
          continue; // labels are validated at write time; a bad one is skipped, not fatal
        }
        for (InetAddress address : fixed.regionAddresses.get(r)) {
          action.accept(address(owner, address, fixed.ttl));
        }
        String token = account.configuration().token(r + 1);
        if (token != null) {
          action.accept(new TXTRecord(owner, DClass.IN, fixed.ttl, token));
        }
      }
    }
  }
}
