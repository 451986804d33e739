package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HbaRulesTest {

    private static ServerSettings on(String host, Optional<Password> su, Optional<Password> repl, List<String> hba) {
        return new ServerSettings("pgsql1", host, 5432, Path.of("/d"), Path.of("/b"), Path.of("/d.log"), "postgres",
                "postgres", su, "replicator", repl, Map.of(), hba);
    }

    @Test
    void onLoopbackBothRolesNeedScramFromLoopbackAddresses() {
        Optional<Password> pw = Optional.of(new Password("x"));

        assertThat(HbaRules.render(on("127.0.0.1", pw, pw, List.of())).lines().skip(1).toList()).containsExactly(
                "local all all trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host replication \"replicator\" 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256",
                "host replication \"replicator\" ::1/128 scram-sha-256");
    }

    @Test
    void onANetworkAddressTheNodesOwnSubnetsAreLetIn() {
        Optional<Password> pw = Optional.of(new Password("x"));

        assertThat(HbaRules.render(on("10.0.0.11", pw, pw, List.of())))
                .contains("host all all samenet scram-sha-256\n",
                        "host replication \"replicator\" samenet scram-sha-256\n")
                .doesNotContain("127.0.0.1", "samenet trust");
    }

    @Test
    void aRoleWithoutPasswordIsTrusted() {
        String hba = HbaRules.render(on("127.0.0.1", Optional.empty(), Optional.of(new Password("x")), List.of()));

        assertThat(hba).contains("host all all 127.0.0.1/32 trust\n",
                "host replication \"replicator\" 127.0.0.1/32 scram-sha-256\n");
    }

    @Test
    void configuredLinesReplaceTheDefaultAfterTheLocalMaintenanceLine() {
        List<String> lines = List.of("host all all 10.0.0.0/24 scram-sha-256",
                "host replication replicator 10.0.0.0/24 scram-sha-256");

        assertThat(HbaRules.render(on("10.0.0.11", Optional.empty(), Optional.empty(), lines)).lines().skip(1).toList())
                .containsExactly("local all all trust", lines.get(0), lines.get(1));
    }
}
