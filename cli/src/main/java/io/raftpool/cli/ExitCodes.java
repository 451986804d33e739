package io.raftpool.cli;

import io.raftpool.api.AdminException;
import io.raftpool.api.ClusterUnreachableException;
import io.raftpool.config.ConfigException;

/** The exit codes of every raftpool command; scripts rely on them (docs/cli-json.md). */
public final class ExitCodes {
    public static final int OK = 0;
    /** The operation was refused or failed, the node is unknown, or the config is bad. */
    public static final int FAILED = 1;
    /** The command line is wrong (picocli's usage errors). */
    public static final int USAGE = 2;
    /** No agent answered. */
    public static final int UNREACHABLE = 3;

    private ExitCodes() {}

    public static int of(Throwable error) {
        if (error instanceof ClusterUnreachableException) {
            return UNREACHABLE;
        }
        return FAILED;
    }

    /** Failures we expect and explain in one message; anything else is a bug and gets its stack trace. */
    public static boolean isExplained(Throwable error) {
        return error instanceof AdminException || error instanceof ConfigException || error instanceof CommandFailure;
    }
}
