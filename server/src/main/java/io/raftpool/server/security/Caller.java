package io.raftpool.server.security;

import io.raftpool.config.ApiRole;

/** Who is calling, as far as the transport and the authorization header tell. */
public sealed interface Caller {
    /** Showed a client certificate of the cluster's CA: another agent. */
    record Agent(String subject) implements Caller {}

    /** Presented a token that matches {@code security.tokens[name]}. */
    record Token(String name, ApiRole role) implements Caller {}

    /** Sent no authorization header. */
    record Anonymous() implements Caller {}

    /** Sent an authorization header that is not {@code Bearer <token>}. */
    record Malformed() implements Caller {}

    /** Sent a token that matches no configured hash. */
    record UnknownToken() implements Caller {}

    /** Sent a token this agent has not seen, while its budget for checking new tokens is spent. */
    record NotChecked() implements Caller {}
}
