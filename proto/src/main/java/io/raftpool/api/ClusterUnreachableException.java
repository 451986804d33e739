package io.raftpool.api;

import java.util.List;
import java.util.stream.Collectors;

/** No agent answered. Nothing was carried out. The message lists every agent with its error. */
public final class ClusterUnreachableException extends AdminException {

    public ClusterUnreachableException(String request, List<CallFailure> failures) {
        super(message(request, failures), request, failures);
    }

    private static String message(String request, List<CallFailure> failures) {
        return "no raftpool agent answered " + request + "; tried " + failures.size() + ":\n"
                + failures.stream().map(f -> "  " + f).collect(Collectors.joining("\n"))
                + "\ncheck that the agents are running and that these are their admin addresses"
                + " (host and admin_port of each node in the config)";
    }
}
