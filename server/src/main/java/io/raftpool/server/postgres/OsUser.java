package io.raftpool.server.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** An operating-system account: its name, its primary group, its uid. */
public record OsUser(String name, String group, int uid) {

    /** The user this JVM runs as, by effective uid. */
    public static OsUser current() {
        return lookup(System.getProperty("user.name"));
    }

    /**
     * Looks a user up with {@code id}, which goes through NSS (LDAP users included), unlike a
     * read of /etc/passwd. Spawns two short processes: call it once, not per action.
     */
    public static OsUser lookup(String name) {
        if (name == null || name.isBlank() || name.startsWith("-")) {
            throw new IllegalArgumentException("'" + name + "' is not a user name");
        }
        String uid = idOutput("-u", name);
        String group = idOutput("-gn", name);
        return new OsUser(name, group, Integer.parseInt(uid));
    }

    public boolean isRoot() {
        return uid == 0;
    }

    /**
     * Whether this JVM runs with effective uid 0. Read from /proc/self/status (no process spawn);
     * where there is no /proc, the JVM's user name decides.
     */
    public static boolean jvmIsRoot() {
        return effectiveUidOfJvm().map(uid -> uid == 0).orElseGet(() -> "root".equals(System.getProperty("user.name")));
    }

    private static Optional<Integer> effectiveUidOfJvm() {
        Path status = Path.of("/proc/self/status");
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    return Optional.of(Integer.parseInt(ids[1]));
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String idOutput(String option, String name) {
        ProcessBuilder pb = new ProcessBuilder(List.of("id", option, name)).redirectErrorStream(true);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new PostgresException("id " + option + " " + name + " did not answer within 10 s");
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new PostgresException("'" + name + "' is not a user on this machine (id says: " + text
                        + "); create it (useradd) or configure the user that runs PostgreSQL here");
            }
            return text;
        } catch (IOException e) {
            throw new PostgresException("cannot run id to look up user '" + name + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostgresException("interrupted while looking up user '" + name + "'", e);
        }
    }
}
