package io.raftpool.chaos.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IptablesPlanTest {
    private static final IptablesPlan PLAN = new IptablesPlan("RAFTPOOL-CHAOS-ab12",
            Map.of(0, "127.0.0.11", 1, "127.0.0.12", 2, "127.0.0.13"),
            Map.of(0, "raftpool-chaos-ab12/node0", 1, "raftpool-chaos-ab12/node1", 2, "raftpool-chaos-ab12/node2"));

    private static List<String> lines(List<List<String>> cmds) {
        return cmds.stream().map(c -> String.join(" ", c)).toList();
    }

    @Test
    void setupMakesTwoChainsMarksEachNodesConnectionsAndJumpsOnlyForLoopback() {
        List<String> setup = lines(PLAN.setup());
        assertThat(setup).contains(
                "iptables -w 5 -t mangle -N RAFTPOOL-CHAOS-ab12",
                "iptables -w 5 -t filter -N RAFTPOOL-CHAOS-ab12",
                "iptables -w 5 -t mangle -A RAFTPOOL-CHAOS-ab12 -m conntrack --ctstate NEW -m cgroup --path"
                        + " raftpool-chaos-ab12/node1 -j CONNMARK --set-xmark 0x20000/0xff0000",
                "iptables -w 5 -t mangle -I OUTPUT -o lo -s 127.0.0.0/8 -d 127.0.0.0/8 -j RAFTPOOL-CHAOS-ab12",
                "iptables -w 5 -t filter -I OUTPUT -o lo -s 127.0.0.0/8 -d 127.0.0.0/8 -j RAFTPOOL-CHAOS-ab12");
        // every rule is in the run's own chain, or a jump to it
        assertThat(setup).allMatch(l -> l.contains("-N RAFTPOOL-CHAOS-ab12") || l.contains("-A RAFTPOOL-CHAOS-ab12")
                || l.endsWith("-j RAFTPOOL-CHAOS-ab12"));
    }

    @Test
    void aBlockedLinkDropsConnectionsToTheAddressAndRepliesOnConnectionsFromThePeer() {
        List<String> block = lines(PLAN.block(Set.of(new Link(0, 2))));
        assertThat(block).containsExactly(
                "iptables -w 5 -t filter -F RAFTPOOL-CHAOS-ab12",
                "iptables -w 5 -t filter -A RAFTPOOL-CHAOS-ab12 -m cgroup --path raftpool-chaos-ab12/node0 -d 127.0.0.13/32 -j DROP",
                "iptables -w 5 -t filter -A RAFTPOOL-CHAOS-ab12 -m cgroup --path raftpool-chaos-ab12/node0 -m connmark"
                        + " --mark 0x30000/0xff0000 -j DROP");
        assertThat(lines(PLAN.block(Set.of()))).containsExactly("iptables -w 5 -t filter -F RAFTPOOL-CHAOS-ab12");
        assertThatThrownBy(() -> PLAN.block(Set.of(new Link(0, 7)))).hasMessageContaining("node 7 is not in this run's network");
    }

    @Test
    void teardownRemovesTheJumpsThenTheChainsAndNothingElse() {
        List<String> down = lines(PLAN.teardown());
        assertThat(down).containsExactly(
                "iptables -w 5 -t filter -D OUTPUT -o lo -s 127.0.0.0/8 -d 127.0.0.0/8 -j RAFTPOOL-CHAOS-ab12",
                "iptables -w 5 -t mangle -D OUTPUT -o lo -s 127.0.0.0/8 -d 127.0.0.0/8 -j RAFTPOOL-CHAOS-ab12",
                "iptables -w 5 -t filter -F RAFTPOOL-CHAOS-ab12",
                "iptables -w 5 -t mangle -F RAFTPOOL-CHAOS-ab12",
                "iptables -w 5 -t filter -X RAFTPOOL-CHAOS-ab12",
                "iptables -w 5 -t mangle -X RAFTPOOL-CHAOS-ab12");
    }

    @Test
    void chainNamesAndNodeSetsAreChecked() {
        assertThatThrownBy(() -> new IptablesPlan("INPUT", Map.of(), Map.of())).hasMessageContaining("RAFTPOOL-CHAOS-");
        assertThatThrownBy(() -> new IptablesPlan("RAFTPOOL-CHAOS-x", Map.of(0, "127.0.0.11"), Map.of()))
                .hasMessageContaining("differ");
        assertThat(IptablesPlan.mark(0)).isEqualTo("0x10000/0xff0000");
    }

    @Test
    void chainsOfRunsWithoutCgroupsAreOrphansAndNothingElseIs() {
        String rules = String.join("\n",
                "-P OUTPUT ACCEPT",
                "-N RAFTPOOL-CHAOS-dead1",
                "-N RAFTPOOL-CHAOS-live2",
                "-N SOMEONE-ELSES",
                "-A OUTPUT -s 127.0.0.0/8 -d 127.0.0.0/8 -o lo -j RAFTPOOL-CHAOS-dead1",
                "-A RAFTPOOL-CHAOS-live2 -j DROP");
        assertThat(IptablesPlan.orphanedRuns(rules, Set.of("live2"))).containsExactly("dead1");
        assertThat(IptablesPlan.orphanedRuns(rules, Set.of("live2", "dead1"))).isEmpty();
        assertThat(lines(IptablesPlan.ofOrphan("dead1").teardown())).contains(
                "iptables -w 5 -t filter -D OUTPUT -o lo -s 127.0.0.0/8 -d 127.0.0.0/8 -j RAFTPOOL-CHAOS-dead1",
                "iptables -w 5 -t mangle -X RAFTPOOL-CHAOS-dead1");
    }
}
