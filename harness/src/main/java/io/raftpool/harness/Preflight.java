package io.raftpool.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a local cluster needs from this machine, checked before anything starts, with the
 * command that fixes each gap.
 */
public final class Preflight {
    private Preflight() {}

    public static void check() {
        Path bin = pgBin();
        if (!Files.isExecutable(bin.resolve("pg_ctl"))) {
            throw new HarnessException("PostgreSQL binaries not found in " + bin + "; install them with"
                    + " `apt-get install -y postgresql` or point PG_BIN at the directory holding pg_ctl");
        }
        if (isRoot() && !Files.isExecutable(Path.of("/usr/bin/setpriv")) && !Files.isExecutable(Path.of("/bin/setpriv"))) {
            throw new HarnessException("setpriv is missing (needed to run PostgreSQL as the postgres user);"
                    + " install it with `apt-get install -y util-linux`");
        }
    }

    public static Path pgBin() {
        String env = System.getenv("PG_BIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path base = Path.of("/usr/lib/postgresql");
        try (var versions = Files.list(base)) {
            return versions.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .max(java.util.Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                    .map(p -> p.resolve("bin")).orElse(base.resolve("15/bin"));
        } catch (java.io.IOException e) {
            return base.resolve("15/bin");
        }
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
