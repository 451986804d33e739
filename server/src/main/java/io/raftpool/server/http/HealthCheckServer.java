package io.raftpool.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's health-check port (nodes[].health_port): GET and HEAD of the paths
 * {@link HealthChecks} knows, answered with its status and a small JSON body. No
 * authentication, as Patroni's: a check tells only this node's role.
 */
public final class HealthCheckServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthCheckServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private HealthCheckServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Serves on host:port; {@code facts} is read once per request. Throws, naming the key, when the port is taken. */
    public static HealthCheckServer start(String host, int port, int nodeId, String name,
                                          Supplier<HealthChecks.Facts> facts) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve health checks on " + host + ":" + port + ": " + e.getMessage()
                    + "; free that port or change nodes[" + nodeId + "].health_port", e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "raftpool-health-checks");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, nodeId, name, facts));
        server.start();
        LOG.info("agent {} serves health checks on http://{}:{}/primary, /replica, /read-only, /health, /liveness",
                nodeId, host, server.getAddress().getPort());
        return new HealthCheckServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange, int nodeId, String name, Supplier<HealthChecks.Facts> facts)
            throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            HealthChecks.Answer answer;
            if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS")) {
                answer = new HealthChecks.Answer(405, "unknown", "method " + method + " is not allowed; use GET");
            } else {
                HealthChecks.Facts f = facts.get();
                answer = HealthChecks.answer(exchange.getRequestURI().getPath(),
                        query(exchange.getRequestURI().getRawQuery()), f);
            }
            byte[] body = json(answer, nodeId, name).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(answer.status(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("health check {} failed: {}", exchange.getRequestURI(), e.toString());
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(key, value);
        }
        return q;
    }

    static String json(HealthChecks.Answer a, int nodeId, String name) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("check", a.check()).put("ok", a.ok())
                .put("node_id", nodeId).put("name", name).put("reason", a.reason());
        return o.toString() + "\n";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
