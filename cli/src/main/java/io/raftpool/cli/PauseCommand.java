package io.raftpool.cli;

import io.raftpool.proto.PauseRequest;
import java.net.InetAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code raftpool pause [--for 30m] [--reason TEXT]}: maintenance mode, like {@code patronictl
 * pause}. No automatic failover, auto_rejoin or start of a stopped server until {@code raftpool
 * resume} (or the end given with {@code --for}); health checks, manual commands and routing go
 * on, and so does fencing.
 */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = "Maintenance mode: no automatic failover, auto_rejoin or start of a stopped server until"
                + " raftpool resume (or --for has passed). Fencing, health checks, manual commands and routing go on.")
final class PauseCommand extends ClusterCommand {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(s|m|h|d)");

    @Option(names = "--for", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "resume by itself after this long: a whole number with a unit (s, m, h, d), e.g. 30m;"
                    + " at most 7d (default: until raftpool resume)")
    Duration duration = Duration.ZERO;

    @Option(names = "--reason", paramLabel = "TEXT", description = "why, one line (shown by status and events)")
    String reason = "";

    @Option(names = "--json", description = "print the reply as JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        return send("pause", client -> client.pause(PauseRequest.newBuilder().setDurationMs(duration.toMillis())
                .setReason(reason).setBy(who()).build()), json);
    }

    /** user@host of whoever runs the command, for the event history. */
    static String who() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        String who = System.getProperty("user.name", "unknown") + "@" + host;
        return who.length() > 100 ? who.substring(0, 100) : who;
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Matcher m = DURATION.matcher(text.trim());
            if (!m.matches()) {
                throw new TypeConversionException("'" + text + "' is not a duration; write a whole number with a unit"
                        + " (s, m, h, d), e.g. 30m or 2h");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (d.isZero() || d.compareTo(Duration.ofDays(7)) > 0) {
                throw new TypeConversionException("'" + text + "' is out of range; allowed: 1s to 7d");
            }
            return d;
        }
    }
}
