package io.raftpool.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A node's PostgreSQL server, with the cluster-wide postgres defaults already applied. */
public record PostgresConfig(
        int port,
        Path dataDir,
        Path binDir,
        String osUser,
        String superuser,
        SecretRef superuserPassword,
        int priority,
        boolean nofailover,
        Map<String, String> parameters,
        List<String> hba) {

    public PostgresConfig {
        parameters = Map.copyOf(parameters);
        hba = List.copyOf(hba);
    }

    public Path bin(String program) {
        return binDir.resolve(program);
    }
}
