package io.raftpool.server.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.config.WatchdogSettings;
import io.raftpool.config.WatchdogSettings.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DeviceCheckTest {
    private static final Duration FENCE = Duration.ofMillis(1500);

    static WatchdogSettings mode(Mode m) {
        return new WatchdogSettings(m, Path.of("/dev/watchdog"), Duration.ofSeconds(30));
    }

    @Test
    void offNeverLooks() {
        assertThat(DeviceCheck.decide(mode(Mode.OFF), true, OptionalLong.of(1), FENCE)).isInstanceOf(DeviceCheck.Off.class);
    }

    @Test
    void requiredWithoutTheDeviceRefusesNamingTheDeviceAndTheModule() {
        DeviceCheck.Result r = DeviceCheck.decide(mode(Mode.REQUIRED), false, OptionalLong.empty(), FENCE);

        assertThat(r).isInstanceOfSatisfying(DeviceCheck.Refuse.class, refuse -> assertThat(refuse.message())
                .contains("watchdog.mode is required").contains("/dev/watchdog").contains("modprobe softdog"));
    }

    @Test
    void automaticWithoutTheDeviceGoesOnWithoutIt() {
        assertThat(DeviceCheck.decide(mode(Mode.AUTOMATIC), false, OptionalLong.empty(), FENCE))
                .isInstanceOfSatisfying(DeviceCheck.Off.class, off -> assertThat(off.why()).contains("automatic"));
    }

    @Test
    void aDeviceWhoseTimeoutOutlastsTheFenceTimeoutWouldResetTooLate() {
        assertThat(DeviceCheck.decide(mode(Mode.REQUIRED), true, OptionalLong.of(60), FENCE))
                .isInstanceOfSatisfying(DeviceCheck.Refuse.class, r -> assertThat(r.message()).contains("60 s"));
        assertThat(DeviceCheck.decide(mode(Mode.REQUIRED), true, OptionalLong.empty(), FENCE))
                .isInstanceOf(DeviceCheck.Refuse.class);
    }

    @Test
    void aFastEnoughDeviceIsUsed() {
        assertThat(DeviceCheck.decide(mode(Mode.AUTOMATIC), true, OptionalLong.of(1), FENCE))
                .isEqualTo(new DeviceCheck.Use(1000));
    }
}
