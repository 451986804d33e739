package io.raftpool.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormatsTest {
    private static final long T = 1_764_119_103_000L; // 2025-11-26T01:05:03Z

    @ParameterizedTest
    @CsvSource({"0, 0/0", "50331744, 0/3000060", "4294967296, 1/0", "81604378625, 13/1"})
    void walPositionsLookLikePostgresPrintsThem(long lsn, String text) {
        assertThat(Formats.lsn(lsn)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"0, ''", "850, 850ms", "1000, 1s", "1250, 1.25s", "1500, 1.5s", "59999, 60s", "185000, 3m05s"})
    void durationsAreShort(long ms, String text) {
        assertThat(Formats.duration(ms)).isEqualTo(text);
    }

    @Test
    void localTimesAreInTheGivenZoneAndNeverIsBlank() {
        assertThat(Formats.localTime(T, ZoneOffset.UTC)).isEqualTo("2025-11-26 01:05:03");
        assertThat(Formats.localTime(T, ZoneId.of("Asia/Tokyo"))).isEqualTo("2025-11-26 10:05:03");
        assertThat(Formats.localTime(0, ZoneOffset.UTC)).isEmpty();
    }

    @Test
    void jsonTimesAreUtcWithMillisecondsAndNeverIsNull() {
        assertThat(Formats.isoTime(T)).isEqualTo("2025-11-26T01:05:03.000Z");
        assertThat(Formats.isoTime(T + 5)).isEqualTo("2025-11-26T01:05:03.005Z");
        assertThat(Formats.isoTime(0)).isNull();
    }
}
