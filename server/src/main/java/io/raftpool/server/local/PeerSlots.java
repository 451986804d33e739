package io.raftpool.server.local;

import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.server.postgres.SlotNames;
import io.raftpool.server.state.ClusterStates;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's replication slots for the other servers: one for each, so a standby never
 * misses WAL it needs; and the slot of a node that left the cluster goes, since it would hold
 * WAL for nobody (up to max_slot_wal_keep_size).
 */
final class PeerSlots {
    private static final Logger LOG = LoggerFactory.getLogger(PeerSlots.class);

    private final OwnServer own;
    private Set<String> knownBackendNames;
    private final Set<String> toDrop = new HashSet<>();

    PeerSlots(OwnServer own) {
        this.own = own;
    }

    void ensure(ClusterState s) {
        for (Backend b : s.getBackendsList()) {
            if (b.getNodeId() == own.id()) {
                continue;
            }
            ClusterStates.node(s, b.getNodeId()).ifPresent(n -> {
                try {
                    own.pg().ensureSlot(SlotNames.forNode(n.getName()));
                } catch (RuntimeException e) {
                    LOG.warn("cannot create the replication slot for node {}: {}", n.getId(), e.getMessage());
                }
            });
        }
    }

    /** Only slots named after nodes this agent saw leave; dropped on the primary once nothing streams through them. */
    void dropThoseOfRemovedNodes() {
        ClusterState s = own.state();
        Set<String> now = new HashSet<>();
        for (Backend b : s.getBackendsList()) {
            ClusterStates.node(s, b.getNodeId()).ifPresent(n -> now.add(n.getName()));
        }
        if (knownBackendNames != null) {
            for (String name : knownBackendNames) {
                if (!now.contains(name)) {
                    toDrop.add(name);
                }
            }
        }
        if (!now.isEmpty()) {
            knownBackendNames = now;
        }
        toDrop.removeAll(now); // a node that came back keeps its slot
        if (toDrop.isEmpty() || s.getPrimary().getNodeId() != own.id() || !own.pg().isRunning()) {
            return;
        }
        for (String gone : List.copyOf(toDrop)) {
            try {
                own.pg().dropSlot(SlotNames.forNode(gone));
                toDrop.remove(gone);
                LOG.info("dropped the replication slot of node {}, which left the cluster", gone);
            } catch (RuntimeException e) {
                // still streaming through it (its server not stopped yet): tried again next round
                LOG.debug("replication slot of {} not dropped yet: {}", gone, e.getMessage());
            }
        }
    }
}
