package io.raftpool.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted, slow hash of an API token, as the config stores it:
 * {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>} (PBKDF2-HMAC-SHA256 from the
 * JDK). The config never holds a token itself; {@code raftpool hash-token} prints this line.
 * Immutable; its text form is not a secret, but it is never needed in a log either.
 */
public final class TokenHash {
    public static final String SCHEME = "pbkdf2-sha256";
    /** What {@code raftpool hash-token} uses (OWASP's figure for PBKDF2-HMAC-SHA256). */
    public static final int DEFAULT_ITERATIONS = 600_000;
    public static final int MIN_ITERATIONS = 100_000;
    public static final int MAX_ITERATIONS = 10_000_000;
    static final int MIN_SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    public static final String FORM = SCHEME + "$<iterations>$<salt>$<hash>, as raftpool hash-token prints it";

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private TokenHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt.clone();
        this.hash = hash.clone();
    }

    /** Hashes {@code token} with a fresh random salt. */
    public static TokenHash create(String token, int iterations, SecureRandom random) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations " + iterations + " is out of range; allowed: "
                    + MIN_ITERATIONS + " to " + MAX_ITERATIONS);
        }
        if (token.isEmpty()) {
            throw new IllegalArgumentException("the token is empty; a token needs at least one character"
                    + " (use a long random one, e.g. openssl rand -base64 32)");
        }
        byte[] salt = new byte[MIN_SALT_BYTES];
        random.nextBytes(salt);
        return new TokenHash(iterations, salt, derive(token, salt, iterations));
    }

    /**
     * Reads the config's text form.
     *
     * @throws IllegalArgumentException naming what is wrong, never quoting the text
     */
    public static TokenHash parse(String text) {
        String[] parts = text.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("is not a token hash; allowed: " + FORM);
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has an iteration count that is not a whole number; allowed: " + FORM);
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("has " + iterations + " iterations; allowed: " + MIN_ITERATIONS + " to "
                    + MAX_ITERATIONS + " (hash the token again with raftpool hash-token)");
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has a salt or hash that is not base64; allowed: " + FORM);
        }
        if (salt.length < MIN_SALT_BYTES) {
            throw new IllegalArgumentException("has a salt of " + salt.length + " bytes; allowed: at least "
                    + MIN_SALT_BYTES + " (hash the token again with raftpool hash-token)");
        }
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("has a hash of " + hash.length + " bytes; allowed: " + HASH_BYTES
                    + " (a PBKDF2-HMAC-SHA256 hash as raftpool hash-token prints it)");
        }
        return new TokenHash(iterations, salt, hash);
    }

    /** Whether {@code token} is the one hashed here; compares in constant time. Slow by design. */
    public boolean matches(String token) {
        return MessageDigest.isEqual(hash, derive(token, salt, iterations));
    }

    public int iterations() {
        return iterations;
    }

    /** The config's text form. */
    public String format() {
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static byte[] derive(String token, byte[] salt, int iterations) {
        char[] chars = token.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no PBKDF2WithHmacSHA256: " + e.getMessage(), e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }

    /** A digest of a token to key caches by: never the token itself. */
    public static byte[] fingerprint(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no SHA-256: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenHash t && t.iterations == iterations && Arrays.equals(t.salt, salt)
                && Arrays.equals(t.hash, hash);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(hash) + iterations;
    }

    @Override
    public String toString() {
        return SCHEME + " (" + iterations + " iterations)";
    }
}
