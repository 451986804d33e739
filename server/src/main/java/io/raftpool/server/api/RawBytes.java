package io.raftpool.server.api;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** A gRPC message as the bytes on the wire, unparsed: for requests that may not be readable. */
public final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    public static final RawBytes MARSHALLER = new RawBytes();

    private RawBytes() {}

    @Override
    public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
