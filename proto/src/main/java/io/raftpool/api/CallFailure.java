package io.raftpool.api;

import io.grpc.Status;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Why one agent did not answer one call, in words an operator can act on
 * ({@code "127.0.0.1:7410: connection refused"}), and what that says about whether the agent
 * carried the request out: only then may a state-changing request be sent to another agent.
 */
public record CallFailure(String address, Status.Code code, String detail, Kind kind) {

    public enum Kind {
        /** The agent certainly did not act: it could not be reached, or it said it was unavailable. */
        NOT_DONE,
        /** The request may have been carried out: no answer in time, or the call broke midway. */
        MAYBE_DONE,
        /** The agent answered with an error: the request itself is wrong or not allowed. */
        REFUSED
    }

    public static CallFailure of(String address, Status status, Duration timeout) {
        Throwable connectError = connectError(status.getCause());
        return new CallFailure(address, status.getCode(), detail(status, connectError, timeout),
                kind(status, connectError));
    }

    /** The agent refused the caller (no or a wrong token, or a role that does not allow the call). */
    public boolean refusedCaller() {
        return code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED;
    }

    static Kind kind(Status status, Throwable connectError) {
        return switch (status.getCode()) {
            // a server-sent UNAVAILABLE carries no local cause; a broken connection mid-call does
            case UNAVAILABLE -> connectError != null || status.getCause() == null ? Kind.NOT_DONE : Kind.MAYBE_DONE;
            case ABORTED -> Kind.NOT_DONE;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED,
                 UNAUTHENTICATED, OUT_OF_RANGE, UNIMPLEMENTED -> Kind.REFUSED;
            default -> Kind.MAYBE_DONE;
        };
    }

    static String detail(Status status, Throwable connectError, Duration timeout) {
        if (connectError instanceof UnknownHostException) {
            return "unknown host";
        }
        if (connectError instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (connectError != null) {
            String message = String.valueOf(connectError.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (message.contains("refused")) {
                return "connection refused";
            }
            if (message.contains("timed out")) {
                return "connection timed out";
            }
            return "cannot connect: " + connectError.getMessage();
        }
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return "no answer within " + Durations.format(timeout);
        }
        StringBuilder text = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) {
            // one line per agent in the lists we print; gRPC appends response headers on further lines
            text.append(": ").append(status.getDescription().lines().findFirst().orElse(""));
        }
        if (status.getCause() != null && status.getCause().getMessage() != null) {
            text.append(" (").append(status.getCause().getMessage()).append(')');
        }
        return text.toString();
    }

    private static Throwable connectError(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
                return t;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return address + ": " + detail;
    }
}
