package io.raftpool.server.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a running server says about itself that matters before raftpool takes it over (adopting a
 * running pair): its role, where its data is, the settings pg_rewind and streaming need, its
 * pg_hba.conf, the replication role, who streams from it and from whom it streams.
 */
public record ServerFacts(boolean inRecovery, String dataDirectory, int versionNum, String walLevel,
                          boolean walLogHints, boolean dataChecksums, String listenAddresses,
                          String unixSocketDirectories, long timeline, List<String> hbaLines,
                          List<String> autoConfManaged, Optional<Role> replicationRole, List<String> streamingTo,
                          List<Slot> slots, Optional<String> streamsFrom) {

    public ServerFacts {
        hbaLines = List.copyOf(hbaLines);
        autoConfManaged = List.copyOf(autoConfManaged);
        streamingTo = List.copyOf(streamingTo);
        slots = List.copyOf(slots);
    }

    public record Role(boolean login, boolean replication) {}

    public record Slot(String name, boolean active) {}

    /** Asks the server, as a superuser; {@code replicationUser} is the role raftpool streams as. */
    public static ServerFacts read(Connection c, String replicationUser) throws SQLException {
        boolean inRecovery = PgProbe.inRecovery(c);
        List<String> autoConf = list(c, "select distinct name from pg_file_settings where sourcefile like"
                + " '%postgresql.auto.conf' order by name");
        autoConf.retainAll(ServerSettings.MANAGED_PARAMETERS);
        Optional<Role> role;
        try (PreparedStatement ps = c.prepareStatement("select rolcanlogin, rolreplication from pg_roles where rolname = ?")) {
            ps.setString(1, replicationUser);
            try (ResultSet rs = ps.executeQuery()) {
                role = rs.next() ? Optional.of(new Role(rs.getBoolean(1), rs.getBoolean(2))) : Optional.empty();
            }
        }
        List<Slot> slots = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select slot_name, active from pg_replication_slots order by slot_name")) {
            while (rs.next()) {
                slots.add(new Slot(rs.getString(1), rs.getBoolean(2)));
            }
        }
        List<String> from = list(c, "select coalesce(sender_host, '?') || ':' || coalesce(sender_port::text, '?')"
                + " from pg_stat_wal_receiver where status = 'streaming'");
        return new ServerFacts(inRecovery, show(c, "data_directory"), Integer.parseInt(show(c, "server_version_num")),
                show(c, "wal_level"), show(c, "wal_log_hints").equals("on"), show(c, "data_checksums").equals("on"),
                show(c, "listen_addresses"), show(c, "unix_socket_directories"), PgProbe.timeline(c),
                list(c, "select line from regexp_split_to_table(pg_read_file(current_setting('hba_file')), '\\n') as line"),
                autoConf, role, list(c, "select coalesce(application_name, '') || ' ' || coalesce(state, '')"
                        + " from pg_stat_replication order by 1"), slots, from.stream().findFirst());
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("show " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<String> list(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
