package io.raftpool.chaos.nemesis;

import io.raftpool.chaos.net.NetFilter;
import io.raftpool.harness.Exec;
import io.raftpool.harness.LocalCluster;
import io.raftpool.server.postgres.OsUser;
import io.raftpool.server.postgres.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What an operator does by hand on one node while faults are undone: start its PostgreSQL, wait for its agent. */
final class OperatorHands {
    static final Duration PG_TIMEOUT = Duration.ofSeconds(60);
    /** A starting agent may take this long to answer (a JVM start on a busy machine is slow). */
    static final Duration AGENT_UP = Duration.ofSeconds(60);

    private final LocalCluster cluster;
    private final Optional<NetFilter> net;

    OperatorHands(LocalCluster cluster, Optional<NetFilter> net) {
        this.cluster = cluster;
        this.net = net;
    }

    /** Starts node {@code n}'s PostgreSQL as an operator would: pg_ctl start, as its OS user, in its node's cgroup. */
    void startPostgres(int n) {
        PostgresServer pg = cluster.postgres(n);
        if (pg.isRunning()) {
            return;
        }
        if (net.isEmpty()) {
            pg.start(PG_TIMEOUT);
            return;
        }
        var s = pg.settings();
        List<String> cmd = new ArrayList<>();
        OsUser user = pg.os().user();
        if (OsUser.jvmIsRoot()) {
            cmd.addAll(List.of("setpriv", "--reuid=" + user.name(), "--regid=" + user.group(), "--init-groups", "--"));
        }
        cmd.addAll(List.of(s.bin("pg_ctl").toString(), "start", "-w", "-t", Long.toString(PG_TIMEOUT.toSeconds()),
                "-D", s.dataDir().toString(), "-l", s.logFile().toString()));
        Exec.Result r = Exec.run(PG_TIMEOUT.plusSeconds(10), net.get().wrap(n, cmd));
        if (!r.ok()) {
            throw new IllegalStateException("pg_ctl start of node " + n + " failed (exit " + r.exitCode() + "): " + r.output());
        }
    }

    /** Waits up to {@link #AGENT_UP} for node {@code n}'s agent to answer on its admin port. */
    void awaitAgent(int n) {
        String address = cluster.config().requireNode(n).adminAddress();
        Poll.until(AGENT_UP, () -> {
            try {
                cluster.admin().getRaftInfo(address);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }
}
