package io.raftpool.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftpool.chaos.nemesis.NemesisSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosOptionsTest {
    private static final ChaosOptions DEFAULTS = ChaosOptions.defaults("set", "kill-primary", Duration.ofSeconds(120), 42,
            Path.of("/tmp/x"));

    @Test
    void theCommandLineRepeatsTheRun() {
        assertThat(DEFAULTS.withSetting("failover", "auto_rejoin", true).commandLine()).isEqualTo(
                "raftpool chaos run --nodes 3 --workload set --nemesis kill-primary --time-limit 120 --seed 42"
                        + " --concurrency 4 --rate 100 --fault-duration 10 --fault-interval 10 --warmup 5"
                        + " --set failover.auto_rejoin=true");
        assertThat(DEFAULTS.schedule()).isEqualTo(DEFAULTS.schedule());
        assertThat(DEFAULTS.schedule().faults()).hasSize(5);
    }

    @Test
    void badValuesAreRefusedNamingTheOptionTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> new ChaosOptions(2, "sets", NemesisSpec.parse("none"), Duration.ofSeconds(1), 1,
                Path.of("x"), 0, 0, Duration.ofMillis(10), Duration.ofSeconds(-1), Duration.ZERO, Duration.ZERO,
                Map.of(), List.of(), false, false, true))
                .hasMessageContaining("--nodes: 2 is not allowed; 3 to 9")
                .hasMessageContaining("--workload: 'sets' is not a workload; allowed: set, bank, single-primary")
                .hasMessageContaining("--time-limit: 1 s is not allowed")
                .hasMessageContaining("--concurrency: 0 is not allowed")
                .hasMessageContaining("--rate: 0.0 is not allowed")
                .hasMessageContaining("--fault-duration: 10 ms")
                .hasMessageContaining("--recovery-timeout");
    }

    @Test
    void syncReplicationComesFromTheClusterSettings() {
        assertThat(DEFAULTS.syncReplication()).isFalse();
        assertThat(DEFAULTS.withSetting("replication", "mode", "sync").syncReplication()).isTrue();
    }
}
