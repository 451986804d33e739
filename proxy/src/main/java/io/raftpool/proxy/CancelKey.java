package io.raftpool.proxy;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A PostgreSQL session's cancel key: the backend process id and its secret (4 bytes in
 * protocol 3.0, up to 256 in 3.2). {@link #toString()} never shows the secret.
 */
public record CancelKey(int pid, byte[] secret) {

    public CancelKey {
        secret = secret.clone();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CancelKey k && k.pid == pid && Arrays.equals(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return 31 * pid + Arrays.hashCode(secret);
    }

    @Override
    public String toString() {
        return "CancelKey[pid=" + pid + "]";
    }

    String secretHex() {
        return HexFormat.of().formatHex(secret);
    }
}
