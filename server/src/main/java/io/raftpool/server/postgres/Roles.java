package io.raftpool.server.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.postgresql.PGConnection;

/** The roles raftpool needs on a primary. */
final class Roles {
    private Roles() {
    }

    /**
     * Makes {@code user} a LOGIN REPLICATION role and, when a password is given, sets it. The
     * driver computes the SCRAM verifier itself, so the password crosses neither the wire nor
     * the server's log in clear.
     *
     * @return whether the role had to be created
     */
    static boolean ensureReplicationRole(Connection c, String user, Optional<Password> password) throws SQLException {
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + PgSyntax.identifier(user) + " LOGIN REPLICATION");
        }
        if (password.isPresent()) {
            c.unwrap(PGConnection.class).alterUserPassword(user, password.get().chars(), "scram-sha-256");
        }
        return !exists;
    }
}
