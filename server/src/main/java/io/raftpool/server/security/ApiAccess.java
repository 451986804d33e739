package io.raftpool.server.security;

import io.grpc.ServerInterceptor;
import io.raftpool.config.ApiRole;
import io.raftpool.config.SecuritySettings;
import java.util.Optional;

/**
 * Who may use this agent's admin API and admin console, as {@code security} says: with
 * {@code auth} on, an interceptor on the API and a password check on the console, both against
 * the same token hashes and both counted in {@link #counters()}; with it off, everyone.
 */
public final class ApiAccess {
    private static final String CONSOLE = "admin console";

    private final boolean required;
    private final TokenVerifier verifier;
    private final AuthCounters counters = new AuthCounters();

    public ApiAccess(SecuritySettings security) {
        this.required = security.auth();
        this.verifier = new TokenVerifier(security.tokens());
    }

    public boolean required() {
        return required;
    }

    /** The API's interceptor; empty when authentication is off. */
    public Optional<ServerInterceptor> interceptor() {
        return required ? Optional.of(new AuthInterceptor(verifier, counters)) : Optional.empty();
    }

    /** Whether a console password is a token of any role (the console only reads); counts the outcome. */
    public boolean consolePassword(String password) {
        Caller caller = password.isEmpty() ? new Caller.Anonymous() : AuthInterceptor.callerOf(verifier.check(password));
        AccessDecision decision = AccessDecision.decide(CONSOLE, ApiRole.READ, caller);
        counters.count(decision);
        return decision.allowed();
    }

    public AuthCounters counters() {
        return counters;
    }
}
