package io.raftpool.config;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The command line every node process (agent, proxy) takes:
 * {@code --config FILE --node-id N [--log-format text|json]}. Also names the process for the
 * log lines and sets the log level and format before anything logs.
 */
public record NodeProcessArgs(Path config, int nodeId, LogFormat logFormat) {
    private static final String USAGE = " --config FILE --node-id N [--log-format text|json]";

    /** Parses the arguments; on a problem prints it with the usage and exits with code 2. */
    public static NodeProcessArgs parseOrExit(String program, String[] args) {
        Path config = null;
        Integer nodeId = null;
        LogFormat format = LogFormat.TEXT;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--config") || a.equals("--node-id") || a.equals("--log-format")) && i + 1 >= args.length) {
                exit(program, a + " needs a value");
            }
            switch (a) {
                case "--config" -> config = Path.of(args[++i]);
                case "--node-id" -> {
                    String v = args[++i];
                    try {
                        nodeId = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        exit(program, "--node-id '" + v + "' is not a whole number");
                    }
                }
                case "--log-format" -> {
                    try {
                        format = LogFormat.parse(args[++i]);
                    } catch (IllegalArgumentException e) {
                        exit(program, "--log-format " + e.getMessage());
                    }
                }
                default -> exit(program, "unknown argument '" + a + "'");
            }
        }
        if (config == null || nodeId == null) {
            exit(program, "both --config and --node-id are required");
        }
        return new NodeProcessArgs(config, nodeId, format);
    }

    /**
     * Log lines say which process and node wrote them, in the chosen format; node processes log
     * at INFO unless {@code raftpool.log.level} says otherwise. Logback reads these properties
     * (config/src/main/resources/logback.xml); it is configured again here in case something
     * logged before, so the settings always apply.
     *
     * @param process the process as the text format names it, e.g. {@code agent 0}
     */
    public static void setUpLogging(String process, int nodeId, LogFormat format) {
        System.setProperty("raftpool.process", process);
        System.setProperty("raftpool.node", Integer.toString(nodeId));
        System.setProperty("raftpool.log.format", format.label());
        if (System.getProperty("raftpool.log.level") == null) {
            System.setProperty("raftpool.log.level", "INFO");
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                System.err.println(process + ": the logging configuration (logback.xml) is invalid: " + e.getMessage());
            }
        }
    }

    private static void exit(String program, String problem) {
        System.err.println(program + ": " + problem + "\nusage: " + program + USAGE);
        System.exit(2);
    }
}
