package io.raftpool.server.security;

import io.grpc.Status;
import io.raftpool.config.ApiRole;

/**
 * Whether a caller may call a method, and if not the status and the message it gets. A pure
 * function of (method, role it needs, caller): no secret is ever part of a message.
 */
public record AccessDecision(Status.Code code, String message) {

    public boolean allowed() {
        return code == Status.Code.OK;
    }

    public static AccessDecision decide(String method, ApiRole needed, Caller caller) {
        String name = shortName(method);
        if (caller instanceof Caller.Agent) {
            return ok();
        }
        if (caller instanceof Caller.Token t) {
            return t.role().allows(needed) ? ok()
                    : new AccessDecision(Status.Code.PERMISSION_DENIED, name + " needs role " + needed.word()
                            + "; token '" + t.name() + "' has role " + t.role().word()
                            + " (use a token of role " + needed.word() + ")");
        }
        if (caller instanceof Caller.Malformed) {
            return new AccessDecision(Status.Code.UNAUTHENTICATED, "the authorization header is not"
                    + " 'Bearer <token>'; " + name + " needs a token of role " + needed.word());
        }
        if (caller instanceof Caller.NotChecked) {
            return new AccessDecision(Status.Code.UNAVAILABLE, "too many new tokens to check at this agent just now;"
                    + " try again in a moment (a token it has checked before is answered at once)");
        }
        if (caller instanceof Caller.UnknownToken) {
            return new AccessDecision(Status.Code.UNAUTHENTICATED, "the token matches none of security.tokens; "
                    + name + " needs a token of role " + needed.word()
                    + " (check the token file the client reads, and the hash in the config)");
        }
        return new AccessDecision(Status.Code.UNAUTHENTICATED, name + " needs a token of role " + needed.word()
                + ": send 'authorization: Bearer <token>' (the CLI reads it from security.cli_token_file or"
                + " security.cli_token_env)");
    }

    private static AccessDecision ok() {
        return new AccessDecision(Status.Code.OK, "");
    }

    /** "raftpool.v1.Admin/PromoteNode" -> "PromoteNode". */
    static String shortName(String method) {
        int slash = method.lastIndexOf('/');
        return slash < 0 ? method : method.substring(slash + 1);
    }
}
