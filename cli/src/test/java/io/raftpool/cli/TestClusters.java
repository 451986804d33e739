package io.raftpool.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test-only: cluster config files whose agents are on loopback ports the test chooses. */
final class TestClusters {
    private static final List<Socket> HELD = new CopyOnWriteArrayList<>();

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

    /** A loopback port free now, for a server the test starts on it at once. */
    static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A loopback port where connections are refused for the rest of this test JVM: a socket is
     * bound to it and never listens, so no other process (a parallel build's agent, a later
     * call here) can be handed the same port, as could happen to a port bound and released.
     */
    static int deadPort() {
        try {
            Socket held = new Socket();
            held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            HELD.add(held);
            return held.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
