package io.raftpool.proxy;

import io.netty.buffer.ByteBuf;
import java.util.Optional;

/**
 * Reads a server's replies to a plain-text StartupMessage (authentication requests,
 * ParameterStatus, BackendKeyData, ...) as they pass by, without consuming or copying them,
 * to learn the session's cancel key. It stops at ReadyForQuery or an ErrorResponse: after
 * that the proxy parses nothing.
 */
final class StartupReplyScanner {

    private static final int MAX_KEY_BODY = 4 + 256;

    private final byte[] header = new byte[5];
    private int headerFill;
    private int bodyRemaining;
    private byte type;
    private byte[] keyBody;
    private int keyFill;
    private boolean done;
    private CancelKey key;

    /** Looks at {@code buf}'s readable bytes; its indexes are left as they are. */
    void scan(ByteBuf buf) {
        int at = buf.readerIndex();
        int end = buf.writerIndex();
        while (at < end && !done) {
            if (bodyRemaining == 0 && headerFill < 5) {
                header[headerFill++] = buf.getByte(at++);
                if (headerFill == 5) {
                    startMessage();
                }
                continue;
            }
            int n = Math.min(bodyRemaining, end - at);
            if (keyBody != null) {
                buf.getBytes(at, keyBody, keyFill, n);
                keyFill += n;
            }
            at += n;
            bodyRemaining -= n;
            if (bodyRemaining == 0) {
                endMessage();
            }
        }
    }

    boolean done() {
        return done;
    }

    Optional<CancelKey> key() {
        return Optional.ofNullable(key);
    }

    private void startMessage() {
        type = header[0];
        int length = ((header[1] & 0xFF) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8)
                | (header[4] & 0xFF);
        if (length < 4) {
            // not a protocol stream we understand: stop looking rather than guess
            done = true;
            return;
        }
        bodyRemaining = length - 4;
        keyBody = type == 'K' && bodyRemaining >= 8 && bodyRemaining <= MAX_KEY_BODY ? new byte[bodyRemaining] : null;
        keyFill = 0;
        if (bodyRemaining == 0) {
            endMessage();
        }
    }

    private void endMessage() {
        headerFill = 0;
        if (keyBody != null) {
            int pid = ((keyBody[0] & 0xFF) << 24) | ((keyBody[1] & 0xFF) << 16) | ((keyBody[2] & 0xFF) << 8)
                    | (keyBody[3] & 0xFF);
            byte[] secret = new byte[keyBody.length - 4];
            System.arraycopy(keyBody, 4, secret, 0, secret.length);
            key = new CancelKey(pid, secret);
            keyBody = null;
        }
        if (type == 'Z' || type == 'E') {
            done = true;
        }
    }
}
