package io.raftpool.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosRunTest {

    @Test
    void agentsStartInTheirCgroupWithTheExtraJvmOptions() {
        List<String> cgroup = List.of("/bin/sh", "-c", "echo $$ > /x/cgroup.procs && exec \"$@\"", "raftpool-node0");
        assertThat(ChaosRun.processPrefix(cgroup, List.of("-Da=1", "-Db=2")))
                .containsExactly("/bin/sh", "-c", "echo $$ > /x/cgroup.procs && exec \"$@\"", "raftpool-node0", "env",
                        "JAVA_TOOL_OPTIONS=-Da=1 -Db=2");
        assertThat(ChaosRun.processPrefix(List.of(), List.of())).isEmpty();
    }
}
