package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CopyProgressTest {

    @Test
    void pgBasebackupProgressLinesAreRead() {
        assertThat(CopyProgress.parse("30458/30458 kB (100%), 1/1 tablespace"))
                .contains(new CopyProgress(30458, 30458, 100));
        assertThat(CopyProgress.parse("    0/22942 kB (0%), 0/1 tablespace (...ata/base/1/2608)"))
                .contains(new CopyProgress(0, 22942, 0));
    }

    @Test
    void pgRewindProgressLinesAreRead() {
        assertThat(CopyProgress.parse("12/40 kB (30%) copied")).contains(new CopyProgress(12, 40, 30));
    }

    @Test
    void otherLinesAreNotProgress() {
        assertThat(CopyProgress.parse("pg_basebackup: error: connection to server failed")).isEmpty();
        assertThat(CopyProgress.parse("servers diverged at WAL location 0/3000060 on timeline 1")).isEmpty();
    }
}
