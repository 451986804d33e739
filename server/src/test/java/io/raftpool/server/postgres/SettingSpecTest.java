package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The specs below are PostgreSQL 15's pg_settings rows, as the server reports them. */
class SettingSpecTest {
    static final SettingSpec WORK_MEM = new SettingSpec("work_mem", "user", "integer", "kB", "64", "2147483647", List.of());
    static final SettingSpec SHARED_BUFFERS = new SettingSpec("shared_buffers", "postmaster", "integer", "8kB", "16",
            "1073741823", List.of());
    static final SettingSpec TIMEOUT = new SettingSpec("statement_timeout", "user", "integer", "ms", "0", "2147483647",
            List.of());
    static final SettingSpec CHECKPOINT = new SettingSpec("checkpoint_completion_target", "sighup", "real", "", "0", "1",
            List.of());
    static final SettingSpec SYNC_COMMIT = new SettingSpec("synchronous_commit", "user", "enum", "", "", "",
            List.of("local", "remote_write", "remote_apply", "on", "off"));
    static final SettingSpec JIT = new SettingSpec("jit", "user", "bool", "", "", "", List.of());
    static final SettingSpec APP_NAME = new SettingSpec("application_name", "user", "string", "", "", "", List.of());

    @ParameterizedTest
    @ValueSource(strings = {"64MB", "4096", "1GB", "64kB", " 2 MB ", "1.5MB"})
    void memoryTakesPostgresUnits(String value) {
        assertThat(WORK_MEM.check(value)).isEmpty();
    }

    @Test
    void aMemoryValueIsComparedInTheSettingsOwnUnit() {
        // 8kB pages: 128kB is 16 pages, the minimum; 120kB rounds to 15
        assertThat(SHARED_BUFFERS.check("128kB")).isEmpty();
        assertThat(SHARED_BUFFERS.check("120kB")).hasValue("shared_buffers: '120kB' is not a valid value; allowed: an"
                + " integer from 16 to 1073741823 8kB (units B, kB, MB, GB, TB; plain numbers are in 8kB)");
        assertThat(SHARED_BUFFERS.check("256MB")).isEmpty();
        assertThat(SHARED_BUFFERS.check("16TB")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"64XB", "lots", "10s", "32", "1.5", "", "-1MB"})
    void aBadMemoryValueNamesWhatIsAllowed(String value) {
        assertThat(WORK_MEM.check(value)).hasValue("work_mem: '" + value + "' is not a valid value; allowed: an integer"
                + " from 64 to 2147483647 kB (units B, kB, MB, GB, TB; plain numbers are in kB)");
    }

    @Test
    void timeTakesPostgresUnitsAndNotMemoryOnes() {
        assertThat(TIMEOUT.check("30s")).isEmpty();
        assertThat(TIMEOUT.check("5min")).isEmpty();
        assertThat(TIMEOUT.check("0")).isEmpty();
        assertThat(TIMEOUT.check("10MB")).hasValueSatisfying(m -> m.contains("units us, ms, s, min, h, d"));
        assertThat(TIMEOUT.check("-5s")).isPresent();
    }

    @Test
    void realsEnumsBoolsAndStrings() {
        assertThat(CHECKPOINT.check("0.9")).isEmpty();
        assertThat(CHECKPOINT.check("1.5")).hasValue("checkpoint_completion_target: '1.5' is not a valid value;"
                + " allowed: a number from 0 to 1");
        assertThat(SYNC_COMMIT.check("REMOTE_APPLY")).isEmpty();
        assertThat(SYNC_COMMIT.check("always")).hasValue("synchronous_commit: 'always' is not a valid value; allowed:"
                + " one of local, remote_write, remote_apply, on, off");
        assertThat(JIT.check("off")).isEmpty();
        assertThat(JIT.check("maybe")).isPresent();
        assertThat(APP_NAME.check("anything at all")).isEmpty();
    }

    @Test
    void contextSaysWhatARestartIsNeededForAndWhatCannotBeSet() {
        assertThat(SHARED_BUFFERS.needsRestart()).isTrue();
        assertThat(WORK_MEM.needsRestart()).isFalse();
        SettingSpec blockSize = new SettingSpec("block_size", "internal", "integer", "", "8192", "8192", List.of());
        assertThat(blockSize.notSettable()).hasValueSatisfying(m -> m.contains("cannot be set"));
        assertThat(WORK_MEM.notSettable()).isEmpty();
    }
}
