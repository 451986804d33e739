package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Token hashes: salted PBKDF2, a stable text form, and a match only for the right token. */
class TokenHashTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void theTokenMatchesItsHashAndNothingElseDoes() {
        TokenHash hash = TokenHash.create("correct horse", TokenHash.MIN_ITERATIONS, RANDOM);

        assertThat(hash.matches("correct horse")).isTrue();
        assertThat(hash.matches("correct hors")).isFalse();
        assertThat(hash.matches("")).isFalse();
    }

    @Test
    void theTextFormReadsBackToTheSameHash() {
        TokenHash hash = TokenHash.create("t0ken", TokenHash.MIN_ITERATIONS, RANDOM);

        TokenHash read = TokenHash.parse(hash.format());

        assertThat(read).isEqualTo(hash);
        assertThat(read.matches("t0ken")).isTrue();
        assertThat(hash.format()).startsWith("pbkdf2-sha256$100000$").doesNotContain("t0ken");
    }

    @Test
    void twoHashesOfOneTokenDifferByTheirSalt() {
        assertThat(TokenHash.create("same", TokenHash.MIN_ITERATIONS, RANDOM).format())
                .isNotEqualTo(TokenHash.create("same", TokenHash.MIN_ITERATIONS, RANDOM).format());
    }

    @Test
    void aWeakIterationCountIsRefused() {
        assertThatThrownBy(() -> TokenHash.create("x", 1000, RANDOM))
                .hasMessage("iterations 1000 is out of range; allowed: 100000 to 10000000");
    }

    @Test
    void anEmptyTokenIsRefused() {
        assertThatThrownBy(() -> TokenHash.create("", TokenHash.MIN_ITERATIONS, RANDOM))
                .hasMessageStartingWith("the token is empty");
    }

    @Test
    void itsDescriptionShowsNeitherSaltNorHash() {
        TokenHash hash = TokenHash.create("x", TokenHash.MIN_ITERATIONS, RANDOM);

        assertThat(hash.toString()).isEqualTo("pbkdf2-sha256 (100000 iterations)");
    }
}
