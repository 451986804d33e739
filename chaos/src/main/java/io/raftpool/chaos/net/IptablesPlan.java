package io.raftpool.chaos.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The iptables commands of a run, as plain values (pure; {@link NetFilter} runs them).
 *
 * <p>Why cgroups and connection marks: on loopback every outgoing connection leaves from
 * 127.0.0.1, whatever address its process listens on, so the source address cannot tell which
 * node sent a packet. Each node's processes (agent, proxy, and the PostgreSQL server the agent
 * starts) run in a cgroup of their own instead; a rule matches the sending node by
 * {@code -m cgroup --path}. A packet from node S to node D is then either on a connection S
 * opened to D's address ({@code -d addr(D)}) or a reply on a connection D opened to S, which
 * the mangle chain marked with D's mark when D opened it ({@code -m connmark}).
 *
 * <p>Everything lives in one chain per table named {@code chain}, jumped to from OUTPUT only
 * for loopback traffic; teardown deletes the jumps and the chains, and nothing else.
 */
public record IptablesPlan(String chain, Map<Integer, String> addresses, Map<Integer, String> cgroupPaths) {
    static final int MARK_MASK = 0x00ff0000;
    static final String JUMP_MATCH = "-o lo -s 127.0.0.0/8 -d 127.0.0.0/8";

    public IptablesPlan {
        if (!chain.matches("RAFTPOOL-CHAOS-[A-Za-z0-9]{1,13}")) {
            throw new IllegalArgumentException("chain '" + chain + "' must be RAFTPOOL-CHAOS-<1 to 13 letters or digits>");
        }
        addresses = new TreeMap<>(addresses);
        cgroupPaths = new TreeMap<>(cgroupPaths);
        if (!addresses.keySet().equals(cgroupPaths.keySet())) {
            throw new IllegalArgumentException("nodes with addresses " + addresses.keySet() + " and nodes with cgroups "
                    + cgroupPaths.keySet() + " differ");
        }
        if (addresses.size() > 254) {
            throw new IllegalArgumentException(addresses.size() + " nodes: at most 254 fit in the connection mark");
        }
    }

    /**
     * The run ids of chains in {@code iptablesRules} ({@code iptables -S} of a table) whose run has
     * no cgroup left in {@code liveRuns}: their run was killed before it could tear them down, and
     * every loopback packet of the machine still walks through them.
     */
    public static Set<String> orphanedRuns(String iptablesRules, Set<String> liveRuns) {
        Set<String> orphans = new TreeSet<>();
        for (String line : iptablesRules.split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length == 2 && words[0].equals("-N") && words[1].matches("RAFTPOOL-CHAOS-[A-Za-z0-9]{1,13}")) {
                String run = words[1].substring("RAFTPOOL-CHAOS-".length());
                if (!liveRuns.contains(run)) {
                    orphans.add(run);
                }
            }
        }
        return orphans;
    }

    /** The teardown of a chain whose run is gone (its addresses and cgroups are not needed to remove it). */
    public static IptablesPlan ofOrphan(String run) {
        return new IptablesPlan("RAFTPOOL-CHAOS-" + run, Map.of(), Map.of());
    }

    /** Node {@code node}'s connection mark, as iptables takes it ({@code value/mask}). */
    public static String mark(int node) {
        return String.format("0x%x/0x%x", (node + 1) << 16, MARK_MASK);
    }

    public List<List<String>> setup() {
        List<List<String>> cmds = new ArrayList<>();
        cmds.add(ipt("mangle", "-N", chain));
        cmds.add(ipt("filter", "-N", chain));
        for (var e : cgroupPaths.entrySet()) {
            cmds.add(ipt("mangle", "-A", chain, "-m", "conntrack", "--ctstate", "NEW", "-m", "cgroup", "--path",
                    e.getValue(), "-j", "CONNMARK", "--set-xmark", mark(e.getKey())));
        }
        cmds.add(jump("mangle", "-I"));
        cmds.add(jump("filter", "-I"));
        return cmds;
    }

    /** Replaces the dropped links with {@code links} (an empty set heals). */
    public List<List<String>> block(Set<Link> links) {
        List<List<String>> cmds = new ArrayList<>();
        cmds.add(heal());
        for (Link l : links) {
            String from = requireNode(cgroupPaths, l.from());
            String to = requireNode(addresses, l.to());
            cmds.add(ipt("filter", "-A", chain, "-m", "cgroup", "--path", from, "-d", to + "/32", "-j", "DROP"));
            cmds.add(ipt("filter", "-A", chain, "-m", "cgroup", "--path", from, "-m", "connmark", "--mark",
                    mark(l.to()), "-j", "DROP"));
        }
        return cmds;
    }

    public List<String> heal() {
        return ipt("filter", "-F", chain);
    }

    /** Each command is run even if an earlier one failed (a half-made setup is torn down too). */
    public List<List<String>> teardown() {
        List<List<String>> cmds = new ArrayList<>();
        cmds.add(jump("filter", "-D"));
        cmds.add(jump("mangle", "-D"));
        cmds.add(ipt("filter", "-F", chain));
        cmds.add(ipt("mangle", "-F", chain));
        cmds.add(ipt("filter", "-X", chain));
        cmds.add(ipt("mangle", "-X", chain));
        return cmds;
    }

    private List<String> jump(String table, String op) {
        List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "5", "-t", table, op, "OUTPUT"));
        cmd.addAll(List.of(JUMP_MATCH.split(" ")));
        cmd.addAll(List.of("-j", chain));
        return cmd;
    }

    private static List<String> ipt(String table, String... args) {
        List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "5", "-t", table));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String requireNode(Map<Integer, String> map, int node) {
        String v = map.get(node);
        if (v == null) {
            throw new IllegalArgumentException("node " + node + " is not in this run's network (nodes " + map.keySet() + ")");
        }
        return v;
    }
}
