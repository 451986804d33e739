package io.raftpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLocationTest {
    private static final Path CWD = Path.of("/work/here");

    @Test
    void theOptionComesFirstRelativeToTheWorkingDirectory() {
        assertThat(ConfigLocation.resolve("etc/c.yaml", Map.of("RAFTPOOL_CONFIG", "/x.yaml"), CWD))
                .isEqualTo(new ConfigLocation(Path.of("/work/here/etc/c.yaml"), "given with --config"));
    }

    @Test
    void thenTheVariable() {
        assertThat(ConfigLocation.resolve(null, Map.of("RAFTPOOL_CONFIG", "/x.yaml"), CWD))
                .isEqualTo(new ConfigLocation(Path.of("/x.yaml"), "from $RAFTPOOL_CONFIG"));
    }

    @Test
    void thenRaftpoolYamlHereWhenTheVariableIsUnsetOrBlank() {
        for (Map<String, String> env : java.util.List.of(Map.<String, String>of(), Map.of("RAFTPOOL_CONFIG", " "))) {
            ConfigLocation location = ConfigLocation.resolve(null, env, CWD);
            assertThat(location.path()).isEqualTo(Path.of("/work/here/raftpool.yaml"));
            assertThat(location.origin()).contains("neither --config nor $RAFTPOOL_CONFIG");
        }
    }
}
