package io.raftpool.config;

import java.nio.file.Path;

/**
 * The command line every node process (agent, proxy) takes: {@code --config FILE --node-id N}.
 * Also names the process for the log lines and sets the log level before anything logs.
 */
public record NodeProcessArgs(Path config, int nodeId) {

    /** Parses the arguments; on a problem prints it with the usage and exits with code 2. */
    public static NodeProcessArgs parseOrExit(String program, String[] args) {
        Path config = null;
        Integer nodeId = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--config") || a.equals("--node-id")) && i + 1 >= args.length) {
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
                default -> exit(program, "unknown argument '" + a + "'");
            }
        }
        if (config == null || nodeId == null) {
            exit(program, "both --config and --node-id are required");
        }
        return new NodeProcessArgs(config, nodeId);
    }

    /** Log lines say which process wrote them; node processes log at INFO unless told otherwise. */
    public static void setUpLogging(String process) {
        System.setProperty("raftpool.process", process);
        if (System.getProperty("raftpool.log.level") == null) {
            System.setProperty("raftpool.log.level", "INFO");
        }
    }

    private static void exit(String program, String problem) {
        System.err.println(program + ": " + problem + "\nusage: " + program + " --config FILE --node-id N");
        System.exit(2);
    }
}
