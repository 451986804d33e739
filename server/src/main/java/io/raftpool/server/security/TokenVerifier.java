package io.raftpool.server.security;

import io.raftpool.config.TokenEntry;
import io.raftpool.config.TokenHash;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Finds the configured token a presented one matches. The hashes are slow on purpose, which a
 * stranger could turn against the agent, so:
 * <ul>
 *   <li>the verdict for a token is remembered, keyed by a SHA-256 digest of it (never the token
 *       itself), for the last {@value #REMEMBERED} tokens seen: a proxy's or an operator's
 *       repeated calls cost one hash, and so does a client repeating a wrong token;</li>
 *   <li>hashing tokens not seen before has a budget of {@value #ITERATIONS_PER_SECOND} PBKDF2
 *       iterations a second (about a quarter of a core); past it, a new token is not checked
 *       but answered {@link Verdict#BUSY} until the budget has recovered;</li>
 *   <li>checks run one at a time.</li>
 * </ul>
 * Time is an input ({@code nanoTime}), so the budget is tested without waiting.
 */
public final class TokenVerifier {
    static final int REMEMBERED = 256;
    static final long ITERATIONS_PER_SECOND = 500_000;

    /** What a presented token is. */
    public enum Verdict { MATCH, NO_MATCH, BUSY }

    /** The verdict, and the matching entry when there is one. */
    public record Result(Verdict verdict, Optional<TokenEntry> entry) {}

    private final List<TokenEntry> tokens;
    private final LongSupplier nanoTime;
    private final long fullCheck;
    private final Map<String, Optional<TokenEntry>> verdicts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<TokenEntry>> eldest) {
            return size() > REMEMBERED;
        }
    };
    private double budget;
    private long budgetAt;

    public TokenVerifier(List<TokenEntry> tokens) {
        this(tokens, System::nanoTime);
    }

    public TokenVerifier(List<TokenEntry> tokens, LongSupplier nanoTime) {
        this.tokens = List.copyOf(tokens);
        this.nanoTime = nanoTime;
        this.fullCheck = this.tokens.stream().mapToLong(t -> t.hash().iterations()).sum();
        this.budget = ITERATIONS_PER_SECOND;
        this.budgetAt = nanoTime.getAsLong();
    }

    /** The token entry {@code token} matches, if any; empty also when the check is put off (busy). */
    public Optional<TokenEntry> identify(String token) {
        return check(token).entry();
    }

    public synchronized Result check(String token) {
        String key = Base64.getEncoder().encodeToString(TokenHash.fingerprint(token));
        Optional<TokenEntry> known = verdicts.get(key);
        if (known != null) {
            return result(known);
        }
        refill();
        if (budget < 0) {
            return new Result(Verdict.BUSY, Optional.empty());
        }
        Optional<TokenEntry> found = Optional.empty();
        long spent = 0;
        for (TokenEntry t : tokens) {
            spent += t.hash().iterations();
            if (t.hash().matches(token)) {
                found = Optional.of(t);
                break;
            }
        }
        // the last check may overdraw: a legitimate client is never starved by the size of its own check
        budget -= spent;
        verdicts.put(key, found);
        return result(found);
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        double earned = (now - budgetAt) / 1e9 * ITERATIONS_PER_SECOND;
        budgetAt = now;
        budget = Math.min(Math.max(ITERATIONS_PER_SECOND, fullCheck), budget + earned);
    }

    private static Result result(Optional<TokenEntry> entry) {
        return new Result(entry.isPresent() ? Verdict.MATCH : Verdict.NO_MATCH, entry);
    }
}
