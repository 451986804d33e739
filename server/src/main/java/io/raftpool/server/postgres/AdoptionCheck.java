package io.raftpool.server.postgres;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Before raftpool takes over servers that already run (a pair set up by hand or by pgpool-II):
 * which one is the primary, what stops raftpool from taking over (each with how to fix it), what
 * raftpool will change as it does, and what takes effect only at the next restart. Pure: the same
 * judgement for the leader, which waits while anything blocks, and for {@code raftpool adopt-check}.
 */
public final class AdoptionCheck {
    private AdoptionCheck() {}

    /** A configured server: what the config says it is, and the pg_hba.conf raftpool would write for it. */
    public record Expected(int nodeId, String name, String address, String dataDir, String hbaRendered,
                           String replicationUser, boolean replicationPasswordSet, String slotName) {}

    /** What one server answered: its facts, or why it could not be asked. */
    public record Answer(Optional<ServerFacts> facts, String error) {
        public static Answer of(ServerFacts f) {
            return new Answer(Optional.of(f), "");
        }

        public static Answer unreachable(String why) {
            return new Answer(Optional.empty(), why);
        }
    }

    public record Report(boolean anyRunning, Optional<Integer> primary, List<String> found, List<String> blockers,
                         List<String> changes, List<String> atNextRestart) {
        public boolean ready() {
            return blockers.isEmpty() && primary.isPresent();
        }

        /** The whole report as lines, for the log and the CLI. */
        public String text() {
            StringBuilder b = new StringBuilder();
            section(b, "found", found);
            section(b, "blocks the takeover (fix, then raftpool goes on by itself)", blockers);
            section(b, "raftpool changes as it takes over", changes);
            section(b, "takes effect at the next restart (raftpool restart --rolling)", atNextRestart);
            return b.toString();
        }

        private static void section(StringBuilder b, String title, List<String> lines) {
            if (!lines.isEmpty()) {
                b.append(title).append(":\n");
                lines.forEach(l -> b.append("  - ").append(l).append('\n'));
            }
        }
    }

    /** The servers of {@code config} as raftpool would run them (secrets read from files or {@code env}). */
    public static List<Expected> expected(io.raftpool.config.ClusterConfig config, Map<String, String> env) {
        List<Expected> out = new ArrayList<>();
        for (io.raftpool.config.NodeConfig n : config.postgresNodes()) {
            ServerSettings s = ServerSettings.of(n, config, env);
            out.add(new Expected(n.id(), n.name(), n.host() + ":" + n.requirePostgres().port(),
                    n.requirePostgres().dataDir().toString(), HbaRules.render(s), s.replicationUser(),
                    s.replicationPassword().isPresent(), SlotNames.forNode(n.name())));
        }
        return out;
    }

