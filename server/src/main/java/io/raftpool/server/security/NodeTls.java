package io.raftpool.server.security;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.raftpool.api.AdminCredentials;
import io.raftpool.api.Pem;
import io.raftpool.api.TlsFileException;
import io.raftpool.api.TlsIdentity;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigException;
import io.raftpool.config.NodeConfig;
import io.raftpool.config.SecuritySettings;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * One node's TLS material, read once when its agent starts: its key and certificate and the
 * cluster's CA, and the TLS set-ups built from them for every place the agent talks: the admin
 * API server, its calls to other agents, the Raft transport and the admin console.
 */
public final class NodeTls {
    private final TlsIdentity identity;
    private final List<X509Certificate> trusted;

    private NodeTls(TlsIdentity identity, List<X509Certificate> trusted) {
        this.identity = identity;
        this.trusted = List.copyOf(trusted);
    }

    /**
     * This node's TLS material, or empty when {@code security.tls} is off.
     *
     * @throws ConfigException naming the config key and the file when one cannot be used
     */
    public static Optional<NodeTls> load(ClusterConfig config, int nodeId) {
        SecuritySettings s = config.security();
        if (!s.tls()) {
            return Optional.empty();
        }
        NodeConfig node = config.requireNode(nodeId);
        try {
            List<X509Certificate> ca = Pem.certificates(s.caFile().orElseThrow(), "security.ca_file");
            TlsIdentity id = TlsIdentity.read(s.keyFile(node).orElseThrow(), "security.key_file",
                    s.certFile(node).orElseThrow(), "security.cert_file");
            return Optional.of(new NodeTls(id, ca));
        } catch (TlsFileException e) {
            throw new ConfigException(config.source() + ": " + e.getMessage());
        }
    }

    /** The admin API's server side: this node's certificate; an agent's client certificate is checked when shown. */
    public SslContext adminServer() {
        try {
            return GrpcSslContexts.configure(
                    SslContextBuilder.forServer(identity.key(), identity.chain().toArray(X509Certificate[]::new)))
                    .trustManager(trusted.toArray(X509Certificate[]::new))
                    .clientAuth(ClientAuth.OPTIONAL)
                    .build();
        } catch (SSLException e) {
            throw new ConfigException("cannot serve the admin API over TLS with security.cert_file and"
                    + " security.key_file: " + e.getMessage());
        }
    }

    /** How this agent calls the others: TLS trusting the CA, showing its own certificate. */
    public AdminCredentials peerCredentials() {
        return AdminCredentials.tls(trusted).withIdentity(identity);
    }

    /** The Raft transport: mutual TLS, every agent shows its certificate and checks the other's. */
    public GrpcTlsConfig raft() {
        return new GrpcTlsConfig(identity.key(), identity.certificate(), trusted, true);
    }

    /** The admin console's TLS (a JDK server context with this node's certificate). */
    public SSLContext console() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("node", identity.key(), none, identity.chain().toArray(X509Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, none);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new ConfigException("cannot serve the admin console over TLS with security.cert_file and"
                    + " security.key_file: " + e.getMessage());
        }
    }

    public TlsIdentity identity() {
        return identity;
    }

    public List<X509Certificate> trusted() {
        return trusted;
    }
}
