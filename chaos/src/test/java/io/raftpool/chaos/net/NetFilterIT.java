package io.raftpool.chaos.net;

import io.raftpool.harness.Exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The run's network with the real kernel: setup proves by a real connection that a blocked
 * link is dropped (it throws otherwise), and close leaves no rule, chain or cgroup behind.
 */
class NetFilterIT {

    private static String rules() {
        return Exec.run(Duration.ofSeconds(10), List.of("iptables-save")).orThrow();
    }

    private static List<String> othersRules(String save) {
        return save.lines().filter(l -> l.startsWith("-A") && !l.contains("RAFTPOOL-CHAOS-")).toList();
    }

    @Test
    void aBlockIsRealAndTeardownLeavesNothingBehind() {
        Optional<String> why = NetFilter.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "needs root, iptables and cgroup v2: " + why.orElse(""));
        String before = rules();
        List<String> log = new ArrayList<>();
        String chain;
        try (NetFilter f = NetFilter.setup("t" + Long.toHexString(System.nanoTime() & 0xffffff),
                Map.of(0, "127.0.0.11", 1, "127.0.0.12", 2, "127.0.0.13"), log::add)) {
            chain = f.chain();
            assertThat(log).anyMatch(l -> l.contains("self-test passed"));
            assertThat(rules()).contains(":" + chain, "-A OUTPUT -s 127.0.0.0/8 -d 127.0.0.0/8 -o lo -j " + chain);
            f.block(Partitions.isolate(Set.of(1), List.of(0, 1, 2)));
            assertThat(f.blocked()).hasSize(4);
            assertThat(rules()).contains("-A " + chain + " -d 127.0.0.12/32 -m cgroup --path");
            f.heal();
            assertThat(rules()).doesNotContain("-A " + chain + " -d ");
            assertThat(f.wrap(2, List.of("true")).get(2)).contains("node2/cgroup.procs");
        }
        assertThat(rules()).doesNotContain(chain);
        // nobody else's rule was touched (other chaos runs may come and go meanwhile: their chains are left out)
        assertThat(othersRules(rules())).containsExactlyElementsOf(othersRules(before));
        assertThat(NodeCgroups.cgroup2Mount().orElseThrow().resolve("raftpool-chaos-" + chain.substring("RAFTPOOL-CHAOS-".length())))
                .satisfies(p -> assertThat(Files.exists(p)).isFalse());
        assertThat(log).anyMatch(l -> l.contains("removed chain " + chain));
    }
}
