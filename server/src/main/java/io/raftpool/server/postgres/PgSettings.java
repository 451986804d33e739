package io.raftpool.server.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads pg_settings: what a server accepts for a setting, and what waits for its restart. */
public final class PgSettings {
    private PgSettings() {}

    /** The specs of those of {@code names} the server knows; a name it does not know is absent. */
    public static Map<String, SettingSpec> specs(Connection c, Collection<String> names) throws SQLException {
        Map<String, SettingSpec> specs = new TreeMap<>();
        try (PreparedStatement st = c.prepareStatement("select name, context, vartype, coalesce(unit, ''),"
                + " coalesce(min_val, ''), coalesce(max_val, ''), coalesce(enumvals, '{}'::text[])"
                + " from pg_settings where name = any(?)")) {
            st.setArray(1, c.createArrayOf("text", names.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Array enums = rs.getArray(7);
                    specs.put(rs.getString(1), new SettingSpec(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), Arrays.asList((String[]) enums.getArray())));
                }
            }
        }
        return specs;
    }

    /** The settings whose new value waits for a restart (pg_settings.pending_restart), sorted. */
    public static List<String> pendingRestart(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select name from pg_settings where pending_restart order by name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

}
