package io.raftpool.server;

/**
 * Switches that break raftpool on purpose, for tests that must prove a checker can fail. Never
 * in a config file: only a JVM system property turns one on, and the agent says so loudly.
 */
public final class UnsafeSwitches {
    /** {@code -Draftpool.unsafe.disableSafety=true}: no fencing, proxies never see a stale view, the VIP is never dropped. */
    public static final String DISABLE_SAFETY = "raftpool.unsafe.disableSafety";

    /**
     * {@code -Draftpool.unsafe.wipeRaftOnRestart=true}: an agent that restarts with Raft storage
     * deletes it and starts as an empty voter (the very thing S7 forbids), so that the Raft
     * safety test can show it catches a member that forgets what it acknowledged.
     */
    public static final String WIPE_RAFT_ON_RESTART = "raftpool.unsafe.wipeRaftOnRestart";

    private UnsafeSwitches() {}

    public static boolean wipeRaftOnRestart() {
        return Boolean.getBoolean(WIPE_RAFT_ON_RESTART);
    }

    /** Whether this agent claims contact with the majority even when it has none (S2, S5, S6 off). */
    public static boolean safetyDisabled() {
        return Boolean.getBoolean(DISABLE_SAFETY);
    }
}
