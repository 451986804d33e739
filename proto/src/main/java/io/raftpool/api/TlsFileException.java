package io.raftpool.api;

/** A certificate or key file that cannot be used; the message names the file, what is wrong and what to do. */
public final class TlsFileException extends IllegalArgumentException {
    public TlsFileException(String message) {
        super(message);
    }

    public TlsFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
