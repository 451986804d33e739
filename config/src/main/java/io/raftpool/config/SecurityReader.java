package io.raftpool.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the {@code security} section and checks its rules (TLS files, tokens, who needs a token). */
final class SecurityReader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]*)}");

    private SecurityReader() {}

    static SecuritySettings read(YamlSection s, boolean anyProxy) {
        SecuritySettings d = SecuritySettings.DEFAULTS;
        boolean tls = s.bool("tls", d.tls());
        Optional<Path> caFile = s.string("ca_file").map(Path::of);
        caFile.filter(p -> !p.isAbsolute()).ifPresent(p -> s.problem("ca_file", "'" + p + "' is not an absolute path"));
        Optional<String> certFile = nodeFile(s, "cert_file");
        Optional<String> keyFile = nodeFile(s, "key_file");
        boolean auth = s.bool("auth", d.auth());
        List<YamlSection> tokenSections = s.sectionList("tokens");
        List<TokenEntry> tokens = tokens(tokenSections);
        SecretRef proxyToken = s.secret("proxy_token");
        SecretRef cliToken = s.secret("cli_token");
        s.finish();

        if (tls) {
            String why = " when security.tls is true (every agent serves TLS with its certificate and key, and"
                    + " trusts the CA); raftpool gen-certs makes them";
            if (caFile.isEmpty()) {
                s.problem("ca_file", "is required" + why);
            }
            if (certFile.isEmpty()) {
                s.problem("cert_file", "is required" + why);
            }
            if (keyFile.isEmpty()) {
                s.problem("key_file", "is required" + why);
            }
        }
        if (auth && !tls) {
            s.problem("auth", "true needs security.tls: true, or tokens would cross the network in the clear;"
                    + " turn TLS on too");
        }
        if (auth && tokenSections.isEmpty()) {
            s.problem("tokens", "is required when security.auth is true: at least one token (name, role, hash);"
                    + " raftpool hash-token prints the hash");
        }
        if (auth && anyProxy && !proxyToken.isPresent()) {
            s.problem("proxy_token_file", "is required (or proxy_token_env) when security.auth is true and a node"
                    + " runs a proxy: the proxy presents it to watch the cluster state (a token of role read is enough)");
        }
        return new SecuritySettings(tls, caFile, certFile, keyFile, auth, tokens, proxyToken, cliToken);
    }

    /** An absolute path that may hold {name}, {id} or {host}. */
    private static Optional<String> nodeFile(YamlSection s, String key) {
        Optional<String> value = s.string(key);
        value.ifPresent(v -> {
            Matcher m = PLACEHOLDER.matcher(v);
            while (m.find()) {
                if (!SecuritySettings.PLACEHOLDERS.contains(m.group(1))) {
                    s.problem(key, "unknown placeholder {" + m.group(1) + "}; allowed: {name}, {id}, {host}");
                }
            }
            if (!v.startsWith("/")) {
                s.problem(key, "'" + v + "' is not an absolute path");
            }
        });
        return value;
    }

    private static List<TokenEntry> tokens(List<YamlSection> sections) {
        List<TokenEntry> tokens = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlSection t : sections) {
            String name = t.requiredString("name").orElse("");
            if (!name.isEmpty() && !NAME.matcher(name).matches()) {
                t.problem("name", "'" + name + "' is not allowed; use letters, digits, '.', '_' or '-', starting with a"
                        + " letter or digit, at most 63 characters");
            } else if (!name.isEmpty() && !names.add(name)) {
                t.problem("name", "'" + name + "' is used by another token too; token names must be unique");
            }
            Optional<ApiRole> role = t.string("role").flatMap(r -> role(t, r));
            if (!t.has("role")) {
                t.problem("role", "is required; allowed: read, admin");
            }
            Optional<TokenHash> hash = t.requiredString("hash").flatMap(h -> {
                try {
                    return Optional.of(TokenHash.parse(h));
                } catch (IllegalArgumentException e) {
                    t.problem("hash", e.getMessage());
                    return Optional.empty();
                }
            });
            t.finish();
            if (!name.isEmpty() && role.isPresent() && hash.isPresent()) {
                tokens.add(new TokenEntry(name, role.get(), hash.get()));
            }
        }
        return tokens;
    }

    private static Optional<ApiRole> role(YamlSection t, String text) {
        for (ApiRole r : ApiRole.values()) {
            if (r.word().equals(text)) {
                return Optional.of(r);
            }
        }
        t.problem("role", "'" + text + "' is not allowed; allowed: read, admin");
        return Optional.empty();
    }
}
