package io.raftpool.server.postgres;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How far a pg_basebackup or pg_rewind copy has come, as they report it with --progress. */
public record CopyProgress(long doneKb, long totalKb, int percent) {
    // "30458/30458 kB (100%), 1/1 tablespace" (pg_basebackup), "12/40 kB (30%) copied" (pg_rewind)
    private static final Pattern LINE = Pattern.compile("(\\d+)/(\\d+) kB \\((\\d+)%\\)");

    /** "45% (90 of 200 MB)", as recoveries and backups show it. */
    public String text() {
        if (totalKb == 0) {
            return percent + "%";
        }
        return percent + "% (" + doneKb / 1024 + " of " + totalKb / 1024 + " MB)";
    }

    public static Optional<CopyProgress> parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new CopyProgress(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Integer.parseInt(m.group(3))));
    }
}
