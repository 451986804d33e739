package io.raftpool.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a secret (a password, a token) is found: a file or an environment variable, never the
 * config text itself nor the command line. {@link #toString()} never shows the secret.
 */
public record SecretRef(Kind kind, String location) {
    public enum Kind { NONE, FILE, ENV }

    public static final SecretRef NONE = new SecretRef(Kind.NONE, "");

    public static SecretRef file(Path path) {
        return new SecretRef(Kind.FILE, path.toString());
    }

    public static SecretRef env(String variable) {
        return new SecretRef(Kind.ENV, variable);
    }

    public boolean isPresent() {
        return kind != Kind.NONE;
    }

    /**
     * Reads the secret. A file readable by group or others is refused: a secret in such a
     * file is no secret. Trailing newlines are dropped (echo adds one). An empty secret is
     * refused: it is always a mistake, and PostgreSQL would report it far from its cause.
     */
    public Optional<String> resolve(Map<String, String> environment) {
        switch (kind) {
            case NONE:
                return Optional.empty();
            case ENV: {
                String value = environment.get(location);
                if (value == null) {
                    throw new ConfigException("environment variable " + location
                            + " is not set; it should hold the secret the config names");
                }
                return Optional.of(nonEmpty(stripNewlines(value), "environment variable " + location));
            }
            case FILE: {
                Path path = Path.of(location);
                try {
                    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
                    if (perms.contains(PosixFilePermission.GROUP_READ)
                            || perms.contains(PosixFilePermission.OTHERS_READ)) {
                        throw new ConfigException("secret file " + path + " is readable by group or others;"
                                + " make it private: chmod 600 " + path);
                    }
                    return Optional.of(nonEmpty(stripNewlines(Files.readString(path, StandardCharsets.UTF_8)),
                            "secret file " + path));
                } catch (NoSuchFileException e) {
                    throw new ConfigException("secret file " + path + " does not exist; create it with the secret"
                            + " on one line and chmod 600 it");
                } catch (IOException e) {
                    throw new ConfigException("cannot read secret file " + path + ": " + e.getMessage());
                }
            }
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    public Optional<String> resolve() {
        return resolve(System.getenv());
    }

    private static String nonEmpty(String secret, String source) {
        if (secret.isEmpty()) {
            throw new ConfigException(source + " is empty; it should hold the secret the config names");
        }
        return secret;
    }

    private static String stripNewlines(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case FILE -> "file " + location;
            case ENV -> "env " + location;
        };
    }
}
