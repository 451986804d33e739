package io.raftpool.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A state-changing request reached an agent that gave no answer: it may or may not have been
 * carried out, so it was not sent to another agent. The last failure is the one that matters.
 */
public final class OutcomeUnknownException extends AdminException {

    public OutcomeUnknownException(String request, List<CallFailure> earlier, CallFailure failure) {
        super(request + " was sent to " + failure.address() + ", which did not answer (" + failure.detail()
                        + "); it may have been carried out. Check the committed state (raftpool pool-nodes,"
                        + " raftpool events) before trying again",
                request, append(earlier, failure));
    }

    private static List<CallFailure> append(List<CallFailure> earlier, CallFailure last) {
        List<CallFailure> all = new ArrayList<>(earlier);
        all.add(last);
        return all;
    }
}
