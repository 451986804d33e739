package io.raftpool.server.postgres;

/** Quoting for the three languages raftpool writes: postgresql.conf, libpq conninfo, SQL identifiers. */
final class PgSyntax {
    private PgSyntax() {
    }

    /** A postgresql.conf value: single-quoted, where backslash escapes are live. Any setting accepts this form. */
    static String confValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** A libpq conninfo value: single-quoted, backslash-escaped. */
    static String conninfoValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** Host for a JDBC URL: an IPv6 literal needs brackets. */
    static String urlHost(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }
}
