package io.raftpool.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files TLS needs, with the JDK alone: X.509 certificates, and unencrypted PKCS#8
 * private keys (RSA, EC or Ed25519) that only their owner can read. Every failure names the
 * file, what is wrong, and how to fix it; key material never appears in a message.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "EdDSA");

    private Pem() {}

    /** The certificates of a PEM file, in file order (a chain: leaf first). */
    public static List<X509Certificate> certificates(Path file, String what) {
        String text = read(file, what);
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(text)) {
                if (b.type().equals("CERTIFICATE")) {
                    certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new TlsFileException(what + ": " + file + " holds a certificate that cannot be read ("
                    + e.getMessage() + "); it must be PEM (-----BEGIN CERTIFICATE-----)", e);
        }
        if (certs.isEmpty()) {
            throw new TlsFileException(what + ": " + file + " holds no certificate; it must be PEM"
                    + " (-----BEGIN CERTIFICATE-----), e.g. as raftpool gen-certs writes it");
        }
        return List.copyOf(certs);
    }

    /**
     * The private key of a PEM file. A file that group or others can read is refused: a key in
     * such a file is no secret.
     */
    public static PrivateKey privateKey(Path file, String what) {
        checkPrivate(file, what);
        String text = read(file, what);
        for (Block b : blocks(text)) {
            switch (b.type()) {
                case "PRIVATE KEY":
                    return decode(b.der(), file, what);
                case "ENCRYPTED PRIVATE KEY":
                    throw new TlsFileException(what + ": " + file + " is an encrypted key; raftpool needs it"
                            + " unencrypted and readable by its owner only: openssl pkcs8 -topk8 -nocrypt -in "
                            + file + " -out " + file + ".new");
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                    throw new TlsFileException(what + ": " + file + " is a key in the old " + b.type().split(" ")[0]
                            + " form; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out "
                            + file + ".pk8");
                default:
                    // a certificate or parameters next to the key: skip
            }
        }
        throw new TlsFileException(what + ": " + file + " holds no private key; it must be PEM"
                + " (-----BEGIN PRIVATE KEY-----), e.g. as raftpool gen-certs writes it");
    }

    private static PrivateKey decode(byte[] der, Path file, String what) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next algorithm
            }
        }
        throw new TlsFileException(what + ": " + file + " holds a private key this JVM cannot read; allowed: an"
                + " RSA, EC or Ed25519 key in PKCS#8 PEM form");
    }

    static void checkPrivate(Path file, String what) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                throw new TlsFileException(what + ": " + file + " is readable by group or others; make it private:"
                        + " chmod 600 " + file);
            }
        } catch (NoSuchFileException e) {
            throw missing(file, what);
        } catch (IOException | UnsupportedOperationException e) {
            throw new TlsFileException(what + ": cannot check the permissions of " + file + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw missing(file, what);
        } catch (IOException e) {
            throw new TlsFileException(what + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static TlsFileException missing(Path file, String what) {
        return new TlsFileException(what + ": " + file + " does not exist; raftpool gen-certs makes a CA and"
                + " the nodes' certificates and keys (see docs/config.md, security)");
    }

    private record Block(String type, byte[] der) {}

    private static List<Block> blocks(String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
        }
        return blocks;
    }
}
