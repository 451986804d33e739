package io.raftpool.server.console;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the admin console makes of one simple query: one of the {@code show} commands it
 * answers, an empty query, or a refusal with its SQLSTATE. Read-only by construction: anything
 * that is not one of the shows is refused. A pure function of the query text.
 */
public record ConsoleQuery(Kind kind, Optional<Refusal> refusal) {
    public enum Kind { POOL_NODES, WATCHDOG_INFO, EVENTS, PARAMETERS, MAINTENANCE, EMPTY, REFUSED }

    /** An ErrorResponse: SQLSTATE and message. */
    public record Refusal(String sqlState, String message) {}

    /** The shows the console answers, as they are typed. */
    public static final String ALLOWED = "show pool_nodes, show watchdog_info, show events, show parameters, show maintenance";
    /** feature_not_supported: a statement the console does not run. */
    static final String NOT_SUPPORTED = "0A000";
    /** read_only_sql_transaction: the console never changes anything. */
    static final String READ_ONLY = "25006";
    /** syntax_error. */
    static final String SYNTAX_ERROR = "42601";

    private static final Pattern SHOW = Pattern.compile("show\\s+([a-z_]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern WRITES = Pattern.compile(
            "(insert|update|delete|create|drop|alter|truncate|grant|revoke|copy|set|reset|vacuum|call|do|begin"
                    + "|start|commit|rollback|lock|prepare|execute|listen|notify)\\b.*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    public static ConsoleQuery parse(String sql) {
        String text = sql.strip();
        while (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1).strip();
        }
        if (text.isEmpty()) {
            return new ConsoleQuery(Kind.EMPTY, Optional.empty());
        }
        if (text.contains(";")) {
            return refused(SYNTAX_ERROR, "one statement at a time, please; this console answers " + ALLOWED);
        }
        Matcher show = SHOW.matcher(text);
        if (show.matches()) {
            switch (show.group(1).toLowerCase(Locale.ROOT)) {
                case "pool_nodes":
                    return new ConsoleQuery(Kind.POOL_NODES, Optional.empty());
                case "watchdog_info":
                    return new ConsoleQuery(Kind.WATCHDOG_INFO, Optional.empty());
                case "events":
                    return new ConsoleQuery(Kind.EVENTS, Optional.empty());
                case "parameters":
                    return new ConsoleQuery(Kind.PARAMETERS, Optional.empty());
                case "maintenance":
                    return new ConsoleQuery(Kind.MAINTENANCE, Optional.empty());
                default:
                    return refused(NOT_SUPPORTED, "unknown show: " + quoted(show.group(1)) + "; this console answers "
                            + ALLOWED);
            }
        }
        if (WRITES.matcher(text).matches()) {
            return refused(READ_ONLY, "the raftpool admin console is read-only; it answers " + ALLOWED
                    + " (change the cluster with the raftpool CLI)");
        }
        return refused(NOT_SUPPORTED, "this is the raftpool admin console, not a database; it answers " + ALLOWED);
    }

    private static ConsoleQuery refused(String state, String message) {
        return new ConsoleQuery(Kind.REFUSED, Optional.of(new Refusal(state, message)));
    }

    /** At most 40 characters of what was typed, so that a long query does not fill the message. */
    private static String quoted(String word) {
        return "'" + (word.length() > 40 ? word.substring(0, 40) + "..." : word) + "'";
    }
}
