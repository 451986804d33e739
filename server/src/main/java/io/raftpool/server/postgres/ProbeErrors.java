package io.raftpool.server.postgres;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Turns a failed connection or query into the short text health checks report and log. */
final class ProbeErrors {
    private static final int MAX_LENGTH = 200;

    private ProbeErrors() {
    }

    static final String TIMEOUT = "timeout after ";
    static final String REFUSED = "connection refused";

    static String timeout(Duration timeout) {
        return TIMEOUT + timeout.toMillis() + "ms";
    }

    static String describe(Throwable failure, Duration timeout) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PSQLException psql) {
                ServerErrorMessage server = psql.getServerErrorMessage();
                if (server != null && server.getMessage() != null) {
                    return shorten(server.getMessage());
                }
            }
            if (t instanceof ConnectException) {
                String m = String.valueOf(t.getMessage());
                return m.toLowerCase(java.util.Locale.ROOT).contains("refused") ? REFUSED : shorten(m);
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
            if (t instanceof SocketTimeoutException) {
                return timeout(timeout);
            }
            if (t instanceof EOFException) {
                return "connection closed by the server";
            }
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return shorten(message);
    }

    private static String shorten(String message) {
        String first = message.lines().findFirst().orElse("").trim();
        return first.length() <= MAX_LENGTH ? first : first.substring(0, MAX_LENGTH - 3) + "...";
    }
}
