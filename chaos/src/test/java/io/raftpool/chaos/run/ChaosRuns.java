package io.raftpool.chaos.run;

import io.raftpool.chaos.checker.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Helpers of the chaos system tests. */
final class ChaosRuns {
    private ChaosRuns() {}

    /** target/chaos-runs/NAME-TIME: kept after the test, for its report and logs. */
    static Path freshDir(String name) {
        Path dir = Path.of("target", "chaos-runs", name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
                .toAbsolutePath();
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The verdict of one checker of a run. */
    static Verdict part(RunResult r, String checker) {
        return r.report().verdict().parts().stream().filter(p -> p.checker().equals(checker)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + checker + " checker in " + r.report().verdict().parts()));
    }
}
