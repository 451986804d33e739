package io.raftpool.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgentAddressTest {

    @ParameterizedTest
    @CsvSource({"127.0.0.1:7410, 127.0.0.1, 7410", "db-1.example:1, db-1.example, 1", "'[::1]:65535', ::1, 65535"})
    void parsesHostAndPortAndPrintsThemBack(String text, String host, int port) {
        AgentAddress address = AgentAddress.parse(text);
        assertThat(address).isEqualTo(new AgentAddress(host, port));
        assertThat(address).hasToString(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:", ":7410", "127.0.0.1:x", "127.0.0.1:0", "127.0.0.1:65536", "::1:7410"})
    void rejectsTextThatIsNotHostColonPortQuotingItAndTheAllowedForm(String text) {
        assertThatThrownBy(() -> AgentAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("allowed: host:port");
    }
}
