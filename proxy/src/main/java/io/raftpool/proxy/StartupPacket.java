package io.raftpool.proxy;

import io.netty.buffer.ByteBuf;

/**
 * The first packet(s) a PostgreSQL client sends, before any message has a type byte: an
 * Int32 length (itself included), an Int32 code, and a body. Only the four packets a client
 * may open with are accepted; anything else is {@link Malformed}, and the connection is closed.
 */
public sealed interface StartupPacket {

    int SSL_REQUEST = 80877103;
    int GSSENC_REQUEST = 80877104;
    int CANCEL_REQUEST = 80877102;
    int MIN_LENGTH = 8;
    int MAX_LENGTH = 10_000;

    /** The packet exactly as received, to be forwarded unchanged. */
    byte[] bytes();

    record SslRequest(byte[] bytes) implements StartupPacket {}

    record GssEncRequest(byte[] bytes) implements StartupPacket {}

    record CancelRequest(byte[] bytes, CancelKey key) implements StartupPacket {}

    /** A StartupMessage of protocol 3.x; {@code minor} is 0 for 3.0. */
    record Startup(byte[] bytes, int minor) implements StartupPacket {}

    /** Not a full packet yet: read more. */
    record NeedMore() implements StartupPacket {
        @Override
        public byte[] bytes() {
            return new byte[0];
        }
    }

    record Malformed(String reason) implements StartupPacket {
        @Override
        public byte[] bytes() {
            return new byte[0];
        }
    }

    /**
     * Reads one packet from {@code in}, consuming it when complete; leaves {@code in} untouched
     * when more bytes are needed or the packet is malformed.
     */
    static StartupPacket read(ByteBuf in) {
        if (in.readableBytes() < 4) {
            return new NeedMore();
        }
        int length = in.getInt(in.readerIndex());
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            return new Malformed("startup packet length " + Integer.toUnsignedString(length)
                    + " is outside " + MIN_LENGTH + ".." + MAX_LENGTH);
        }
        if (in.readableBytes() < 8) {
            return new NeedMore();
        }
        int code = in.getInt(in.readerIndex() + 4);
        StartupPacket kind = classify(length, code);
        if (kind instanceof Malformed) {
            return kind;
        }
        if (in.readableBytes() < length) {
            return new NeedMore();
        }
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return switch (code) {
            case SSL_REQUEST -> new SslRequest(bytes);
            case GSSENC_REQUEST -> new GssEncRequest(bytes);
            case CANCEL_REQUEST -> new CancelRequest(bytes, cancelKey(bytes));
            default -> new Startup(bytes, code & 0xFFFF);
        };
    }

    private static StartupPacket classify(int length, int code) {
        switch (code) {
            case SSL_REQUEST:
            case GSSENC_REQUEST:
                return length == 8 ? new NeedMore()
                        : new Malformed("SSL/GSSENC request of length " + length + ", expected 8");
            case CANCEL_REQUEST:
                return length >= 16 && length <= 12 + 256 ? new NeedMore()
                        : new Malformed("cancel request of length " + length + ", expected 16..268");
            default:
                if (code >>> 16 == 3) {
                    return new NeedMore();
                }
                return new Malformed("unknown startup code " + code + " (protocol " + (code >>> 16) + "."
                        + (code & 0xFFFF) + "); expected protocol 3.x, SSLRequest, GSSENCRequest or CancelRequest");
        }
    }

    private static CancelKey cancelKey(byte[] bytes) {
        int pid = ((bytes[8] & 0xFF) << 24) | ((bytes[9] & 0xFF) << 16) | ((bytes[10] & 0xFF) << 8) | (bytes[11] & 0xFF);
        byte[] secret = new byte[bytes.length - 12];
        System.arraycopy(bytes, 12, secret, 0, secret.length);
        return new CancelKey(pid, secret);
    }
}
