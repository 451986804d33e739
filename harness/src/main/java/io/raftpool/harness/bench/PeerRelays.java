package io.raftpool.harness.bench;

import io.raftpool.harness.FreePorts;
import io.raftpool.server.postgres.OsCommand;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The relays raftpool's proxy is measured against, started on this machine in front of one
 * PostgreSQL server: pgbouncer in session mode (one pooled server connection per client, as
 * raftpool's proxy) and haproxy in tcp mode, both from Debian's packages, each as the
 * PostgreSQL os user. Stopped, by pid, on close.
 */
final class PeerRelays implements AutoCloseable {

    /** One running relay: where clients connect, and its pid for CPU and memory readings. */
    record Relay(String name, int port, long pid) {}

    private final List<Process> processes = new ArrayList<>();
    private final List<Relay> relays = new ArrayList<>();

    private PeerRelays() {}

    /**
     * Starts both relays in front of 127.0.0.1:{@code serverPort}, sized for {@code maxClients}
     * sessions at once. Throws, naming the package to install, when a program is missing.
     */
    static PeerRelays start(int serverPort, int maxClients, String osUser, Path dir) throws IOException {
        Path pgbouncer = program("pgbouncer");
        Path haproxy = program("haproxy");
        OsCommand os = OsCommand.forUser(osUser);
        os.ensureDirectory(dir, "rwx------");
        List<Integer> ports = FreePorts.take(2);
        PeerRelays peers = new PeerRelays();
        try {
            os.writeFile(dir.resolve("users.txt"), "\"postgres\" \"\"\n", "rw-------");
            os.writeFile(dir.resolve("pgbouncer.ini"), String.join("\n",
                    "[databases]",
                    "* = host=127.0.0.1 port=" + serverPort,
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + ports.get(0),
                    "unix_socket_dir =",
                    "auth_type = trust", // the server itself trusts loopback clients in these clusters
                    "auth_file = " + dir.resolve("users.txt"),
                    "pool_mode = session",
                    "max_client_conn = " + (maxClients + 100),
                    "default_pool_size = " + (maxClients + 100),
                    "ignore_startup_parameters = extra_float_digits",
                    "logfile = " + dir.resolve("pgbouncer.log"),
                    ""), "rw-------");
            peers.launch(new Relay("pgbouncer", ports.get(0), 0), os, dir, maxClients,
                    List.of(pgbouncer.toString(), dir.resolve("pgbouncer.ini").toString()));
            os.writeFile(dir.resolve("haproxy.cfg"), String.join("\n",
                    "global",
                    "  nbthread 1",
                    "  maxconn " + (maxClients + 100),
                    "defaults",
                    "  mode tcp",
                    "  timeout connect 5s",
                    "  timeout client 1h",
                    "  timeout server 1h",
                    "listen postgres",
                    "  bind 127.0.0.1:" + ports.get(1),
                    "  server primary 127.0.0.1:" + serverPort,
                    ""), "rw-------");
            peers.launch(new Relay("haproxy", ports.get(1), 0), os, dir, maxClients,
                    List.of(haproxy.toString(), "-db", "-f", dir.resolve("haproxy.cfg").toString()));
            return peers;
        } catch (IOException | RuntimeException e) {
            peers.close();
            throw e;
        }
    }

    List<Relay> relays() {
        return List.copyOf(relays);
    }

    private void launch(Relay relay, OsCommand os, Path dir, int maxClients, List<String> command)
            throws IOException {
        Path log = dir.resolve(relay.name() + ".out");
        // a relay with 1,000 sessions holds 2,000 sockets: raise the open-file limit before dropping to the os user
        List<String> argv = new ArrayList<>(List.of("prlimit", "--nofile=" + (2 * maxClients + 1000), "--"));
        argv.addAll(os.argv(command));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.add(p);
        awaitListening(relay, p, log);
        // prlimit and setpriv exec the relay, so the process started is the relay itself
        relays.add(new Relay(relay.name(), relay.port(), p.pid()));
    }

    private static void awaitListening(Relay relay, Process p, Path log) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(relay.name() + " exited with " + p.exitValue() + " at start:\n"
                        + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", relay.port()), 200);
                return;
            } catch (IOException notYet) {
                // not listening yet: poll again
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + relay.name() + " started", e);
            }
        }
        throw new IllegalStateException(relay.name() + " did not listen on port " + relay.port() + " within 20 s:\n"
                + Files.readString(log));
    }

    private static Path program(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException(name + " is not installed; install it with: apt-get install -y " + name
                + " (bench/run.sh proxy-peers does that when run as root)");
    }

    static Optional<Relay> find(List<Relay> relays, String name) {
        return relays.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
