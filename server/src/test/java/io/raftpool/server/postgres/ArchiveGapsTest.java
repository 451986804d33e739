package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which segments a promoted standby archives for the old primary: whole ones of the old timeline, missing there. */
class ArchiveGapsTest {
    private static final long SEGMENT = 16L * 1024 * 1024;

    private static void segment(Path dir, String name) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(name).toFile(), "rw")) {
            f.setLength(SEGMENT); // sparse: the size is what counts
        }
    }

    @Test
    void onlyWholeSegmentsOfTheOldTimelineThatTheArchiveLacks(@TempDir Path tmp) throws Exception {
        Path wal = Files.createDirectory(tmp.resolve("pg_wal"));
        Path archive = Files.createDirectory(tmp.resolve("archive"));
        Files.writeString(wal.resolve("00000002.history"), "1\t0/3000148\tno recovery target specified\n");
        for (String name : new String[] {"000000010000000000000001", "000000010000000000000002",
                "000000010000000000000003", "000000010000000000000009", "000000020000000000000003"}) {
            segment(wal, name);
        }
        Files.writeString(wal.resolve("000000010000000000000003.partial"), "");
        segment(archive, "000000010000000000000001");

        // 1: archived already; 3: the timeline ends inside it (the .partial is PostgreSQL's to archive);
        // 9: a recycled file under a future name; timeline 2: the new primary's own archiver's
        assertThat(ArchiveGaps.missing(wal, n -> Files.exists(archive.resolve(n)), 2)).containsExactly("000000010000000000000002");
    }

    @Test
    void theHistoryGivesEachEarlierTimelinesEnd(@TempDir Path tmp) throws Exception {
        Path history = Files.writeString(tmp.resolve("00000003.history"),
                "1\t0/3000148\tno recovery target specified\n\n2\t1/A0000000\tno recovery target specified\n");
        assertThat(ArchiveGaps.timelineEnds(history)).containsEntry(1, 0x3000148L).containsEntry(2, 0x1A0000000L)
                .hasSize(2);
    }
}
