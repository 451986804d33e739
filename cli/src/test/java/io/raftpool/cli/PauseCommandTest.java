package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class PauseCommandTest {
    private final PauseCommand.DurationConverter converter = new PauseCommand.DurationConverter();

    @Test
    void aDurationIsAWholeNumberWithAUnit() {
        assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(converter.convert("7d")).isEqualTo(Duration.ofDays(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "3x", "1.5h", "-1m", ""})
    void anythingElseIsRefusedWithTheFormToUse(String text) {
        assertThatThrownBy(() -> converter.convert(text)).isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + text + "' is not a duration; write a whole number with a unit (s, m, h, d), e.g. 30m or 2h");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "8d", "169h"})
    void aPauseEndsWithinAWeek(String text) {
        assertThatThrownBy(() -> converter.convert(text)).isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + text + "' is out of range; allowed: 1s to 7d");
    }

    @Test
    void whoPausedIsUserAtHost() {
        assertThat(PauseCommand.who()).contains("@").hasSizeLessThanOrEqualTo(100);
    }
}
