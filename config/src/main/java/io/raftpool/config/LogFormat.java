package io.raftpool.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How agents and proxies write their log lines (option {@code --log-format}): {@code text}, one
 * readable line per entry, or {@code json}, one JSON object per line (keys in docs/metrics.md).
 */
public enum LogFormat {
    TEXT,
    JSON;

    /** The name as written on the command line and in the logback configuration. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads a command-line value; an unknown one is refused naming the allowed values. */
    public static LogFormat parse(String text) {
        for (LogFormat f : values()) {
            if (f.label().equals(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a log format; allowed: "
                + Arrays.stream(values()).map(LogFormat::label).collect(Collectors.joining(", ")));
    }
}
