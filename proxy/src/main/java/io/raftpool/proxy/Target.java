package io.raftpool.proxy;

/** A server chosen for one client connection, and the epoch of the view that chose it. */
public record Target(int nodeId, String name, String host, int port, long epoch) {

    static Target of(BackendView b, long epoch) {
        return new Target(b.nodeId(), b.name(), b.host(), b.pgPort(), epoch);
    }

    public String describe() {
        return "node " + nodeId + " (" + name + " at " + host + ":" + port + ")";
    }
}
