package io.raftpool.harness;

import io.raftpool.config.TokenHash;
import io.raftpool.server.security.CertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLS files and tokens of a secured local cluster, and the {@code security} section that
 * names them; and the credentials a client of such a cluster uses (the CLI's token).
 */
final class SecuredFiles {
    static final String DIR = "tls";
    /** Tokens of the harness: name and role. The proxies present "proxy", the harness and CLI "admin". */
    private static final Map<String, String> TOKENS = Map.of("admin", "admin", "read", "read", "proxy", "read");

    private SecuredFiles() {}

    /** Writes the CA, every node's certificate and key, and the tokens; returns the security section. */
    static Map<String, Object> write(Path dir, List<Map<String, Object>> nodes) {
        List<CertificateAuthority.Node> certs = new ArrayList<>();
        for (Map<String, Object> n : nodes) {
            certs.add(new CertificateAuthority.Node((String) n.get("name"), (String) n.get("host")));
        }
        CertificateAuthority ca = new CertificateAuthority(dir);
        ca.create(certs);
        SecureRandom random = new SecureRandom();
        List<Map<String, Object>> tokens = new ArrayList<>();
        for (String name : List.of("admin", "read", "proxy")) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            writePrivate(dir.resolve(name + ".token"), token + "\n");
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", name);
            entry.put("role", TOKENS.get(name));
            // the lowest count the config accepts: the tests start many agents
            entry.put("hash", TokenHash.create(token, TokenHash.MIN_ITERATIONS, random).format());
            tokens.add(entry);
        }
        Map<String, Object> security = new LinkedHashMap<>();
        security.put("tls", true);
        security.put("ca_file", ca.caCertificate().toString());
        security.put("cert_file", dir.resolve("{name}.crt").toString());
        security.put("key_file", dir.resolve("{name}.key").toString());
        security.put("auth", true);
        security.put("tokens", tokens);
        security.put("proxy_token_file", dir.resolve("proxy.token").toString());
        security.put("cli_token_file", dir.resolve("admin.token").toString());
        return security;
    }

    static String token(Path dir, String name) {
        Path file = dir.resolve(name + ".token");
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new HarnessException("no token '" + name + "' in " + dir + " (a secured cluster has admin, read and"
                    + " proxy): " + e.getMessage(), e);
        }
    }

    private static void writePrivate(Path file, String text) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
