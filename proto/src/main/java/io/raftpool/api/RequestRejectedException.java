package io.raftpool.api;

import java.util.List;

/** An agent answered with an error (bad request, not allowed, not implemented). Nothing was done. */
public final class RequestRejectedException extends AdminException {

    public RequestRejectedException(String request, CallFailure failure) {
        super(failure.address() + " rejected " + request + ": " + failure.detail(), request, List.of(failure));
    }
}
