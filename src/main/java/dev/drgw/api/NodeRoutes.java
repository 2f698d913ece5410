package dev.drgw.api;

import dev.drgw.changes.NodeState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /nodes} (extension): every node of the deployment as the node registry knows it —
 * region, the change it has applied, whether it counts as live — as this node last read it.
 */
final class NodeRoutes {

  private final Supplier<List<NodeState>> nodes;
  private final Duration staleAfter;
  private final Json json;

  NodeRoutes(Supplier<List<NodeState>> nodes, Duration staleAfter, Json json) {
    this.nodes = nodes;
    this.staleAfter = staleAfter;
    this.json = json;
  }

  ApiResponse list(ApiCall call) {
    List<Map<String, Object>> value = nodes.get().stream().map(this::entry).toList();
    return json.response(200, Map.of("value", value));
  }

  private Map<String, Object> entry(NodeState n) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", n.name());
    e.put("region", n.region());
    e.put("appliedSeq", n.appliedSeq());
    e.put("live", n.live(staleAfter));
    e.put("dnsServing", n.dnsServing());
    e.put("draining", n.draining());
    e.put("version", n.version());
    e.put("startedAt", n.startedAt().toString());
    e.put("lastSeen", n.lastSeen().toString());
    e.put("secondsSinceLastSeen", n.age().toMillis() / 1000.0);
    return e;
  }
}
