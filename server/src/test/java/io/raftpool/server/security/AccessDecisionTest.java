package io.raftpool.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.raftpool.config.ApiRole;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Who may call what: one row per kind of caller and role needed, with the status and the message. */
class AccessDecisionTest {
    private static final String PROMOTE = "raftpool.v1.Admin/PromoteNode";
    private static final String STATE = "raftpool.v1.Admin/GetState";

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("an agent, an admin method", PROMOTE, new Caller.Agent("CN=pgsql1"), Status.Code.OK, ""),
                Arguments.of("an admin token, an admin method", PROMOTE, new Caller.Token("ops", ApiRole.ADMIN),
                        Status.Code.OK, ""),
                Arguments.of("an admin token, a read method", STATE, new Caller.Token("ops", ApiRole.ADMIN),
                        Status.Code.OK, ""),
                Arguments.of("a read token, a read method", STATE, new Caller.Token("watch", ApiRole.READ),
                        Status.Code.OK, ""),
                Arguments.of("a read token, an admin method", PROMOTE, new Caller.Token("watch", ApiRole.READ),
                        Status.Code.PERMISSION_DENIED, "PromoteNode needs role admin; token 'watch' has role read"
                                + " (use a token of role admin)"),
                Arguments.of("no token", STATE, new Caller.Anonymous(), Status.Code.UNAUTHENTICATED,
                        "GetState needs a token of role read: send 'authorization: Bearer <token>' (the CLI reads it"
                                + " from security.cli_token_file or security.cli_token_env)"),
                Arguments.of("a header that is not a bearer token", PROMOTE, new Caller.Malformed(),
                        Status.Code.UNAUTHENTICATED, "the authorization header is not 'Bearer <token>'; PromoteNode"
                                + " needs a token of role admin"),
                Arguments.of("a new token while the budget for checks is spent", STATE, new Caller.NotChecked(),
                        Status.Code.UNAVAILABLE, "too many new tokens to check at this agent just now; try again in a"
                                + " moment (a token it has checked before is answered at once)"),
                Arguments.of("an unknown token", PROMOTE, new Caller.UnknownToken(), Status.Code.UNAUTHENTICATED,
                        "the token matches none of security.tokens; PromoteNode needs a token of role admin (check"
                                + " the token file the client reads, and the hash in the config)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String situation, String method, Caller caller, Status.Code code, String message) {
        AccessDecision d = AccessDecision.decide(method, MethodRoles.needed(method), caller);

        assertThat(d.code()).isEqualTo(code);
        assertThat(d.message()).isEqualTo(message);
        assertThat(d.allowed()).isEqualTo(code == Status.Code.OK);
    }
}
