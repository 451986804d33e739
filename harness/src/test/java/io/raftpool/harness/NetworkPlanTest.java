package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NetworkPlanTest {
    private final NetworkPlan plan = new NetworkPlan("rpab12", "10.83.17", 3);

    @Test
    void everyNamespaceCarriesTheRunsPrefixAndEveryHostItsOwnAddress() {
        assertThat(plan.namespaces()).containsExactly("rpab12-br", "rpab12-n0", "rpab12-n1", "rpab12-n2", "rpab12-c");
        assertThat(List.of(plan.nodeAddress(0), plan.nodeAddress(2), plan.clientAddress(), plan.freeAddress()))
                .containsExactly("10.83.17.10", "10.83.17.12", "10.83.17.200", "10.83.17.100");
    }

    @Test
    void linksAreCreatedInsideTheNamespacesOnlyAndAddressesGoOnlyIntoHostNamespaces() {
        Set<String> own = new HashSet<>(plan.namespaces());
        for (List<String> cmd : plan.links()) {
            assertThat(cmd.subList(0, 2)).as(String.join(" ", cmd)).containsExactly("ip", "-n");
            assertThat(own).as(String.join(" ", cmd)).contains(cmd.get(2));
            if (cmd.contains("veth")) {
                assertThat(cmd.get(cmd.indexOf("netns") + 1)).isIn(own);
            }
            if (cmd.contains("addr")) {
                assertThat(cmd.get(2)).isNotEqualTo(plan.bridgeNamespace());
            }
        }
        assertThat(plan.links()).contains(List.of("ip", "-n", "rpab12-n1", "addr", "add", "10.83.17.11/24", "dev", "eth0"));
    }

    @Test
    void randomPlansDifferInPrefixAndStayInTenSlashEight() {
        Random random = new Random(7);
        NetworkPlan a = NetworkPlan.random(2, random);
        NetworkPlan b = NetworkPlan.random(2, random);
        assertThat(a.prefix()).startsWith("rp").hasSize(6).isNotEqualTo(b.prefix());
        assertThat(a.subnet()).matches("10\\.\\d+\\.\\d+");
        // interface names are at most 15 characters; namespace names carry them only on the bridge side
        assertThat(a.bridgePort(1).length()).isLessThanOrEqualTo(15);
    }

    @Test
    void badInputIsRefusedWithWhatIsAllowed() {
        assertThatThrownBy(() -> new NetworkPlan("RP", "10.1.2", 1)).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> new NetworkPlan("rp1", "192.168.1", 1)).hasMessageContaining("10.0.0.0/8");
        assertThatThrownBy(() -> plan.nodeAddress(3)).hasMessageContaining("node 3 is not in this lab of 3 nodes");
    }

    @Test
    void addressesAreReadFromIpOutput() {
        String out = "2: eth0    inet 10.77.5.10/24 scope global eth0\\       valid_lft forever preferred_lft forever\n"
                + "2: eth0    inet 10.77.5.100/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever\n";
        assertThat(NetworkPlan.parseAddresses(out)).containsExactly("10.77.5.10", "10.77.5.100");
        assertThat(NetworkPlan.parseAddresses("")).isEmpty();
    }
}
