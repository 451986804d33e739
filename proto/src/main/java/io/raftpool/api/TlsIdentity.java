package io.raftpool.api;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A private key and its certificate chain (leaf first): what an agent shows as a TLS server,
 * and as a client to another agent (mutual TLS). {@link #toString()} never shows the key.
 */
public record TlsIdentity(PrivateKey key, List<X509Certificate> chain) {
    public TlsIdentity {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a TLS identity needs at least one certificate");
        }
    }

    /** Reads a key file and a certificate file; {@code what} names them in errors (e.g. the config keys). */
    public static TlsIdentity read(Path keyFile, String keyWhat, Path certFile, String certWhat) {
        return new TlsIdentity(Pem.privateKey(keyFile, keyWhat), Pem.certificates(certFile, certWhat));
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    @Override
    public String toString() {
        return "TLS identity " + certificate().getSubjectX500Principal().getName();
    }
}
