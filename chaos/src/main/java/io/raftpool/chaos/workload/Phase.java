package io.raftpool.chaos.workload;

/**
 * Whether the request that decides an operation's outcome (an autocommit statement, or COMMIT)
 * has been sent. An error before it means the operation certainly did not happen (fail); an
 * error after it may have come after the commit (info), unless the error says otherwise.
 */
public final class Phase {
    private boolean decidingRequestSent;

    public void sendingDecidingRequest() {
        decidingRequestSent = true;
    }

    public boolean decidingRequestSent() {
        return decidingRequestSent;
    }
}
