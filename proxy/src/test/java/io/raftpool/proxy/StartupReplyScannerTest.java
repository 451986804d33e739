package io.raftpool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StartupReplyScannerTest {

    /** AuthenticationOk, two ParameterStatus, BackendKeyData(pid 4711, key 0xCAFEBABE), ReadyForQuery, then a DataRow. */
    private static byte[] replies() {
        ByteBuf b = Unpooled.buffer();
        b.writeByte('R').writeInt(8).writeInt(0);
        parameter(b, "server_version", "15.8");
        parameter(b, "client_encoding", "UTF8");
        b.writeByte('K').writeInt(12).writeInt(4711).writeInt(0xCAFEBABE);
        b.writeByte('Z').writeInt(5).writeByte('I');
        b.writeByte('K').writeInt(12).writeInt(1).writeInt(1);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static void parameter(ByteBuf b, String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        b.writeByte('S').writeInt(4 + n.length + 1 + v.length + 1).writeBytes(n).writeByte(0).writeBytes(v).writeByte(0);
    }

    private static final CancelKey EXPECTED = new CancelKey(4711, new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});

    @Test
    void findsTheKeyInOneBufferWithoutConsumingIt() {
        StartupReplyScanner scanner = new StartupReplyScanner();
        ByteBuf buf = Unpooled.wrappedBuffer(replies());
        scanner.scan(buf);
        assertThat(scanner.key()).contains(EXPECTED);
        assertThat(scanner.done()).isTrue();
        assertThat(buf.readerIndex()).isZero();
    }

    @Test
    void findsTheKeyWhateverTheChunking() {
        byte[] all = replies();
        for (int chunk = 1; chunk <= 13; chunk++) {
            StartupReplyScanner scanner = new StartupReplyScanner();
            for (int at = 0; at < all.length && !scanner.done(); at += chunk) {
                scanner.scan(Unpooled.wrappedBuffer(all, at, Math.min(chunk, all.length - at)));
            }
            assertThat(scanner.key()).as("chunks of %d", chunk).contains(EXPECTED);
        }
    }

    @Test
    void stopsAtReadyForQueryAndIgnoresLaterKeys() {
        StartupReplyScanner scanner = new StartupReplyScanner();
        ByteBuf b = Unpooled.buffer();
        b.writeByte('R').writeInt(8).writeInt(0);
        b.writeByte('Z').writeInt(5).writeByte('I');
        b.writeByte('K').writeInt(12).writeInt(1).writeInt(1);
        scanner.scan(b);
        assertThat(scanner.done()).isTrue();
        assertThat(scanner.key()).isEmpty();
    }

    @Test
    void stopsAtAnErrorResponse() {
        StartupReplyScanner scanner = new StartupReplyScanner();
        byte[] error = PgWire.fatalError("28P01", "password authentication failed");
        scanner.scan(Unpooled.wrappedBuffer(error));
        assertThat(scanner.done()).isTrue();
        assertThat(scanner.key()).isEmpty();
    }

    @Test
    void acceptsLongerKeysOfProtocol32() {
        StartupReplyScanner scanner = new StartupReplyScanner();
        ByteBuf b = Unpooled.buffer();
        b.writeByte('K').writeInt(4 + 4 + 32).writeInt(99).writeBytes(new byte[32]);
        scanner.scan(b);
        assertThat(scanner.key()).contains(new CancelKey(99, new byte[32]));
    }

    @Test
    void givesUpOnANonsenseLength() {
        StartupReplyScanner scanner = new StartupReplyScanner();
        scanner.scan(Unpooled.wrappedBuffer(new byte[] {'S', 0, 0, 0, 1, 'x', 'y'}));
        assertThat(scanner.done()).isTrue();
        assertThat(scanner.key()).isEmpty();
    }

    /** Until the client must act on something, what the server sent can be dropped and the start retried. */
    @Test
    void itIsTheClientsTurnOnlyAtAnAuthenticationRequestReadyForQueryOrAnError() {
        byte[] all = replies();
        int readyAt = all.length - 13 - 6; // ReadyForQuery (6 bytes) before the trailing BackendKeyData (13)
        for (int chunk = 1; chunk <= 7; chunk++) {
            StartupReplyScanner scanner = new StartupReplyScanner();
            for (int at = 0; at < readyAt; at += chunk) {
                scanner.scan(Unpooled.wrappedBuffer(all, at, Math.min(chunk, readyAt - at)));
                assertThat(scanner.clientTurn()).as("AuthenticationOk, ParameterStatus, BackendKeyData: chunks of %d",
                        chunk).isFalse();
            }
            scanner.scan(Unpooled.wrappedBuffer(all, readyAt, 6));
            assertThat(scanner.clientTurn()).as("ReadyForQuery").isTrue();
        }
        for (int code : new int[] {3, 5, 10}) {
            StartupReplyScanner scanner = new StartupReplyScanner();
            ByteBuf b = Unpooled.buffer();
            b.writeByte('R').writeInt(code == 5 ? 12 : 8).writeInt(code);
            if (code == 5) {
                b.writeInt(0x01020304);
            }
            scanner.scan(b);
            assertThat(scanner.clientTurn()).as("authentication request %d", code).isTrue();
        }
        StartupReplyScanner refused = new StartupReplyScanner();
        refused.scan(Unpooled.wrappedBuffer(PgWire.fatalError("57P03", "the database system is shutting down")));
        assertThat(refused.clientTurn()).isTrue();
    }
}
