package io.raftpool.server.postgres;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What this server's files say, read without spawning a process or waiting for an action
 * (PG_VERSION, postmaster.pid and /proc), and the refusals that follow: an action that needs an
 * initialized or a stopped server says so before it does anything.
 */
record ServerChecks(ServerSettings settings, DataDirectory dataDir) {
    boolean isInitialized() {
        return dataDir.isInitialized();
    }

    /** The postmaster's pid, if postmaster.pid names a live postgres process started when the file says. */
    OptionalLong postmasterPid() {
        Optional<PostmasterPidFile> file = PostmasterPidFile.read(settings.dataDir());
        if (file.isEmpty()) {
            return OptionalLong.empty();
        }
        PostmasterPidFile f = file.get();
        boolean alive = ProcessSnapshot.of(f.pid()).map(p -> p.isPostmasterOf(f)).orElse(false);
        return alive ? OptionalLong.of(f.pid()) : OptionalLong.empty();
    }

    boolean isRunning() {
        return postmasterPid().isPresent();
    }

    void requireInitialized(String what) {
        if (!isInitialized()) {
            throw new PostgresException("cannot " + what + " PostgreSQL " + settings.nodeName() + ": "
                    + settings.dataDir() + " is not a data directory (no PG_VERSION); create it with initPrimary"
                    + " or baseBackupFrom");
        }
    }

    void requireStopped(String what) {
        OptionalLong pid = postmasterPid();
        if (pid.isPresent()) {
            throw new PostgresException("cannot " + what + " while PostgreSQL " + settings.nodeName()
                    + " runs (pid " + pid.getAsLong() + " on " + settings.address() + "); stop it first");
        }
    }
}
