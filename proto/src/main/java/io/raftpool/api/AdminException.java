package io.raftpool.api;

import java.util.List;

/** An admin call that got no usable answer. Each subclass says what is known about its outcome. */
public abstract sealed class AdminException extends RuntimeException
        permits ClusterUnreachableException, OutcomeUnknownException, RequestRejectedException {

    private final String request;
    private final List<CallFailure> failures;

    AdminException(String message, String request, List<CallFailure> failures) {
        super(message);
        this.request = request;
        this.failures = List.copyOf(failures);
    }

    /** The call, e.g. {@code PromoteNode(node 1)}. */
    public String request() {
        return request;
    }

    /** Every agent that was asked, in order, with why it did not answer. */
    public List<CallFailure> failures() {
        return failures;
    }
}
