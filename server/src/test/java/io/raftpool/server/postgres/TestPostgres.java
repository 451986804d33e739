package io.raftpool.server.postgres;

import io.raftpool.config.SecretRef;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Real PostgreSQL servers for tests: a private directory under /tmp, free loopback ports,
 * password files, and a close() that stops every server it made and deletes everything, even
 * after a failure. Binaries come from $PG_BIN, else Debian's PostgreSQL 15.
 */
final class TestPostgres implements AutoCloseable {
    static final Path BIN_DIR = Path.of(Optional.ofNullable(System.getenv("PG_BIN")).orElse("/usr/lib/postgresql/15/bin"));
    static final String SUPERUSER_PASSWORD = "su per'secret\\";
    static final String REPLICATION_PASSWORD = "repl 'se\\cret";
    /** Small servers: the test machine has two cores and runs several at once. */
    static final Map<String, String> SMALL = Map.of("shared_buffers", "16MB", "max_connections", "30",
            "fsync", "off");

    final Path root;
    private final List<PostgresServer> servers = new ArrayList<>();

    TestPostgres() throws IOException {
        root = Files.createTempDirectory(Path.of("/tmp"), "raftpool-pg-test-");
        // postgres (not root) must traverse it to reach the data directories inside
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The user PostgreSQL runs as: postgres when tests run as root, else the test's own user. */
    static String osUser() {
        return OsUser.jvmIsRoot() ? "postgres" : System.getProperty("user.name");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    ServerSettings settings(String nodeName) throws IOException {
        return new ServerSettings(nodeName, "127.0.0.1", freePort(), root.resolve(nodeName).resolve("data"), BIN_DIR,
                root.resolve(nodeName).resolve("data.log"), osUser(), "postgres",
                Optional.of(new Password(SUPERUSER_PASSWORD)), "replicator",
                Optional.of(new Password(REPLICATION_PASSWORD)), SMALL, List.of());
    }

    /** A server of this node, its directory's parent made and traversable; closed with this. */
    PostgresServer server(ServerSettings settings) throws IOException {
        Path parent = settings.dataDir().getParent();
        Files.createDirectories(parent);
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        PostgresServer server = new PostgresServer(settings);
        servers.add(server);
        return server;
    }

    PostgresServer server(String nodeName) throws IOException {
        return server(settings(nodeName));
    }

    /** A secret file only its owner reads, as the config module demands. */
    SecretRef secretFile(String name, String secret) throws IOException {
        Path file = root.resolve(name);
        Files.writeString(file, secret + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return SecretRef.file(file);
    }

    @Override
    public void close() throws IOException {
        for (PostgresServer server : servers) {
            try {
                server.stop(StopMode.IMMEDIATE, Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                try {
                    server.kill();
                } catch (RuntimeException ignored) {
                    // deleting the directory below is all that is left to do
                }
            }
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
