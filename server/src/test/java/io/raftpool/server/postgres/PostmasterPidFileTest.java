package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostmasterPidFileTest {

    @Test
    void aCompleteFileGivesPidStartTimePortAndStatus() {
        List<String> lines = List.of("4242", "/var/lib/pg/data", "1732580000", "5433", "", "127.0.0.1",
                "  1234567     32768", "ready   ");

        assertThat(PostmasterPidFile.parse(lines))
                .contains(new PostmasterPidFile(4242, 1732580000L, 5433, Optional.of("ready")));
    }

    @Test
    void aFileStillBeingWrittenIsNotRead() {
        assertThat(PostmasterPidFile.parse(List.of("4242", "/var/lib/pg/data"))).isEmpty();
        assertThat(PostmasterPidFile.parse(List.of("42x", "/d", "1", "5432"))).isEmpty();
        assertThat(PostmasterPidFile.parse(List.of("4242", "/d", "1732580000", "5433")))
                .hasValueSatisfying(f -> assertThat(f.status()).isEmpty());
    }
}
