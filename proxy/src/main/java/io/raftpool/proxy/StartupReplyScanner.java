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
    private boolean clientTurn;
    private CancelKey key;
    /** An authentication request's code: 0 is AuthenticationOk; any other asks the client for something. */
    private final byte[] authCode = new byte[4];
    private int authFill = -1;

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
            if (authFill >= 0 && authFill < 4) {
                int take = Math.min(n, 4 - authFill);
                buf.getBytes(at, authCode, authFill, take);
                authFill += take;
            }
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

    /**
     * Whether the client has seen nothing it must act on yet: true from the first message that
     * asks it for something (an authentication request other than Ok), ends the start
     * (ReadyForQuery) or refuses it (ErrorResponse). Until then, what the server sent can be
     * dropped and the start sent to another server.
     */
    boolean clientTurn() {
        return clientTurn;
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
            clientTurn = true;
            return;
        }
        bodyRemaining = length - 4;
        keyBody = type == 'K' && bodyRemaining >= 8 && bodyRemaining <= MAX_KEY_BODY ? new byte[bodyRemaining] : null;
        keyFill = 0;
        authFill = type == 'R' ? 0 : -1;
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
            clientTurn = true;
        }
        if (type == 'R' && (authFill < 4 || authCode[0] != 0 || authCode[1] != 0 || authCode[2] != 0
                || authCode[3] != 0)) {
            clientTurn = true;
        }
        authFill = -1;
    }
}
