package io.raftpool.server.security;

import io.raftpool.config.TokenEntry;
import io.raftpool.config.TokenHash;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the configured token a presented one matches. The hashes are slow on purpose, so the
 * verdict for a token is remembered, keyed by a SHA-256 digest of it (never the token itself),
 * for the last {@value #REMEMBERED} tokens seen: a proxy's or an operator's repeated calls cost
 * one hash, and a client repeating a wrong token costs one too. Verifications run one at a time,
 * so a flood of wrong tokens cannot take every core.
 */
public final class TokenVerifier {
    static final int REMEMBERED = 256;

    private final List<TokenEntry> tokens;
    private final Map<String, Optional<TokenEntry>> verdicts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<TokenEntry>> eldest) {
            return size() > REMEMBERED;
        }
    };

    public TokenVerifier(List<TokenEntry> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    /** The token entry {@code token} matches, if any. */
    public synchronized Optional<TokenEntry> identify(String token) {
        String key = Base64.getEncoder().encodeToString(TokenHash.fingerprint(token));
        Optional<TokenEntry> known = verdicts.get(key);
        if (known != null) {
            return known;
        }
        Optional<TokenEntry> found = Optional.empty();
        for (TokenEntry t : tokens) {
            if (t.hash().matches(token)) {
                found = Optional.of(t);
                break;
            }
        }
        verdicts.put(key, found);
        return found;
    }
}
