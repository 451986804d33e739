package io.raftpool.server.console;

import io.raftpool.api.view.EventRows;
import io.raftpool.api.view.PoolNodesRows;
import io.raftpool.api.view.WatchdogRows;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.WatchdogInfo;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only console in PostgreSQL's protocol, like pgpool's {@code psql -p 9999 -c "show
 * pool_nodes"}: one thread per session (at most {@value #MAX_SESSIONS}), the v3 startup (TLS when
 * the agent has it), a token as the password when authentication is on, and simple queries
 * for the shows of {@link ConsoleQuery}. Extended-protocol queries and anything else are refused
 * with an ErrorResponse.
 */
public final class AdminConsole implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminConsole.class);
    static final int MAX_SESSIONS = 8;
    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    private static final int PROTOCOL_3 = 196608;
    private static final int MAX_STARTUP_BYTES = 10_000;
    private static final int MAX_MESSAGE_BYTES = 64 * 1024;
    private static final int STARTUP_TIMEOUT_MS = 10_000;
    private static final int IDLE_TIMEOUT_MS = 600_000;
    private static final int EVENTS_SHOWN = 50;
    /** invalid_authorization_specification. */
    private static final String AUTH_SPEC = "28000";
    /** invalid_password. */
    private static final String BAD_PASSWORD = "28P01";
    /** protocol_violation. */
    private static final String PROTOCOL_VIOLATION = "08P01";
    /** too_many_connections. */
    private static final String TOO_MANY = "53300";

    /** What the console shows, read from the agent at each query. */
    public interface Source {
        ClusterState state();

        WatchdogInfo watchdogInfo();
    }

    /**
     * Who may log in: with {@code required} a session must use TLS and give a password that
     * {@code passwordCheck} accepts (a token of any role); the check also counts the outcome.
     */
    public record Login(boolean required, Predicate<String> passwordCheck) {
        public static final Login OPEN = new Login(false, p -> true);
    }

    private final Source source;
    private final Optional<SSLContext> tls;
    private final Login login;
    private final ZoneId zone;
    private final ServerSocket server;
    private final Semaphore sessions = new Semaphore(MAX_SESSIONS);
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "admin-console");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    private AdminConsole(Source source, Optional<SSLContext> tls, Login login, ZoneId zone, ServerSocket server) {
        this.source = source;
        this.tls = tls;
        this.login = login;
        this.zone = zone;
        this.server = server;
    }

    /** Binds {@code host:port} and starts accepting sessions. */
    public static AdminConsole start(String host, int port, Source source, Optional<SSLContext> tls, Login login)
            throws IOException {
        if (login.required() && tls.isEmpty()) {
            throw new IllegalArgumentException("the admin console takes passwords only over TLS: with"
                    + " security.auth on, security.tls must be on too");
        }
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot serve the admin console on " + host + ":" + port + ": " + e.getMessage()
                    + "; free that port or change nodes[].admin_sql_port", e);
        }
        AdminConsole console = new AdminConsole(source, tls, login, ZoneId.systemDefault(), server);
        console.workers.execute(console::acceptLoop);
        LOG.info("admin console on {}:{} ({}{})", host, server.getLocalPort(), tls.isPresent() ? "TLS" : "no TLS",
                login.required() ? ", token as password" : ", no password");
        return console;
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("admin console: accept failed: {}", e.getMessage());
                }
                continue;
            }
            if (!sessions.tryAcquire()) {
                workers.execute(() -> refuseBusy(socket));
                continue;
            }
            workers.execute(() -> {
                try {
                    session(socket);
                } finally {
                    sessions.release();
                }
            });
        }
    }

    private void refuseBusy(Socket socket) {
        try (socket) {
            socket.setSoTimeout(STARTUP_TIMEOUT_MS);
            new PgWireOut(new BufferedOutputStream(socket.getOutputStream())).error("FATAL", TOO_MANY,
                    "the admin console serves " + MAX_SESSIONS + " sessions at a time; try again shortly");
            socket.getOutputStream().flush();
        } catch (IOException ignored) {
            // the client left
        }
    }

    /** One client from startup to Terminate. Every failure ends the session, never the console. */
    private void session(Socket plain) {
        Socket socket = plain;
        try {
            socket.setSoTimeout(STARTUP_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            PgWireOut out = new PgWireOut(new BufferedOutputStream(socket.getOutputStream()));
            boolean encrypted = false;
            int code;
            byte[] startup;
            while (true) {
                int length = in.readInt();
                if (length < 8 || length > MAX_STARTUP_BYTES) {
                    out.error("FATAL", PROTOCOL_VIOLATION, "invalid startup packet length " + length);
                    out.flush();
                    return;
                }
                code = in.readInt();
                startup = in.readNBytes(length - 8);
                if (code == SSL_REQUEST && !encrypted) {
                    out.sslAnswer(tls.isPresent());
                    if (tls.isPresent()) {
                        socket = upgrade(socket);
                        encrypted = true;
                        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                        out = new PgWireOut(new BufferedOutputStream(socket.getOutputStream()));
                    }
                    continue;
                }
                if (code == GSSENC_REQUEST) {
                    out.sslAnswer(false);
                    continue;
                }
                break;
            }
            if (code == CANCEL_REQUEST) {
                return;   // nothing runs long enough to cancel
            }
            if (code != PROTOCOL_3) {
                out.error("FATAL", PROTOCOL_VIOLATION, "unsupported frontend protocol " + (code >>> 16) + "."
                        + (code & 0xffff) + ": the admin console speaks protocol 3.0");
                out.flush();
                return;
            }
            if (!authenticate(in, out, encrypted, user(startup))) {
                return;
            }
            socket.setSoTimeout(IDLE_TIMEOUT_MS);
            out.authenticationOk();
            out.parameterStatus("server_version", "15.0 (raftpool admin console)");
            out.parameterStatus("server_encoding", "UTF8");
            out.parameterStatus("client_encoding", "UTF8");
            out.parameterStatus("DateStyle", "ISO, MDY");
            out.parameterStatus("integer_datetimes", "on");
            out.parameterStatus("standard_conforming_strings", "on");
            out.backendKeyData(ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE),
                    ThreadLocalRandom.current().nextInt());
            out.readyForQuery();
            out.flush();
            queries(in, out);
        } catch (EOFException | SocketException e) {
            LOG.debug("admin console session ended: {}", e.toString());
        } catch (IOException | RuntimeException e) {
            LOG.debug("admin console session failed: {}", e.toString());
        } finally {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private SSLSocket upgrade(Socket socket) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.orElseThrow().getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        ssl.setUseClientMode(false);
        ssl.startHandshake();
        return ssl;
    }

    private boolean authenticate(DataInputStream in, PgWireOut out, boolean encrypted, String user) throws IOException {
        if (!login.required()) {
            return true;
        }
        if (!encrypted) {
            out.error("FATAL", AUTH_SPEC, "the raftpool admin console requires TLS when security.auth is on;"
                    + " connect with sslmode=require (and a token as the password)");
            out.flush();
            return false;
        }
        out.cleartextPasswordRequest();
        out.flush();
        int type = in.read();
        if (type != 'p') {
            if (type >= 0) {
                out.error("FATAL", PROTOCOL_VIOLATION, "expected a password message");
                out.flush();
            }
            return false;
        }
        byte[] body = body(in);
        String password = cstring(body);
        if (!login.passwordCheck().test(password)) {
            LOG.debug("admin console: password of user '{}' matches no token", user);
            out.error("FATAL", BAD_PASSWORD, "password authentication failed for user \"" + user + "\": the"
                    + " admin console takes an API token of security.tokens as the password");
            out.flush();
            return false;
        }
        return true;
    }

    private void queries(DataInputStream in, PgWireOut out) throws IOException {
        boolean skippingToSync = false;
        while (true) {
            int type = in.read();
            if (type < 0) {
                return;
            }
            byte[] body = body(in);
            switch (type) {
                case 'X':
                    return;
                case 'Q':
                    answer(cstring(body), out);
                    out.readyForQuery();
                    break;
                case 'S':
                    if (skippingToSync) {
                        out.readyForQuery();
                        skippingToSync = false;
                    }
                    break;
                case 'P', 'B', 'D', 'E', 'C', 'H', 'F':
                    if (!skippingToSync) {
                        out.error("ERROR", ConsoleQuery.NOT_SUPPORTED, "the raftpool admin console answers simple"
                                + " queries only (" + ConsoleQuery.ALLOWED + "), not the extended protocol");
                        skippingToSync = true;
                    }
                    break;
                default:
                    out.error("FATAL", PROTOCOL_VIOLATION, "unexpected message type '" + (char) type + "'");
                    out.flush();
                    return;
            }
            out.flush();
        }
    }

    private void answer(String sql, PgWireOut out) throws IOException {
        ConsoleQuery q = ConsoleQuery.parse(sql);
        try {
            switch (q.kind()) {
                case POOL_NODES -> out.result(PoolNodesRows.of(source.state(), zone), "SHOW");
                case WATCHDOG_INFO -> out.result(WatchdogRows.of(source.watchdogInfo()), "SHOW");
                case EVENTS -> out.result(EventRows.of(source.state(), EVENTS_SHOWN, zone), "SHOW");
                case PARAMETERS -> out.result(io.raftpool.api.view.ParameterRows.of(source.state()), "SHOW");
                case MAINTENANCE -> out.result(io.raftpool.api.view.MaintenanceRows.of(source.state(), zone), "SHOW");
                case EMPTY -> out.emptyQuery();
                default -> out.error("ERROR", q.refusal().orElseThrow().sqlState(), q.refusal().orElseThrow().message());
            }
        } catch (RuntimeException e) {
            out.error("ERROR", "XX000", "the agent could not answer: " + e.getMessage());
        }
    }

    private static byte[] body(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 4 || length > MAX_MESSAGE_BYTES) {
            throw new IOException("message length " + length + " out of range 4 to " + MAX_MESSAGE_BYTES);
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return body;
    }

    private static String cstring(byte[] body) {
        int end = 0;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        return new String(body, 0, end, StandardCharsets.UTF_8);
    }

    /** The user name of a startup packet (key/value pairs of C strings), for messages only. */
    private static String user(byte[] startup) {
        String[] words = new String(startup, StandardCharsets.UTF_8).split("\0");
        for (int i = 0; i + 1 < words.length; i += 2) {
            if (words[i].equals("user")) {
                return words[i + 1].length() > 63 ? words[i + 1].substring(0, 63) : words[i + 1];
            }
        }
        return "";
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        workers.shutdownNow();
    }
}
