package io.raftpool.server.watchdog;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The Linux watchdog device: open, it resets the host unless kicked within its timeout; a 'V'
 * written before closing (the magic close) stops it. Kicked only by the watchdog process, and
 * only while its lease allows ({@link WatchdogStep#kickDevice}).
 */
final class WatchdogDevice implements AutoCloseable {
    private final Path path;
    private FileOutputStream out;

    WatchdogDevice(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    boolean open() {
        return out != null;
    }

    void kick() throws IOException {
        if (out == null) {
            out = new FileOutputStream(path.toFile(), true);
        }
        out.write('.');
        out.flush();
    }

    /** The magic close: the device stops counting (unless the driver was loaded with nowayout). */
    @Override
    public void close() {
        if (out == null) {
            return;
        }
        try {
            out.write('V');
            out.flush();
            out.close();
        } catch (IOException e) {
            WatchdogMain.log("could not close " + path + " cleanly: " + e.getMessage());
        }
        out = null;
    }
}
