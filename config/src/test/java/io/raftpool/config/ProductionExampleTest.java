package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The production example (README, "Install on three hosts") loads and has every safeguard on. */
class ProductionExampleTest {
    private static final Path EXAMPLE = Path.of("../examples/production-3hosts.yaml");

    private final ClusterConfig config = ConfigLoader.load(EXAMPLE);

    @Test
    void threeHostsTwoServersAndAWitness() {
        assertThat(config.nodes()).extracting(NodeConfig::name).containsExactly("pgsql1", "pgsql2", "witness");
        assertThat(config.nodes()).extracting(NodeConfig::host).doesNotHaveDuplicates();
        assertThat(config.postgresNodes()).hasSize(2);
        assertThat(config.vip()).hasValueSatisfying(v -> assertThat(v.address()).isEqualTo("10.0.0.100"));
    }

    @Test
    void tlsTokensAndMetricsAreOn() {
        assertThat(config.security().tls()).isTrue();
        assertThat(config.security().auth()).isTrue();
        assertThat(config.security().tokens()).extracting(TokenEntry::role).contains(ApiRole.ADMIN, ApiRole.READ);
        assertThat(config.nodes()).allSatisfy(n -> assertThat(n.metricsPort()).isPositive());
    }

    @Test
    void postgresRunsAsTheAgentsUnprivilegedUser() {
        assertThat(config.postgresNodes()).allSatisfy(n -> assertThat(n.requirePostgres().osUser()).isEqualTo("raftpool"));
    }
}
