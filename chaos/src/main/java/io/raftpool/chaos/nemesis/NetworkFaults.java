package io.raftpool.chaos.nemesis;

import io.raftpool.chaos.net.Link;
import io.raftpool.chaos.net.NetFilter;
import io.raftpool.chaos.net.Partitions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The faults done to the network between nodes (partitions, one-way drops) through the run's {@link NetFilter}, and their removal. */
final class NetworkFaults {
    private final Optional<NetFilter> net;
    private final Supplier<List<Integer>> allNodes;

    NetworkFaults(Optional<NetFilter> net, Supplier<List<Integer>> allNodes) {
        this.net = net;
        this.allNodes = allNodes;
    }

    Effect start(Fault f, Targets.Choice choice) {
        Set<Integer> nodes = choice.nodes();
        return switch (f.kind()) {
            case PARTITION_PRIMARY, PARTITION_LEADER, PARTITION_HALVES, PAUSE_PRIMARY_AGENT_PARTITIONED -> partition(f, nodes,
                    Partitions.isolate(nodes, allNodes.get()), "isolated " + describe(nodes) + " from " + describe(rest(nodes)));
            case PARTITION_ONE_WAY -> partition(f, nodes, Partitions.oneWay(choice.single(), allNodes.get()),
                    "every packet from node " + choice.single() + " to the others dropped (one way)");
            default -> throw new IllegalArgumentException(f.kind() + " is no fault of the network");
        };
    }

    private Effect partition(Fault f, Set<Integer> nodes, Set<Link> links, String what) {
        NetFilter filter = net.orElseThrow(() -> new IllegalStateException(
                "partition faults need the run's network set up (NetFilter) before the cluster starts"));
        filter.block(links);
        return new Effect(f, nodes, true, what + " [" + Partitions.describe(links) + "]");
    }

    /** Removes every rule a fault put in place. */
    void undo(List<String> done) {
        healAll();
        done.add("partition removed");
    }

    void healAll() {
        net.ifPresent(NetFilter::heal);
    }

    private Set<Integer> rest(Set<Integer> side) {
        return allNodes.get().stream().filter(n -> !side.contains(n)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String describe(Set<Integer> nodes) {
        return (nodes.size() == 1 ? "node " : "nodes ") + nodes.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
