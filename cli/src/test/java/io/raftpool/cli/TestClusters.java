package io.raftpool.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test-only: cluster config files whose agents are on loopback ports the test chooses. */
final class TestClusters {
    private TestClusters() {}

    /**
     * Writes {@code raftpool.yaml} into {@code dir}: pgsql1 (node 0) and pgsql2 (node 1) with
     * PostgreSQL, and a witness (node 2), all on 127.0.0.1, with these admin ports.
     */
    static Path writeConfig(Path dir, int adminPort0, int adminPort1, int adminPort2) {
        // raft and PostgreSQL ports are never connected to by the CLI; they only need to differ
        String yaml = """
                cluster:
                  name: scenario
                admin:
                  call_timeout: 5s
                nodes:
                  - { id: 0, name: pgsql1, host: 127.0.0.1, raft_port: 21000, admin_port: %d,
                      postgres: { port: 21100, data_dir: /tmp/raftpool-cli-test/pgsql1 } }
                  - { id: 1, name: pgsql2, host: 127.0.0.1, raft_port: 21001, admin_port: %d,
                      postgres: { port: 21101, data_dir: /tmp/raftpool-cli-test/pgsql2 } }
                  - { id: 2, name: witness, host: 127.0.0.1, raft_port: 21002, admin_port: %d, witness: true }
                """.formatted(adminPort0, adminPort1, adminPort2);
        Path file = dir.resolve("raftpool.yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A loopback port where nothing listens: the kernel handed it out and it was released. */
    static int deadPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