    public static Report check(List<Expected> servers, Map<Integer, Answer> answers) {
        List<String> found = new ArrayList<>();
        List<String> blockers = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        List<String> later = new ArrayList<>();
        List<Expected> primaries = new ArrayList<>();
        boolean anyRunning = false;
        for (Expected e : servers) {
            Answer a = answers.getOrDefault(e.nodeId(), Answer.unreachable("not asked"));
            String who = "node " + e.nodeId() + " (" + e.name() + ", " + e.address() + ")";
            if (a.facts().isEmpty()) {
                found.add(who + ": not running or not reachable (" + a.error() + "); raftpool starts or builds it as"
                        + " a standby once it has a primary");
                continue;
            }
            anyRunning = true;
            ServerFacts f = a.facts().get();
            if (!f.inRecovery()) {
                primaries.add(e);
            }
            found.add(who + ": " + (f.inRecovery() ? "standby" + f.streamsFrom().map(s -> " streaming from " + s)
                    .orElse(" not streaming") : "primary" + (f.streamingTo().isEmpty() ? ""
                    : " (streaming to " + String.join(", ", f.streamingTo()) + ")")) + ", timeline " + f.timeline()
                    + ", PostgreSQL " + f.versionNum());
            if (!samePath(f.dataDirectory(), e.dataDir())) {
                blockers.add(who + " runs on data directory " + f.dataDirectory() + " but the config says"
                        + " postgres.data_dir: " + e.dataDir() + ": point data_dir at the server's directory");
            }
            if (f.walLevel().equals("minimal")) {
                blockers.add(who + ": wal_level is minimal, which cannot feed a standby: set wal_level = replica and"
                        + " restart it");
            }
            List<String> dropped = dropped(f.hbaLines(), e.hbaRendered());
            if (!dropped.isEmpty()) {
                blockers.add(who + ": pg_hba.conf has rules raftpool would drop (it writes pg_hba.conf from"
                        + " postgres.hba): " + dropped.stream().map(l -> "'" + l + "'").collect(Collectors.joining(", "))
                        + "; add them to postgres.hba for this node in the config, or remove them from pg_hba.conf");
            }
            if (!f.autoConfManaged().isEmpty()) {
                changes.add(who + ": postgresql.auto.conf sets " + String.join(", ", f.autoConfManaged())
                        + " (ALTER SYSTEM, or pg_basebackup -R); raftpool removes them there and sets them in"
                        + " raftpool.conf");
            }
            if (!f.walLogHints() && !f.dataChecksums()) {
                later.add(who + ": wal_log_hints is off and the data has no checksums, so pg_rewind cannot rewind it"
                        + " after a failover until wal_log_hints = on (raftpool.conf sets it) takes effect");
            }
            if (!f.listenAddresses().equals(host(e.address()))) {
                later.add(who + ": listen_addresses becomes " + host(e.address()) + " (now " + f.listenAddresses() + ")");
            }
            if (!f.unixSocketDirectories().isBlank()) {
                later.add(who + ": Unix-domain sockets are turned off (unix_socket_directories = ''; now "
                        + f.unixSocketDirectories() + "): clients must connect over TCP");
            }
        }
        Optional<Integer> primary = Optional.empty();
        if (anyRunning && primaries.isEmpty()) {
            blockers.add("no server runs as primary: start the primary, then raftpool finds it");
        } else if (primaries.size() > 1) {
            blockers.add("nodes " + primaries.stream().map(p -> Integer.toString(p.nodeId())).collect(Collectors.joining(
                    " and ")) + " all run as primary: stop every one but the one with the current data; raftpool"
                    + " then makes the others standbys (recovery-node N)");
        } else if (primaries.size() == 1) {
            Expected p = primaries.get(0);
            primary = Optional.of(p.nodeId());
            ServerFacts f = answers.get(p.nodeId()).facts().orElseThrow();
            changes.addAll(onPrimary(p, f, servers));
            for (Expected e : servers) {
                answers.getOrDefault(e.nodeId(), Answer.unreachable("")).facts().filter(ServerFacts::inRecovery)
                        .filter(s -> !s.streamsFrom().map(x -> x.equals(p.address())).orElse(false))
                        .ifPresent(s -> changes.add("node " + e.nodeId() + " streams from "
                                + s.streamsFrom().orElse("nobody") + ", not from node " + p.nodeId() + " (" + p.address()
                                + "): raftpool points it at node " + p.nodeId() + "; if it diverged, run raftpool"
                                + " recovery-node " + e.nodeId()));
            }
        }
        if (anyRunning) {
            changes.add("every server's postgresql.conf gets include 'raftpool.conf'; raftpool.conf and pg_hba.conf"
                    + " are written from the config, and each server reloads");
        }
        return new Report(anyRunning, primary, found, blockers, changes, later);
    }

    private static List<String> onPrimary(Expected p, ServerFacts f, List<Expected> servers) {
        List<String> changes = new ArrayList<>();
        String role = p.replicationUser();
        if (f.replicationRole().isEmpty()) {
            changes.add("the replication role " + role + " is created on the primary (LOGIN REPLICATION"
                    + (p.replicationPasswordSet() ? ", with replication.password)" : ")"));
        } else {
            ServerFacts.Role r = f.replicationRole().get();
            if (!r.login() || !r.replication()) {
                changes.add("the role " + role + " is given LOGIN REPLICATION on the primary");
            }
            if (p.replicationPasswordSet()) {
                changes.add("the password of the existing role " + role + " is set to replication.password: anything"
                        + " else that logs in as " + role + " needs it too");
            }
        }
        Set<String> ours = new LinkedHashSet<>();
        servers.stream().filter(s -> s.nodeId() != p.nodeId()).forEach(s -> ours.add(s.slotName()));
        Set<String> existing = f.slots().stream().map(ServerFacts.Slot::name).collect(Collectors.toSet());
        List<String> made = ours.stream().filter(s -> !existing.contains(s)).toList();
        if (!made.isEmpty()) {
            changes.add("replication slot(s) " + String.join(", ", made) + " are made on the primary; standbys stream"
                    + " through them");
        }
        f.slots().stream().filter(s -> !ours.contains(s.name()) && !s.active()).forEach(s -> changes.add(
                "the inactive replication slot " + s.name() + " keeps WAL on the primary: drop it once the standbys"
                        + " stream through raftpool's slots (select pg_drop_replication_slot('" + s.name() + "'))"));
        return changes;
    }

    /** The rules of {@code current} (pg_hba.conf lines) that {@code rendered} does not have, normalised. */
    static List<String> dropped(List<String> current, String rendered) {
        Set<String> kept = rendered.lines().map(AdoptionCheck::normal).filter(l -> !l.isEmpty()).collect(Collectors.toSet());
        return current.stream().map(AdoptionCheck::normal).filter(l -> !l.isEmpty() && !kept.contains(l)).distinct()
                .toList();
    }

    private static String normal(String line) {
        int hash = line.indexOf('#');
        String rule = hash >= 0 ? line.substring(0, hash) : line;
        return rule.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static boolean samePath(String a, String b) {
        return stripSlash(a).equals(stripSlash(b));
    }

    private static String stripSlash(String p) {
        return p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
    }

    private static String host(String address) {
        int colon = address.lastIndexOf(':');
        return colon > 0 ? address.substring(0, colon) : address;
    }
}
