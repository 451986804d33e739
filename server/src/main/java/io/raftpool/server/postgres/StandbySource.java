package io.raftpool.server.postgres;

/** The server a standby streams from, and the replication slot it holds there. */
public record StandbySource(String host, int port, String slotName) {
    public StandbySource {
        if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("primary host '" + host + "' is not a host name or address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("primary port " + port + " is outside 1..65535");
        }
        SlotNames.requireValid(slotName);
    }

    @Override
    public String toString() {
        return host + ":" + port + " (slot " + slotName + ")";
    }
}
