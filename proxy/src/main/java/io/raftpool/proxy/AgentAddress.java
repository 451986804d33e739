package io.raftpool.proxy;

/** Where an agent's admin API listens. */
public record AgentAddress(int nodeId, String host, int port) {
    @Override
    public String toString() {
        return "agent " + nodeId + " at " + host + ":" + port;
    }
}
