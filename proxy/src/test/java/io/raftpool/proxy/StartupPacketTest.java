package io.raftpool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StartupPacketTest {

    static byte[] startupMessage(String user, String database) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(0);
        b.writeInt(196608);
        for (String s : new String[] {"user", user, "database", database}) {
            b.writeBytes(s.getBytes(StandardCharsets.UTF_8)).writeByte(0);
        }
        b.writeByte(0);
        b.setInt(0, b.readableBytes());
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    static byte[] header(int length, int code) {
        return Unpooled.buffer().writeInt(length).writeInt(code).array().clone();
    }

    private static ByteBuf buf(byte[]... parts) {
        return Unpooled.wrappedBuffer(parts);
    }

    @Test
    void sslRequest() {
        ByteBuf in = buf(new byte[] {0, 0, 0, 8, 4, (byte) 0xD2, 0x16, 0x2F});
        StartupPacket p = StartupPacket.read(in);
        assertThat(p).isInstanceOf(StartupPacket.SslRequest.class);
        assertThat(p.bytes()).hasSize(8);
        assertThat(in.readableBytes()).isZero();
    }

    @Test
    void gssEncRequest() {
        assertThat(StartupPacket.read(buf(header(8, 80877104)))).isInstanceOf(StartupPacket.GssEncRequest.class);
    }

    @Test
    void startupMessageConsumesExactlyItsLength() {
        byte[] msg = startupMessage("app", "db");
        ByteBuf in = buf(msg, new byte[] {'X', 'Y'});
        StartupPacket p = StartupPacket.read(in);
        assertThat(p).isInstanceOf(StartupPacket.Startup.class);
        assertThat(((StartupPacket.Startup) p).minor()).isZero();
        assertThat(p.bytes()).isEqualTo(msg);
        assertThat(in.readableBytes()).isEqualTo(2);
    }

    @Test
    void protocol32IsAStartupToo() {
        ByteBuf in = buf(header(9, (3 << 16) | 2), new byte[] {0});
        StartupPacket p = StartupPacket.read(in);
        assertThat(p).isInstanceOf(StartupPacket.Startup.class);
        assertThat(((StartupPacket.Startup) p).minor()).isEqualTo(2);
    }

    @Test
    void cancelRequestCarriesTheKey() {
        ByteBuf in = Unpooled.buffer().writeInt(16).writeInt(80877102).writeInt(4242).writeInt(0x01020304);
        StartupPacket p = StartupPacket.read(in);
        assertThat(p).isInstanceOf(StartupPacket.CancelRequest.class);
        assertThat(((StartupPacket.CancelRequest) p).key()).isEqualTo(new CancelKey(4242, new byte[] {1, 2, 3, 4}));
        assertThat(PgWire.cancelRequest(((StartupPacket.CancelRequest) p).key())).isEqualTo(p.bytes());
    }

    @Test
    void partialPacketsNeedMoreAndLeaveTheBufferAlone() {
        byte[] msg = startupMessage("app", "db");
        for (int cut = 0; cut < msg.length; cut++) {
            ByteBuf in = Unpooled.wrappedBuffer(msg, 0, cut);
            assertThat(StartupPacket.read(in)).as("first %d bytes", cut).isInstanceOf(StartupPacket.NeedMore.class);
            assertThat(in.readerIndex()).isZero();
        }
    }

    @Test
    void lengthOutOfBoundsIsMalformed() {
        assertThat(StartupPacket.read(buf(header(7, 196608)))).isInstanceOf(StartupPacket.Malformed.class);
        assertThat(StartupPacket.read(buf(header(10_001, 196608)))).isInstanceOf(StartupPacket.Malformed.class);
        assertThat(StartupPacket.read(buf(header(-1, 196608)))).isInstanceOf(StartupPacket.Malformed.class);
        // a TLS ClientHello sent without asking first reads as a huge length
        assertThat(StartupPacket.read(buf(new byte[] {0x16, 0x03, 0x01, 0x02}))).isInstanceOf(StartupPacket.Malformed.class);
        assertThat(StartupPacket.read(buf(header(10_000, 196608)))).isInstanceOf(StartupPacket.NeedMore.class);
    }

    @Test
    void unknownCodesAreMalformed() {
        StartupPacket p = StartupPacket.read(buf(header(8, (2 << 16))));
        assertThat(p).isInstanceOf(StartupPacket.Malformed.class);
        assertThat(((StartupPacket.Malformed) p).reason()).contains("protocol 2.0");
        assertThat(StartupPacket.read(buf("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(StartupPacket.Malformed.class);
        assertThat(StartupPacket.read(buf(header(12, 80877103), new byte[4]))).isInstanceOf(StartupPacket.Malformed.class);
        assertThat(StartupPacket.read(buf(header(12, 80877102), new byte[4]))).isInstanceOf(StartupPacket.Malformed.class);
    }
}
