package io.raftpool.proxy;

/** The routing decision for one new client connection. */
public sealed interface Route {

    record To(Target target) implements Route {}

    record Refused(Refusal refusal) implements Route {}

    static Route refused(RefusalReason reason, String message) {
        return new Refused(new Refusal(reason, message));
    }
}
