package io.raftpool.proxy;

import io.raftpool.server.postgres.OsUser;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.postgres.ProgressListener;
import io.raftpool.server.postgres.ServerSettings;
import io.raftpool.server.postgres.StopMode;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real PostgreSQL servers for the proxy's tests, run by the agent's own {@link PostgresServer}:
 * a primary and streaming standbys under a private /tmp directory, TLS on (a self-signed
 * certificate made with openssl), loopback only. {@link #close()} stops every server and
 * deletes the directory, whatever happened before.
 */
final class TestServers implements AutoCloseable {

    static final Path BIN_DIR = Path.of(Optional.ofNullable(System.getenv("PG_BIN")).orElse("/usr/lib/postgresql/15/bin"));
    private static final Duration STEP = Duration.ofSeconds(60);

    private final Path root;
    private final Path tls;
    private final List<PostgresServer> servers = new ArrayList<>();
    private final List<Path> dataDirs = new ArrayList<>();
    // loaded now: close() must work even if the server jar changes on disk while tests run
    private final StopMode stopMode = StopMode.IMMEDIATE;

    TestServers() throws IOException, InterruptedException {
        root = Files.createTempDirectory(Path.of("/tmp"), "raftpool-proxy-test-");
        // the postgres user must traverse it to reach its data directories and the certificate
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        tls = root.resolve("tls");
        try {
            Files.createDirectory(tls);
            Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rwxr-xr-x"));
            makeCertificate();
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The user PostgreSQL runs as: postgres when tests run as root, else the test's own user. */
    static String osUser() {
        return OsUser.jvmIsRoot() ? "postgres" : System.getProperty("user.name");
    }

    PostgresServer primary(String name) throws IOException {
        PostgresServer server = server(name, true);
        server.initPrimary(STEP);
        return server;
    }

    /** A streaming standby of {@code primary}; {@code tls} false: it declines SSL requests. */
    PostgresServer standbyOf(PostgresServer primary, String name, boolean tls) throws IOException {
        PostgresServer server = server(name, tls);
        server.baseBackupFrom("127.0.0.1", primary.settings().port(), "slot_" + name, ProgressListener.NONE, STEP);
        server.start(STEP);
        return server;
    }

    private PostgresServer server(String name, boolean withTls) throws IOException {
        Path dir = root.resolve(name);
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        ServerSettings settings = new ServerSettings(name, "127.0.0.1", freePort(), dir.resolve("data"), BIN_DIR,
                dir.resolve("data.log"), osUser(), "postgres", Optional.empty(), "replicator", Optional.empty(),
                Map.of("shared_buffers", "16MB", "max_connections", "100", "fsync", "off",
                        "ssl", withTls ? "on" : "off",
                        "ssl_cert_file", tls.resolve("server.crt").toString(),
                        "ssl_key_file", tls.resolve("server.key").toString()),
                List.of());
        dataDirs.add(settings.dataDir());
        PostgresServer server = new PostgresServer(settings);
        servers.add(server);
        return server;
    }

    private void makeCertificate() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-keyout", tls.resolve("server.key").toString(),
                "-out", tls.resolve("server.crt").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("openssl could not make a self-signed certificate in " + tls);
        }
        // PostgreSQL wants its key private to the user it runs as
        Files.setPosixFilePermissions(tls.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
        if (OsUser.jvmIsRoot()) {
            var users = tls.getFileSystem().getUserPrincipalLookupService();
            for (String f : List.of("server.key", "server.crt")) {
                Files.setOwner(tls.resolve(f), users.lookupPrincipalByName(osUser()));
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        for (PostgresServer server : servers) {
            try {
                server.stop(stopMode, Duration.ofSeconds(30));
            } catch (RuntimeException | LinkageError e) {
                // the runner could not stop it: end what we started ourselves, below
            }
        }
        for (Path dataDir : dataDirs) {
            killPostmaster(dataDir);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** SIGKILLs the postmaster named in {@code dataDir}'s postmaster.pid, if it still runs. */
    private static void killPostmaster(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
                    .ifPresent(p -> {
                        p.destroyForcibly();
                        p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> p).join();
                    });
        } catch (IOException | RuntimeException e) {
            // nothing else to try; the directory is removed next
        }
    }
}
