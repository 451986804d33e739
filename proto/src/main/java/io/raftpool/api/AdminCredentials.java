package io.raftpool.api;

import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * How a client of the admin API proves who it talks to and who it is: plaintext (security off),
 * or TLS trusting the cluster's CA, optionally with a client certificate (agents, mutual TLS)
 * and an API token (CLI, proxies). Immutable; {@link #toString()} shows no secret.
 */
public final class AdminCredentials {
    private static final AdminCredentials PLAINTEXT = new AdminCredentials(List.of(), Optional.empty(), Optional.empty());

    private final List<X509Certificate> trusted;
    private final Optional<TlsIdentity> identity;
    private final Optional<BearerToken> token;
    private final SslContext ssl;

    private AdminCredentials(List<X509Certificate> trusted, Optional<TlsIdentity> identity, Optional<BearerToken> token) {
        this.trusted = List.copyOf(trusted);
        this.identity = identity;
        this.token = token;
        this.ssl = trusted.isEmpty() ? null : sslContext(this.trusted, identity);
    }

    /** No TLS, no token: what a cluster with security off expects. */
    public static AdminCredentials plaintext() {
        return PLAINTEXT;
    }

    /** TLS that trusts only these CA certificates. */
    public static AdminCredentials tls(List<X509Certificate> trusted) {
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("TLS needs at least one trusted CA certificate");
        }
        return new AdminCredentials(trusted, Optional.empty(), Optional.empty());
    }

    /** TLS that trusts the CA certificates of a PEM file; {@code what} names it in errors. */
    public static AdminCredentials tls(Path caFile, String what) {
        return tls(Pem.certificates(caFile, what));
    }

    /** The same, also showing this client certificate (mutual TLS). */
    public AdminCredentials withIdentity(TlsIdentity id) {
        requireTls("a client certificate");
        return new AdminCredentials(trusted, Optional.of(id), token);
    }

    /** The same, also sending this token with every call. */
    public AdminCredentials withToken(String secret) {
        requireTls("an API token");
        return new AdminCredentials(trusted, identity, Optional.of(new BearerToken(secret)));
    }

    public boolean tls() {
        return ssl != null;
    }

    public boolean hasToken() {
        return token.isPresent();
    }

    /** Plaintext or TLS on a channel to an agent. */
    public NettyChannelBuilder configure(NettyChannelBuilder builder) {
        return ssl == null ? builder.usePlaintext() : builder.useTransportSecurity().sslContext(ssl);
    }

    /** The token on a stub's calls, when there is one. */
    public <S extends AbstractStub<S>> S apply(S stub) {
        return token.isPresent() ? stub.withCallCredentials(token.get()) : stub;
    }

    private void requireTls(String what) {
        if (ssl == null) {
            throw new IllegalStateException(what + " needs TLS: build the credentials with AdminCredentials.tls first");
        }
    }

    private static SslContext sslContext(List<X509Certificate> trusted, Optional<TlsIdentity> identity) {
        try {
            SslContextBuilder b = GrpcSslContexts.forClient().trustManager(trusted.toArray(X509Certificate[]::new));
            identity.ifPresent(id -> b.keyManager(id.key(), id.chain().toArray(X509Certificate[]::new)));
            return b.build();
        } catch (SSLException e) {
            throw new TlsFileException("cannot set up TLS for the admin API: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        if (ssl == null) {
            return "plaintext";
        }
        return "TLS (" + trusted.size() + " trusted CA certificate(s)" + identity.map(i -> ", " + i).orElse("")
                + (token.isPresent() ? ", token ********" : "") + ")";
    }
}
