package io.raftpool.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.config.ApiRole;
import io.raftpool.config.TokenEntry;
import io.raftpool.config.TokenHash;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
    void newTokensBeyondTheHashingBudgetAreNotCheckedUntilItRecovers() {
        AtomicLong now = new AtomicLong();
        // three tokens of 100000 iterations: a full check of an unknown token costs 300000
        TokenVerifier v = new TokenVerifier(List.of(entry("a", ApiRole.ADMIN, "a"), entry("b", ApiRole.READ, "b"),
                entry("c", ApiRole.READ, "c")), now::get);

        assertThat(v.check("wrong-1").verdict()).isEqualTo(TokenVerifier.Verdict.NO_MATCH);   // 500000 -> 200000
        assertThat(v.check("wrong-2").verdict()).isEqualTo(TokenVerifier.Verdict.NO_MATCH);   // -> -100000
        assertThat(v.check("wrong-3").verdict()).isEqualTo(TokenVerifier.Verdict.BUSY);
        assertThat(v.check("a").verdict()).as("even the right token waits").isEqualTo(TokenVerifier.Verdict.BUSY);
        // tokens already checked are answered from memory, budget or not
        assertThat(v.check("wrong-1").verdict()).isEqualTo(TokenVerifier.Verdict.NO_MATCH);

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));   // +125000: back above zero
        assertThat(v.check("a").entry().map(TokenEntry::name)).contains("a");
        assertThat(v.check("a").verdict()).isEqualTo(TokenVerifier.Verdict.MATCH);
    }

    @Test
    void withoutTokensNothingMatches() {
        assertThat(new TokenVerifier(List.of()).identify("anything")).isEmpty();
    }
}
