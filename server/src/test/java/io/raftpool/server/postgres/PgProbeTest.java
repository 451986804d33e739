package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The probe's hard deadline, against real sockets that misbehave. */
class PgProbeTest {

    /** Accepts connections and never says a word, like a server stuck in a long pause. */
    private static final class SilentServer implements AutoCloseable {
        final ServerSocket socket;
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        final Thread acceptor;

        SilentServer() throws IOException {
            socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(socket.accept());
                    }
                } catch (IOException closed) {
                    // close() ends the loop
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void aServerThatNeverAnswersIsUnreachableAtTheDeadlineNotAtTheDriversWholeSeconds() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            long start = System.nanoTime();

            ProbeResult probe = PgProbe.probe("127.0.0.1", silent.socket.getLocalPort(), "postgres",
                    Optional.empty(), Duration.ofMillis(300));

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(probe.reachable()).isFalse();
            assertThat(probe.error()).contains("timeout after 300ms");
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofMillis(800));
            assertThat(silent.accepted).as("the probe did reach the socket").isNotEmpty();
        }
    }

    @Test
    void connectGivesUpAtTheDeadlineWithTheServerAndUserInTheMessage() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            PgEndpoint endpoint = PgEndpoint.of("127.0.0.1", silent.socket.getLocalPort(), "admin",
                    Optional.of(new Password("hunter2")));
            long start = System.nanoTime();

            assertThatThrownBy(() -> PgProbe.connect(endpoint, Duration.ofMillis(300)))
                    .isInstanceOf(PostgresException.class)
                    .hasMessage("cannot connect to admin@127.0.0.1:" + silent.socket.getLocalPort()
                            + "/postgres: timeout after 300ms");

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(800));
        }
    }

    @Test
    void aClosedPortIsRefusedAtOnce() throws IOException {
        int port = TestPostgres.freePort();
        long start = System.nanoTime();

        ProbeResult probe = PgProbe.probe("127.0.0.1", port, "postgres", Optional.empty(), Duration.ofSeconds(2));

        assertThat(probe.reachable()).isFalse();
        assertThat(probe.error()).contains("connection refused");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
}
