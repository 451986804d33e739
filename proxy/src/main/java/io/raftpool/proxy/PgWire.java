package io.raftpool.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The few PostgreSQL messages the proxy writes itself. */
public final class PgWire {

    /** "cannot connect now": what PostgreSQL itself answers while starting up or shutting down. */
    public static final String CANNOT_CONNECT_NOW = "57P03";

    public static final byte SSL_REFUSED = 'N';

    private PgWire() {}

    /** A FATAL ErrorResponse carrying {@code sqlState} and {@code message}. */
    public static byte[] fatalError(String sqlState, String message) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, 'S', "FATAL");
        field(body, 'V', "FATAL");
        field(body, 'C', sqlState);
        field(body, 'M', message);
        body.write(0);
        byte[] fields = body.toByteArray();
        int length = 4 + fields.length;
        byte[] out = new byte[1 + length];
        out[0] = 'E';
        out[1] = (byte) (length >>> 24);
        out[2] = (byte) (length >>> 16);
        out[3] = (byte) (length >>> 8);
        out[4] = (byte) length;
        System.arraycopy(fields, 0, out, 5, fields.length);
        return out;
    }

    /**
     * Whether the whole messages in {@code buf} hold an ErrorResponse saying the server goes away
     * or is not ready (SQLSTATE 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect
     * now): the answer of a server that stops, crashed or is starting, to a session it never
     * began. Reads without moving {@code buf}'s indexes.
     */
    public static boolean isServerGoingAway(io.netty.buffer.ByteBuf buf) {
        int at = buf.readerIndex();
        while (buf.writerIndex() - at >= 5) {
            int length = buf.getInt(at + 1);
            if (length < 4 || buf.writerIndex() - at < 1 + length) {
                return false;
            }
            if (buf.getByte(at) == 'E') {
                return goingAwayCode(buf, at, length);
            }
            at += 1 + length;
        }
        return false;
    }

    private static boolean goingAwayCode(io.netty.buffer.ByteBuf buf, int at, int length) {
        int p = at + 5;
        int end = at + 1 + length;
        while (p < end && buf.getByte(p) != 0) {
            byte type = buf.getByte(p++);
            int nul = buf.indexOf(p, end, (byte) 0);
            if (nul < 0) {
                return false;
            }
            if (type == 'C') {
                String code = buf.toString(p, nul - p, StandardCharsets.US_ASCII);
                return code.equals("57P01") || code.equals("57P02") || code.equals(CANNOT_CONNECT_NOW);
            }
            p = nul + 1;
        }
        return false;
    }

    /** The CancelRequest packet for {@code key}. */
    public static byte[] cancelRequest(CancelKey key) {
        byte[] secret = key.secret();
        int length = 12 + secret.length;
        byte[] out = new byte[length];
        putInt(out, 0, length);
        putInt(out, 4, StartupPacket.CANCEL_REQUEST);
        putInt(out, 8, key.pid());
        System.arraycopy(secret, 0, out, 12, secret.length);
        return out;
    }

    private static void field(ByteArrayOutputStream out, char type, String value) {
        out.write(type);
        // a NUL inside would end the field early and shift the ones after it
        byte[] bytes = value.replace('\0', ' ').getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        out.write(0);
    }

    private static void putInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
    }
}
