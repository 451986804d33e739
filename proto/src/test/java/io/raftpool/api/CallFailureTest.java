package io.raftpool.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Which failures let a state-changing request go on to another agent. */
class CallFailureTest {
    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    @ParameterizedTest
    @CsvSource({
        "UNAVAILABLE, NOT_DONE", "ABORTED, NOT_DONE",
        "DEADLINE_EXCEEDED, MAYBE_DONE", "CANCELLED, MAYBE_DONE", "UNKNOWN, MAYBE_DONE", "INTERNAL, MAYBE_DONE",
        "RESOURCE_EXHAUSTED, MAYBE_DONE",
        "INVALID_ARGUMENT, REFUSED", "FAILED_PRECONDITION, REFUSED", "PERMISSION_DENIED, REFUSED",
        "UNAUTHENTICATED, REFUSED", "UNIMPLEMENTED, REFUSED", "NOT_FOUND, REFUSED"})
    void anAnswerFromTheAgentIsClassifiedByItsCode(Status.Code code, CallFailure.Kind kind) {
        assertThat(CallFailure.of("a:1", Status.fromCode(code), FIVE_SECONDS).kind()).isEqualTo(kind);
    }

    @Test
    void aRefusedConnectionMeansNothingWasDone() {
        Status status = Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new ConnectException("Connection refused: /127.0.0.1:7410"));
        CallFailure failure = CallFailure.of("127.0.0.1:7410", status, FIVE_SECONDS);
        assertThat(failure.kind()).isEqualTo(CallFailure.Kind.NOT_DONE);
        assertThat(failure).hasToString("127.0.0.1:7410: connection refused");
    }

    @Test
    void aConnectionLostMidCallMayHaveDoneIt() {
        Status status = Status.UNAVAILABLE.withDescription("io exception").withCause(new IOException("Connection reset by peer"));
        CallFailure failure = CallFailure.of("a:1", status, FIVE_SECONDS);
        assertThat(failure.kind()).isEqualTo(CallFailure.Kind.MAYBE_DONE);
        assertThat(failure.detail()).isEqualTo("UNAVAILABLE: io exception (Connection reset by peer)");
    }

    @Test
    void theDetailIsOneLine() {
        Status status = Status.UNIMPLEMENTED.withDescription("HTTP status code 404\ninvalid content-type: text/html");
        assertThat(CallFailure.of("a:1", status, FIVE_SECONDS).detail()).isEqualTo("UNIMPLEMENTED: HTTP status code 404");
    }

    @Test
    void aTimeoutSaysHowLongWasWaited() {
        assertThat(CallFailure.of("a:1", Status.DEADLINE_EXCEEDED, Duration.ofMillis(1500)).detail())
                .isEqualTo("no answer within 1500ms");
        assertThat(CallFailure.of("a:1", Status.DEADLINE_EXCEEDED, FIVE_SECONDS).detail())
                .isEqualTo("no answer within 5s");
    }
}
