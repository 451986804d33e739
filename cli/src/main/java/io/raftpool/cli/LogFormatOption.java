package io.raftpool.cli;

import io.raftpool.config.LogFormat;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --log-format text|json} of the commands that run a node process (agent, proxy). */
final class LogFormatOption {
    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text", converter = Converter.class,
            description = "text (default): one readable line per entry; json: one JSON object per line")
    LogFormat format;

    static final class Converter implements CommandLine.ITypeConverter<LogFormat> {
        @Override
        public LogFormat convert(String value) {
            try {
                return LogFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
