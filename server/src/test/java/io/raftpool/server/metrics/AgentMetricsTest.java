package io.raftpool.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.raftpool.config.ApiRole;
import io.raftpool.config.SecretRef;
import io.raftpool.config.SecuritySettings;
import io.raftpool.config.TokenEntry;
import io.raftpool.config.TokenHash;
import io.raftpool.proto.NodeInfo;
import io.raftpool.proto.RaftInfo;
import io.raftpool.server.health.HealthMonitor;
import io.raftpool.server.health.ProbeOutcome;
import io.raftpool.server.security.ApiAccess;
import io.raftpool.testkit.States;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The counters and histograms the agent keeps, and the endpoint that serves them. */
class AgentMetricsTest {
    private final AtomicLong nanos = new AtomicLong();
    private final ApiAccess access = new ApiAccess(new SecuritySettings(true, Optional.empty(), Optional.empty(),
            Optional.empty(), true, List.of(new TokenEntry("ops", ApiRole.READ,
                    TokenHash.create("s3cret-token", TokenHash.MIN_ITERATIONS, new SecureRandom()))),
            SecretRef.NONE, SecretRef.NONE));
    private final AgentMetrics metrics = new AgentMetrics(() -> States.twoPlusOne().build(),
            () -> RaftInfo.newBuilder().setRole("FOLLOWER").setTerm(3).setMajorityContactAgeMs(20).build(),
            () -> false, access.counters(), nanos::get, States.T0);

    @Test
    void probesAreTimedAndFailuresCountedPerServer() {
        HealthMonitor.BackendProber timed = metrics.timed((node, timeout) -> {
            nanos.addAndGet(30_000_000);
            return node.getId() == 0 ? ProbeOutcome.unreachable("connection refused", ProbeOutcome.Running.UNKNOWN)
                    : ProbeOutcome.standby(1, 100, true);
        });

        timed.probe(NodeInfo.newBuilder().setId(0).build(), Duration.ofSeconds(1));
        timed.probe(NodeInfo.newBuilder().setId(0).build(), Duration.ofSeconds(1));
        timed.probe(NodeInfo.newBuilder().setId(1).build(), Duration.ofSeconds(1));

        String text = scrape();
        assertThat(text).contains("raftpool_agent_health_check_failures_total{backend=\"0\"} 2.0")
                .doesNotContain("raftpool_agent_health_check_failures_total{backend=\"1\"}")
                .contains("raftpool_agent_health_check_duration_seconds_count{backend=\"0\"} 2")
                .contains("raftpool_agent_health_check_duration_seconds_sum{backend=\"1\"} 0.03")
                .contains("raftpool_agent_health_check_duration_seconds_bucket{backend=\"1\",le=\"0.05\"} 1");
    }

    @Test
    void refusedLoginsAreCountedByReasonAndTheGaugesAreThere() {
        access.consolePassword("not-the-token");
        access.consolePassword("");
        access.consolePassword("s3cret-token");

        String text = scrape();
        assertThat(text).contains("raftpool_agent_auth_refusals_total{reason=\"unauthenticated\"} 2.0")
                .contains("raftpool_agent_auth_refusals_total{reason=\"permission_denied\"} 0.0")
                .contains("raftpool_agent_raft_role{role=\"follower\"} 1.0")
                .contains("raftpool_agent_epoch 1.0")
                .doesNotContain("s3cret");
    }

    @Test
    void theEndpointServesTheRegistryAndABusyPortIsNamed() throws Exception {
        int port = freePort();
        try (metrics) {
            metrics.serve("127.0.0.1", port, 4);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("# TYPE raftpool_agent_raft_term gauge", "raftpool_agent_raft_term 3.0");
            assertThat(metrics.port()).hasValue(port);

            try (AgentMetrics other = new AgentMetrics(() -> States.twoPlusOne().build(), RaftInfo::getDefaultInstance, () -> false,
                    access.counters(), nanos::get, 0)) {
                assertThatThrownBy(() -> other.serve("127.0.0.1", port, 4))
                        .hasMessageStartingWith("cannot serve metrics on 127.0.0.1:" + port + ": ")
                        .hasMessageEndingWith("; free that port or change metrics_port of node 4 (0 turns the endpoint off)");
            }
        }
    }

    private String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
