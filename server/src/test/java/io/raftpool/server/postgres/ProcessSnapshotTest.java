package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessSnapshotTest {
    private static final long STARTED = 1_732_580_000L;
    private static final PostmasterPidFile FILE = new PostmasterPidFile(4242, STARTED, 5432, Optional.of("ready"));

    private static ProcessSnapshot process(char state, String exe, long startSecond) {
        return new ProcessSnapshot(state, exe, Optional.of(Instant.ofEpochSecond(startSecond, 250_000_000)));
    }

    @Test
    void aLivePostgresStartedWhenTheFileSaysIsThePostmaster() {
        assertThat(process('S', "postgres", STARTED).isPostmasterOf(FILE)).isTrue();
        assertThat(process('R', "postmaster", STARTED - 1).isPostmasterOf(FILE)).isTrue();
    }

    @Test
    void aZombieIsNotRunning() {
        // nothing reaps an orphaned postmaster on some machines: its pid stays, dead
        assertThat(process('Z', "postgres", STARTED).isPostmasterOf(FILE)).isFalse();
    }

    @Test
    void aReusedPidIsSeenThrough() {
        assertThat(process('S', "sleep", STARTED).isPostmasterOf(FILE)).as("another program").isFalse();
        assertThat(process('S', "postgres", STARTED + 3600).isPostmasterOf(FILE)).as("another postgres, later")
                .isFalse();
    }

    @Test
    void thisJvmIsReadFromTheProcessTable() {
        ProcessSnapshot self = ProcessSnapshot.of(ProcessHandle.current().pid()).orElseThrow();

        assertThat(self.state()).isIn('R', 'S');
        assertThat(self.executable()).isEqualTo("java");
        assertThat(self.startTime()).isPresent();
        assertThat(ProcessSnapshot.of(Long.MAX_VALUE / 2)).isEmpty();
    }
}
