package io.raftpool.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * TLS and API authentication. Off by default (plaintext, no tokens), which suits a laptop demo
 * and nothing else: production turns both on (docs/config.md, {@code security}).
 *
 * @param tls        TLS on every raftpool connection: the admin API (server certificate, and
 *                   agents' client certificates between agents), the Raft transport (mutual
 *                   TLS) and the admin console
 * @param caFile     the CA certificate(s) (PEM) every raftpool certificate is signed by
 * @param certFile   each node's certificate (PEM), a path that may hold {name}, {id}, {host}
 * @param keyFile    each node's private key (PEM, PKCS#8), the same placeholders; readable by
 *                   its owner only
 * @param auth       callers of the admin API must present a token (or be an agent with a
 *                   client certificate of the cluster's CA)
 * @param tokens     the tokens agents accept, as salted hashes, each with a role
 * @param proxyToken where a proxy finds its token (role read is enough)
 * @param cliToken   where the CLI (and the test harness) find their token
 */
public record SecuritySettings(boolean tls, Optional<Path> caFile, Optional<String> certFile,
                               Optional<String> keyFile, boolean auth, List<TokenEntry> tokens,
                               SecretRef proxyToken, SecretRef cliToken) {
    /** The placeholders cert_file and key_file may use. */
    public static final List<String> PLACEHOLDERS = List.of("name", "id", "host");

    public static final SecuritySettings DEFAULTS = new SecuritySettings(false, Optional.empty(), Optional.empty(),
            Optional.empty(), false, List.of(), SecretRef.NONE, SecretRef.NONE);

    public SecuritySettings {
        tokens = List.copyOf(tokens);
    }

    /** This node's certificate file, placeholders filled in; empty without TLS. */
    public Optional<Path> certFile(NodeConfig node) {
        return certFile.map(f -> Path.of(fill(f, node)));
    }

    /** This node's private key file, placeholders filled in; empty without TLS. */
    public Optional<Path> keyFile(NodeConfig node) {
        return keyFile.map(f -> Path.of(fill(f, node)));
    }

    static String fill(String template, NodeConfig node) {
        return template.replace("{name}", node.name()).replace("{id}", Integer.toString(node.id()))
                .replace("{host}", node.host());
    }
}
