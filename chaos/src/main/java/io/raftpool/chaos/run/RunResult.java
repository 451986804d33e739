package io.raftpool.chaos.run;

import io.raftpool.chaos.report.ReportData;
import java.nio.file.Path;
import java.util.Optional;

/** How a run ended: its report data (verdict, healing, history) and where its files are. */
public record RunResult(Path dir, ReportData report, Optional<String> error) {
    public boolean valid() {
        return report.verdict().valid();
    }

    public boolean healed() {
        return report.healing().healed();
    }

    public String result() {
        return report.result();
    }
}
