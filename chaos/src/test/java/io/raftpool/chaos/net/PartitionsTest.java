package io.raftpool.chaos.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionsTest {

    @Test
    void isolatingANodeCutsEveryLinkToAndFromIt() {
        assertThat(Partitions.describe(Partitions.isolate(Set.of(0), List.of(0, 1, 2)))).isEqualTo("0->1 0->2 1->0 2->0");
        assertThat(Partitions.describe(Partitions.isolate(Set.of(0, 1), List.of(0, 1, 2, 3, 4))))
                .isEqualTo("0->2 0->3 0->4 1->2 1->3 1->4 2->0 2->1 3->0 3->1 4->0 4->1");
    }

    @Test
    void oneWayLossCutsOnlyWhatTheNodeSends() {
        assertThat(Partitions.describe(Partitions.oneWay(1, List.of(0, 1, 2)))).isEqualTo("1->0 1->2");
    }

    @Test
    void aRandomMinorityLeavesAMajorityAndDependsOnlyOnTheSeed() {
        assertThat(Partitions.randomMinority(List.of(0, 1, 2), new Random(3))).hasSize(1);
        assertThat(Partitions.randomMinority(List.of(0, 1, 2, 3, 4), new Random(3))).hasSize(2);
        assertThat(Partitions.randomMinority(List.of(2, 0, 1), new Random(9)))
                .isEqualTo(Partitions.randomMinority(List.of(0, 1, 2), new Random(9)));
    }

    @Test
    void aNodeHasNoLinkToItself() {
        assertThatThrownBy(() -> new Link(1, 1)).hasMessageContaining("node 1 to itself");
    }

    @Test
    void theCgroupV2MountIsFoundInMountinfo() {
        List<String> mountinfo = List.of(
                "35 24 0:30 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755",
                "36 35 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
                "44 35 0:39 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");
        assertThat(NodeCgroups.parseCgroup2Mount(mountinfo)).contains(java.nio.file.Path.of("/sys/fs/cgroup/unified"));
        assertThat(NodeCgroups.parseCgroup2Mount(mountinfo.subList(0, 2))).isEmpty();
    }
}
