package io.raftpool.server.local;

import io.raftpool.proto.Command;
import io.raftpool.server.raft.RaftNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits what this agent reports about its own server (promotion, recovery, switchover,
 * hooks), as this agent, and waits until it has applied it too: the next round must see it.
 */
record Reports(OwnServer own, RaftNode raft) {
    private static final Logger LOG = LoggerFactory.getLogger(Reports.class);

    /** As {@link #submitOrThrow}, but a failure is only logged. */
    void submit(Command.Builder command) {
        try {
            submitOrThrow(command);
        } catch (RuntimeException e) {
            LOG.warn("{}", e.getMessage());
        }
    }

    void submitOrThrow(Command.Builder command) {
        Command c = command.setIssuedMs(own.clocks().wallMs()).setIssuer(own.id()).build();
        try {
            long index = raft.submit(c).get(10, TimeUnit.SECONDS);
            own.hub().awaitIndex(index, Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while committing " + c.getKindCase(), e);
        } catch (Exception e) {
            Throwable t = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(c.getKindCase() + " not committed: " + t.getMessage(), e);
        }
    }
}
