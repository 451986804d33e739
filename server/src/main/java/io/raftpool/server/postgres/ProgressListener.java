package io.raftpool.server.postgres;

/** Hears a copy's progress. Called on the thread reading the command's output: return quickly. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = progress -> { };

    void onProgress(CopyProgress progress);
}
