package io.raftpool.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Makes the TLS files of a test or small cluster with {@code openssl}: a CA ({@code ca.crt},
 * {@code ca.key}) and, for each node, a key and a certificate signed by the CA whose subject
 * alternative name is the node's host ({@code <name>.crt}, {@code <name>.key}), usable as a
 * server and as a client certificate (agents show it to each other). EC P-256 keys in PKCS#8.
 * Keys are written readable by their owner only. An existing CA in the directory is reused,
 * so nodes can be added later; existing node files are replaced.
 */
public final class CertificateAuthority {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");
    public static final int CA_DAYS = 3650;
    public static final int NODE_DAYS = 825;

    /** One node's certificate: its name (the file names) and the host clients reach it by. */
    public record Node(String name, String host) {
        public Node {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("node name '" + name + "' is not allowed; use letters, digits,"
                        + " '.', '_' or '-', starting with a letter or digit, at most 63 characters");
            }
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("host '" + host + "' of node " + name + " is not a host name or"
                        + " IPv4 address; allowed: e.g. 10.0.0.11 or db1.example.com");
            }
        }

        /** {@code name=host}, or a bare host that is its own name. */
        public static Node parse(String text) {
            int eq = text.indexOf('=');
            return eq < 0 ? new Node(text, text) : new Node(text.substring(0, eq), text.substring(eq + 1));
        }

        String subjectAltName() {
            String san = IPV4.matcher(host).matches() ? "IP:" + host : "DNS:" + host;
            return host.equals("127.0.0.1") || host.equals("localhost") ? san + ",DNS:localhost,IP:127.0.0.1" : san;
        }
    }

    private final Path dir;
    private final String openssl;

    public CertificateAuthority(Path dir) {
        this(dir, "openssl");
    }

    CertificateAuthority(Path dir, String openssl) {
        this.dir = dir.toAbsolutePath();
        this.openssl = openssl;
    }

    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    public Path certificate(String node) {
        return dir.resolve(node + ".crt");
    }

    public Path key(String node) {
        return dir.resolve(node + ".key");
    }

    /** Makes the CA when the directory has none, then every node's key and certificate; returns the files written. */
    public List<Path> create(List<Node> nodes) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            if (!Files.exists(caCertificate()) || !Files.exists(dir.resolve("ca.key"))) {
                run("openssl req -x509 (the CA)", List.of(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", Integer.toString(CA_DAYS),
                        "-subj", "/CN=raftpool CA", "-addext", "basicConstraints=critical,CA:TRUE",
                        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                        "-keyout", dir.resolve("ca.key").toString(), "-out", caCertificate().toString()));
                makePrivate(dir.resolve("ca.key"));
                written.add(caCertificate());
                written.add(dir.resolve("ca.key"));
            }
            for (Node n : nodes) {
                Path csr = dir.resolve(n.name() + ".csr");
                Path ext = dir.resolve(n.name() + ".ext");
                run("openssl req (the key of " + n.name() + ")", List.of(openssl, "req", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=" + n.name(),
                        "-keyout", key(n.name()).toString(), "-out", csr.toString()));
                makePrivate(key(n.name()));
                Files.writeString(ext, "subjectAltName=" + n.subjectAltName() + "\n"
                        + "basicConstraints=critical,CA:FALSE\n"
                        + "keyUsage=critical,digitalSignature,keyEncipherment\n"
                        + "extendedKeyUsage=serverAuth,clientAuth\n", StandardCharsets.US_ASCII);
                run("openssl x509 (the certificate of " + n.name() + ")", List.of(openssl, "x509", "-req",
                        "-in", csr.toString(), "-CA", caCertificate().toString(),
                        "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial",
                        "-days", Integer.toString(NODE_DAYS), "-extfile", ext.toString(),
                        "-out", certificate(n.name()).toString()));
                Files.deleteIfExists(csr);
                Files.deleteIfExists(ext);
                written.add(certificate(n.name()));
                written.add(key(n.name()));
            }
            Files.deleteIfExists(dir.resolve("ca.srl"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TLS files in " + dir + ": " + e.getMessage(), e);
        }
        return written;
    }

    private static void makePrivate(Path key) throws IOException {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }

    private void run(String what, List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + openssl + " for " + what + ": " + e.getMessage()
                    + "; install it (apt-get install openssl) or make the files by hand (docs/config.md, security)", e);
        }
        try {
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not finish within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed with exit code " + p.exitValue() + ": "
                        + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        }
    }
}
