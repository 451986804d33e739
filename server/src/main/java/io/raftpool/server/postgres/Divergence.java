package io.raftpool.server.postgres;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a stopped server's WAL went beyond the point where the current primary's timeline
 * forked from it. When it did not (its last record starts before the switch point), it can
 * simply start as a standby and follow the timeline switch, as any standby does after a
 * promotion: no pg_rewind, and no single-user crash recovery first. Pure: the facts come from
 * pg_waldump on the stopped server and from the primary's timeline history.
 *
 * <p>Why the start of the last record suffices: the promoted server's WAL on the old timeline
 * is a byte-for-byte prefix of the old primary's, ending at the switch point on a record
 * boundary; any record of the old primary that starts before it is in that prefix.
 */
public record Divergence(boolean diverged, String why) {
    private static final Pattern LAST_RECORD = Pattern.compile("error in WAL record at ([0-9A-Fa-f]+/[0-9A-Fa-f]+)");

    /**
     * As below, for a stopped server described by its control file. A standby that crashed on the
     * primary's own timeline holds only WAL it received from that primary, a prefix of the
     * primary's: it follows without a rewind even when pg_waldump cannot find the end of its WAL
     * (a rewind would be wrong there: see {@link PostgresServer#rewindFrom}).
     */
    public static Divergence of(ControlData target, OptionalLong lastRecordStart, int sourceTimeline, long sourceLsn,
                                String history) {
        boolean endUnknown = lastRecordStart.isEmpty()
                || Long.compareUnsigned(lastRecordStart.getAsLong(), target.checkpointLsn()) < 0;
        if (endUnknown && target.crashedInRecovery() && target.timeline() == sourceTimeline
                && Long.compareUnsigned(target.checkpointLsn(), sourceLsn) <= 0) {
            return new Divergence(false, "a standby of the primary's timeline " + sourceTimeline
                    + " that stopped in recovery holds only WAL it received from it");
        }
        return of(target.timeline(), lastRecordStart, target.checkpointLsn(), sourceTimeline, sourceLsn, history);
    }

    /**
     * @param targetTimeline  the stopped server's timeline (its last checkpoint's)
     * @param lastRecordStart where its last valid WAL record starts, if pg_waldump could tell
     * @param checkpointLsn   its last checkpoint's location (the last record is at or after it)
     * @param sourceTimeline  the primary's current timeline
     * @param sourceLsn       the primary's current WAL position
     * @param history         the primary's timeline history file ("tli\tswitchpoint\treason" lines), or empty
     */
    public static Divergence of(int targetTimeline, OptionalLong lastRecordStart, long checkpointLsn, int sourceTimeline,
                                long sourceLsn, String history) {
        if (lastRecordStart.isEmpty() || Long.compareUnsigned(lastRecordStart.getAsLong(), checkpointLsn) < 0) {
            return new Divergence(true, "the end of its WAL is unknown");
        }
        long last = lastRecordStart.getAsLong();
        if (targetTimeline == sourceTimeline) {
            return Long.compareUnsigned(last, sourceLsn) < 0
                    ? new Divergence(false, "same timeline " + targetTimeline + ", its WAL ends before the primary's")
                    : new Divergence(true, "same timeline " + targetTimeline + " but its WAL goes past the primary's "
                            + lsn(sourceLsn));
        }
        Optional<Long> switchPoint = switchPoint(history, targetTimeline);
        if (switchPoint.isEmpty()) {
            return new Divergence(true, "timeline " + targetTimeline + " is not in the history of the primary's timeline "
                    + sourceTimeline);
        }
        return Long.compareUnsigned(last, switchPoint.get()) < 0
                ? new Divergence(false, "its WAL on timeline " + targetTimeline + " ends before the switch point "
                        + lsn(switchPoint.get()))
                : new Divergence(true, "its last WAL record at " + lsn(last) + " is past the switch point "
                        + lsn(switchPoint.get()) + " of timeline " + targetTimeline);
    }

    /** Where {@code timeline} ended, from a timeline history file's text. */
    static Optional<Long> switchPoint(String history, int timeline) {
        for (String line : history.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 2 && !f[0].startsWith("#") && f[0].matches("[0-9]+") && Integer.parseInt(f[0]) == timeline) {
                return Optional.of(ControlData.parseLsn(f[1]));
            }
        }
        return Optional.empty();
    }

    /**
     * The start of the last valid record, from {@code pg_waldump --quiet}'s output: it reads until
     * the first invalid record and reports the last good one ("error in WAL record at X/Y: ...").
     */
    static OptionalLong lastRecordStart(Iterable<String> waldumpOutput) {
        OptionalLong found = OptionalLong.empty();
        for (String line : waldumpOutput) {
            Matcher m = LAST_RECORD.matcher(line);
            if (m.find()) {
                found = OptionalLong.of(ControlData.parseLsn(m.group(1)));
            }
        }
        return found;
    }

    public static String lsn(long lsn) {
        return String.format("%X/%X", lsn >>> 32, lsn & 0xffffffffL);
    }
}
