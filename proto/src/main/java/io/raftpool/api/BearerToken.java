package io.raftpool.api;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import java.util.concurrent.Executor;

/**
 * Sends an API token with every call, as {@code authorization: Bearer <token>}, and only over
 * TLS: on a connection without it the call fails before anything is sent.
 */
public final class BearerToken extends CallCredentials {
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final String PREFIX = "Bearer ";

    private final String token;

    public BearerToken(String token) {
        if (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("an API token must be printable ASCII without spaces;"
                    + " e.g. openssl rand -base64 32");
        }
        this.token = token;
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        if (info.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
            applier.fail(Status.UNAUTHENTICATED.withDescription("refusing to send the API token to "
                    + info.getAuthority() + " over a connection without TLS; turn on security.tls"));
            return;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, PREFIX + token);
        applier.apply(headers);
    }

    @Override
    public String toString() {
        return "bearer token ********";
    }
}
