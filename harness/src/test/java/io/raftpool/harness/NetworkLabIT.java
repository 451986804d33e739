package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A lab of real namespaces: hosts reach each other over the bridge, the machine's namespace is untouched, close removes all. */
class NetworkLabIT {

    @Test
    void hostsTalkOverTheBridgeACutNodeIsUnreachableAndCloseRemovesEverything() {
        Optional<String> why = NetworkLab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "NetworkLabIT skipped: it needs network namespaces, and " + why.orElse(""));
        NetworkLab lab = NetworkLab.create(2);
        String prefix = lab.plan().prefix();
        try {
            assertThat(NetworkLab.namespacesStartingWith(prefix)).containsExactlyInAnyOrderElementsOf(lab.plan().namespaces());
            assertThat(lab.addresses(lab.nodeNamespace(1))).containsExactly(lab.nodeAddress(1));
            String subnet = lab.plan().subnet() + ".";
            assertThat(Exec.run(Duration.ofSeconds(5), "ip", "-o", "-4", "addr", "show").orThrow())
                    .as("addresses of the machine's own namespace").doesNotContain(subnet);
            assertThat(Exec.run(Duration.ofSeconds(5), "ip", "-4", "route", "show").orThrow())
                    .as("routes of the machine's own namespace").doesNotContain(subnet);

            assertThat(probe(lab, lab.nodeAddress(0))).as("client to node 0").contains("Connection refused");
            lab.cut(0);
            assertThat(probe(lab, lab.nodeAddress(0))).as("client to node 0, cut off").doesNotContain("Connection refused");
            assertThat(probe(lab, lab.nodeAddress(1))).as("client to node 1").contains("Connection refused");
            lab.heal(0);
            assertThat(probe(lab, lab.nodeAddress(0))).as("client to node 0, healed").contains("Connection refused");
        } finally {
            lab.close();
            lab.close(); // twice is harmless
        }
        assertThat(NetworkLab.namespacesStartingWith(prefix)).as("namespaces left behind").isEmpty();
    }

    /** A TCP connection attempt from the client namespace: "Connection refused" proves the host's kernel answered. */
    private static String probe(NetworkLab lab, String address) {
        return lab.exec(lab.clientNamespace(), Duration.ofSeconds(10),
                List.of("timeout", "3", "bash", "-c", "echo > /dev/tcp/" + address + "/9")).output();
    }
}
