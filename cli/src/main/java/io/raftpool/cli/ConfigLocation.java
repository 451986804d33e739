package io.raftpool.cli;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigException;
import io.raftpool.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Which config file a command uses: --config, else $RAFTPOOL_CONFIG, else ./raftpool.yaml. */
public record ConfigLocation(Path path, String origin) {
    public static final String ENV = "RAFTPOOL_CONFIG";
    public static final String DEFAULT_FILE = "raftpool.yaml";

    /** {@code option} is the --config value, or null when it was not given. */
    public static ConfigLocation resolve(String option, Map<String, String> env, Path workingDir) {
        if (option != null) {
            return new ConfigLocation(workingDir.resolve(option), "given with --config");
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new ConfigLocation(workingDir.resolve(fromEnv), "from $" + ENV);
        }
        return new ConfigLocation(workingDir.resolve(DEFAULT_FILE),
                "the default, as neither --config nor $" + ENV + " is set");
    }

    /** Loads and validates the file; a {@link ConfigException} says what is wrong. */
    public ClusterConfig load() {
        if (!Files.exists(path)) {
            throw new ConfigException("config file " + path + " (" + origin + ") does not exist;"
                    + " give the cluster's config file with --config FILE or in $" + ENV);
        }
        return ConfigLoader.load(path);
    }
}
