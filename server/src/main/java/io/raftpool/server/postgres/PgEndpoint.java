package io.raftpool.server.postgres;

import java.util.Objects;
import java.util.Optional;

/** Where and as whom to connect to a PostgreSQL server. The password never shows in {@link #toString()}. */
public record PgEndpoint(String host, int port, String user, Optional<Password> password, String database) {
    public PgEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(database, "database");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
    }

    public static PgEndpoint of(String host, int port, String user, Optional<Password> password) {
        return new PgEndpoint(host, port, user, password, "postgres");
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + PgSyntax.urlHost(host) + ":" + port + "/" + database;
    }

    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return user + "@" + address() + "/" + database;
    }
}
