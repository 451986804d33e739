package io.raftpool.api;

/**
 * Where an agent serves the admin API: {@code host:port}, or {@code [v6 address]:port}.
 * Printed the way it was written, so error messages quote the user's own text.
 */
public record AgentAddress(String host, int port) {

    public AgentAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("agent address has an empty host; allowed: host:port, e.g. 127.0.0.1:7410");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("agent address " + host + ":" + port
                    + " has port " + port + "; allowed: 1 to 65535");
        }
    }

    /** Parses {@code host:port}; the message of the exception quotes the text and the allowed form. */
    public static AgentAddress parse(String text) {
        String allowed = "; allowed: host:port or [ipv6]:port, e.g. 127.0.0.1:7410";
        if (text == null) {
            throw new IllegalArgumentException("agent address is missing" + allowed);
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("agent address '" + text + "' has no port" + allowed);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("agent address '" + text + "' is an IPv6 address without brackets" + allowed);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("agent address '" + text + "' has a port that is not a number" + allowed);
        }
        if (host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("agent address '" + text + "' is not valid" + allowed
                    + " (port 1 to 65535)");
        }
        return new AgentAddress(host, port);
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
