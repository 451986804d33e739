package io.raftpool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgWireTest {

    /** Decodes an ErrorResponse the way a client does. */
    static Map<Character, String> fields(byte[] message) {
        ByteBuffer b = ByteBuffer.wrap(message);
        assertThat((char) b.get()).isEqualTo('E');
        assertThat(b.getInt()).isEqualTo(message.length - 1);
        Map<Character, String> fields = new LinkedHashMap<>();
        while (true) {
            byte type = b.get();
            if (type == 0) {
                break;
            }
            int start = b.position();
            while (b.get() != 0) {
                // scan to the terminator
            }
            fields.put((char) type, new String(message, start, b.position() - start - 1, StandardCharsets.UTF_8));
        }
        assertThat(b.remaining()).isZero();
        return fields;
    }

    @Test
    void errorResponseIsFatalWithTheSqlStateAndMessage() {
        byte[] msg = PgWire.fatalError("57P03", "raftpool: no primary available (failover in progress, epoch 7); retry shortly");
        assertThat(fields(msg)).containsExactly(
                Map.entry('S', "FATAL"),
                Map.entry('V', "FATAL"),
                Map.entry('C', "57P03"),
                Map.entry('M', "raftpool: no primary available (failover in progress, epoch 7); retry shortly"));
    }

    @Test
    void messageWithNulAndNonAsciiStaysOneField() {
        byte[] msg = PgWire.fatalError("57P03", "a\0b é");
        assertThat(fields(msg)).containsEntry('M', "a b é");
    }

    @Test
    void cancelRequestLayout() {
        byte[] p = PgWire.cancelRequest(new CancelKey(7, new byte[] {9, 8, 7, 6}));
        ByteBuffer b = ByteBuffer.wrap(p);
        assertThat(b.getInt()).isEqualTo(16);
        assertThat(b.getInt()).isEqualTo(80877102);
        assertThat(b.getInt()).isEqualTo(7);
        assertThat(b.getInt()).isEqualTo(0x09080706);
    }

    @Test
    void cancelKeyNeverShowsItsSecret() {
        CancelKey key = new CancelKey(77, new byte[] {0x5e, 0x5e, 0x5e, 0x5e});
        assertThat(key.toString()).contains("77").doesNotContain("5e5e");
        assertThat(key.secretHex()).isEqualTo("5e5e5e5e");
        assertThat(key).isEqualTo(new CancelKey(77, new byte[] {0x5e, 0x5e, 0x5e, 0x5e}))
                .isNotEqualTo(new CancelKey(77, new byte[] {0x5e, 0x5e, 0x5e, 0x5f}));
    }

    /** A server's answer to a start it will not begin: retried elsewhere; any other answer is the client's. */
    @Test
    void aServerGoingAwayIsToldFromItsFirstErrorResponse() {
        for (String code : new String[] {"57P01", "57P02", "57P03"}) {
            assertThat(PgWire.isServerGoingAway(io.netty.buffer.Unpooled.wrappedBuffer(PgWire.fatalError(code,
                    "the database system is shutting down")))).as(code).isTrue();
        }
        assertThat(PgWire.isServerGoingAway(io.netty.buffer.Unpooled.wrappedBuffer(PgWire.fatalError("28P01",
                "password authentication failed")))).isFalse();
        byte[] whole = PgWire.fatalError("57P03", "the database system is starting up");
        assertThat(PgWire.isServerGoingAway(io.netty.buffer.Unpooled.wrappedBuffer(whole, 0, whole.length - 3)))
                .as("not all of it yet: relayed as it is").isFalse();
        assertThat(PgWire.isServerGoingAway(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 0})))
                .isFalse();
        assertThat(PgWire.isServerGoingAway(io.netty.buffer.Unpooled.wrappedBuffer(
                new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 0}, PgWire.fatalError("57P01", "terminating connection due to"
                        + " immediate shutdown command")))).as("after AuthenticationOk").isTrue();
    }
}
