package io.raftpool.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Cluster-wide postgres settings (the top-level {@code postgres} section) that every node's postgres section inherits. */
record PostgresDefaults(Path binDir, String osUser, String superuser, SecretRef superuserPassword,
                        Map<String, String> parameters, List<String> hba) {

    static PostgresDefaults read(YamlSection s) {
        PostgresDefaults d = new PostgresDefaults(
                s.string("bin_dir").map(Path::of).orElseGet(PostgresDefaults::defaultBinDir),
                s.string("os_user", "postgres"),
                s.string("superuser", "postgres"),
                s.secret("superuser_password"),
                s.stringMap("parameters"),
                s.stringList("hba"));
        s.finish();
        return d;
    }

    /** $PG_BIN, else the newest /usr/lib/postgresql/N/bin, else Debian's PostgreSQL 15 path. */
    static Path defaultBinDir() {
        String env = System.getenv("PG_BIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                Optional<Path> newest = versions
                        .filter(p -> p.getFileName().toString().matches("\\d+"))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            } catch (IOException ignored) {
                // fall through to the documented default
            }
        }
        return Path.of("/usr/lib/postgresql/15/bin");
    }
}
