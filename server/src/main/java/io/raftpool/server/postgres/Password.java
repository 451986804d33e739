package io.raftpool.server.postgres;

import io.raftpool.config.SecretRef;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A resolved secret. Its {@link #toString()} never shows it, so records holding one can be logged. */
public record Password(String value) {
    public Password {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a password cannot be empty; leave the secret unset instead");
        }
    }

    public static Optional<Password> resolve(SecretRef ref, Map<String, String> environment) {
        return ref.resolve(environment).map(Password::new);
    }

    public char[] chars() {
        return value.toCharArray();
    }

    @Override
    public String toString() {
        return "********";
    }
}
