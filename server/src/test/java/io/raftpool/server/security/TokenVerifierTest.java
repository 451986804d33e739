package io.raftpool.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.config.ApiRole;
import io.raftpool.config.TokenEntry;
import io.raftpool.config.TokenHash;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static TokenEntry entry(String name, ApiRole role, String token) {
        return new TokenEntry(name, role, TokenHash.create(token, TokenHash.MIN_ITERATIONS, RANDOM));
    }

    private final TokenVerifier verifier = new TokenVerifier(List.of(
            entry("ops", ApiRole.ADMIN, "ops-secret"), entry("watch", ApiRole.READ, "watch-secret")));

    @Test
    void aTokenIsFoundWithItsNameAndRole() {
        assertThat(verifier.identify("watch-secret")).hasValueSatisfying(t -> {
            assertThat(t.name()).isEqualTo("watch");
            assertThat(t.role()).isEqualTo(ApiRole.READ);
        });
        assertThat(verifier.identify("ops-secret").map(TokenEntry::name)).contains("ops");
    }

    @Test
    void anotherTokenMatchesNothingAgainAndAgain() {
        assertThat(verifier.identify("ops-secret ")).isEmpty();
        assertThat(verifier.identify("OPS-SECRET")).isEmpty();
        assertThat(verifier.identify("ops-secret ")).isEmpty();
    }

    @Test
    void aRememberedVerdictIsTheSameVerdict() {
        for (int i = 0; i < 3; i++) {
            assertThat(verifier.identify("ops-secret").map(TokenEntry::role)).contains(ApiRole.ADMIN);
        }
    }

    @Test
    void withoutTokensNothingMatches() {
        assertThat(new TokenVerifier(List.of()).identify("anything")).isEmpty();
    }
}
