package io.raftpool.server.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a plain file standing in for /dev/watchdog: never the real device in a test (it resets the host). */
class WatchdogDeviceTest {
    @TempDir
    Path dir;

    @Test
    void eachKickWritesAndAReleaseEndsWithTheMagicClose() throws Exception {
        Path fake = dir.resolve("watchdog");
        Files.createFile(fake);
        WatchdogDevice device = new WatchdogDevice(fake);

        device.kick();
        device.kick();
        assertThat(device.open()).isTrue();
        device.close();

        assertThat(Files.readString(fake)).isEqualTo("..V");
        assertThat(device.open()).isFalse();
        device.close();
        assertThat(Files.readString(fake)).as("a second release writes nothing").isEqualTo("..V");
    }
}
