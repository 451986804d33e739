package io.raftpool.server.agent;

import io.grpc.Server;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.RaftInfo;
import io.raftpool.server.api.AdminEndpoint;
import io.raftpool.server.leader.ClusterInit;
import io.raftpool.server.raft.MemberStart;
import io.raftpool.server.raft.MemberStorage;
import io.raftpool.server.security.ApiAccess;
import io.raftpool.server.security.NodeTls;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before an agent without Raft storage starts its member: asks the other agents until
 * {@link MemberStart#decide} says how to start, answering their own questions meanwhile on
 * the admin port ({@link WaitingAdmin}). An agent with storage passes at once.
 */
final class MemberStartGate {
    private static final Logger LOG = LoggerFactory.getLogger(MemberStartGate.class);
    private static final long ASK_EVERY_MS = 500;
    private static final long LOG_EVERY_MS = 30_000;

    private MemberStartGate() {}

    static MemberStart await(ClusterConfig config, NodeConfig self, PeerAgents peers, Optional<NodeTls> tls,
                             ApiAccess access) throws IOException {
        List<Integer> configured = config.nodes().stream().map(NodeConfig::id).toList();
        if (MemberStorage.exists(config, self.id())) {
            return new MemberStart.Recover();
        }
        WaitingAdmin waiting = new WaitingAdmin(self.id());
        Server server = AdminEndpoint.build(new InetSocketAddress(self.host(), self.adminPort()), waiting, tls, access);
        server.start();
        try {
            String logged = "";
            long loggedAt = 0;
            while (true) {
                Map<Integer, RaftInfo> answers = peers.raftInfos(config.nodes().stream().filter(n -> n.id() != self.id())
                        .map(ClusterInit::nodeInfo).toList());
                MemberStart start = MemberStart.decide(self.id(), false, configured, answers);
                if (!(start instanceof MemberStart.Wait w)) {
                    return start;
                }
                waiting.waitingFor(w.why());
                long now = System.nanoTime() / 1_000_000;
                if (!w.why().equals(logged) || now - loggedAt >= LOG_EVERY_MS) {
                    LOG.info("node {} has no raft storage and does not start its raft member yet: {}", self.id(), w.why());
                    logged = w.why();
                    loggedAt = now;
                }
                Thread.sleep(ASK_EVERY_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped while waiting to start the raft member");
        } finally {
            server.shutdownNow();
            try {
                // the agent binds the same port next
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
