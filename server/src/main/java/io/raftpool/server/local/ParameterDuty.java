package io.raftpool.server.local;

import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.Parameter;
import io.raftpool.proto.ReportParameters;
import io.raftpool.server.postgres.ManagedSettings;
import io.raftpool.server.postgres.PgSettings;
import io.raftpool.server.state.ClusterParameters;
import io.raftpool.server.state.ClusterStates;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this server's settings file in line with the settings kept in the Raft log: writes it
 * when they change (and before every start, through the data directory), reloads a running
 * server, and reports the version applied and what PostgreSQL says is pending a restart.
 */
final class ParameterDuty {
    private static final Logger LOG = LoggerFactory.getLogger(ParameterDuty.class);
    /** How often a running server is asked what waits for a restart, apart from after a change. */
    private static final long CHECK_EVERY_MS = 10_000;
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
    /**
     * Pending for raftpool's own reasons, not an operator's: a standby promoted in place keeps the
     * recovery_target_timeline of its standby days until it restarts, and it means nothing to a
     * primary. Reporting it would ask for a restart of the primary for nothing.
     */
    static final java.util.Set<String> NOT_WORTH_A_RESTART = java.util.Set.of("recovery_target_timeline");

    private final OwnServer own;
    private final Reports reports;
    private long checkDueMs;
    private Optional<List<String>> pending = Optional.empty();

    ParameterDuty(OwnServer own, Reports reports) {
        this.own = own;
        this.reports = reports;
    }

    /** Ask the server again at the next round (after a start or a restart). */
    void checkSoon() {
        checkDueMs = 0;
        pending = Optional.empty();
    }

    void reconcile(ClusterState s, boolean running) {
        Optional<Backend> me = ClusterStates.backend(s, own.id());
        if (me.isEmpty()) {
            return;
        }
        Map<String, String> values = new TreeMap<>();
        ClusterParameters.effective(s, own.id()).forEach((name, p) -> values.put(name, p.getValue()));
        long now = own.clocks().monoMs();
        if (own.pg().useParameters(ManagedSettings.renderParameters(values))) {
            LOG.info("settings from the raft log written (version {}): {}", s.getParametersVersion(), describe(s));
            if (running) {
                own.pg().reload();
            }
            pending = Optional.empty();
            checkDueMs = now + 300; // the postmaster rereads its files on SIGHUP, a moment later
        }
        if (!running) {
            return;
        }
        if (now >= checkDueMs) {
            checkDueMs = now + CHECK_EVERY_MS;
            pending = askPending();
        }
        if (pending.isEmpty()) {
            return;
        }
        Backend b = me.get();
        if (b.getParametersApplied() != s.getParametersVersion() || !b.getPendingRestartList().equals(pending.get())) {
            reports.submit(Command.newBuilder().setReportParameters(ReportParameters.newBuilder().setNodeId(own.id())
                    .setParametersVersion(s.getParametersVersion()).addAllPendingRestart(pending.get())));
        }
    }

    private Optional<List<String>> askPending() {
        try (Connection c = own.pg().connect(QUERY_TIMEOUT)) {
            return Optional.of(PgSettings.pendingRestart(c).stream().filter(n -> !NOT_WORTH_A_RESTART.contains(n))
                    .toList());
        } catch (SQLException | RuntimeException e) {
            LOG.debug("cannot ask which settings are pending a restart: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private String describe(ClusterState s) {
        List<Parameter> mine = List.copyOf(ClusterParameters.effective(s, own.id()).values());
        return mine.isEmpty() ? "none" : String.join(", ", mine.stream().map(p -> p.getName() + "=" + p.getValue()
                + (p.getNodeId() == ClusterParameters.EVERY_SERVER ? "" : " (this node's)")).toList());
    }
}
