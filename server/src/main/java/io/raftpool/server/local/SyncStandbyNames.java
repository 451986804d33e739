package io.raftpool.server.local;

import io.raftpool.proto.ClusterState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sync mode, on the primary: synchronous_standby_names follows the committed target (S3: the
 * leader commits a standby as synchronous only after this server reports it so). What to set is
 * {@link SyncSetting}'s to say.
 */
final class SyncStandbyNames {
    private static final Logger LOG = LoggerFactory.getLogger(SyncStandbyNames.class);

    private final OwnServer own;
    private String applied;

    SyncStandbyNames(OwnServer own) {
        this.own = own;
    }

    void reconcile() {
        Optional<String> wanted = SyncSetting.forPrimary(own.state(), own.id(), own.strictSync());
        if (wanted.isEmpty() || wanted.get().equals(applied) || !own.pg().isRunning()) {
            return;
        }
        apply(wanted.get());
    }

    /** A copied postgresql.auto.conf may name this very server, just promoted, as the standby to wait for. */
    void afterPromotion(ClusterState s) {
        SyncSetting.forPromoted(s, own.strictSync()).ifPresent(this::apply);
    }

    private void apply(String value) {
        try (Connection c = own.pg().connect(own.config().healthCheck().timeout()); Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET synchronous_standby_names = '" + value.replace("'", "''") + "'");
            st.execute("SELECT pg_reload_conf()");
            applied = value;
            LOG.info("sync: synchronous_standby_names = '{}'", value);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set synchronous_standby_names: " + e.getMessage(), e);
        }
    }
}
