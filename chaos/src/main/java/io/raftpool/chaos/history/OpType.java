package io.raftpool.chaos.history;

import java.util.Locale;

/**
 * The four kinds of history entries (Jepsen's): an invocation, then exactly one completion.
 * {@link #INFO} means the outcome is unknown: the request may or may not have taken effect
 * (a timeout, a connection lost after the request was sent).
 */
public enum OpType {
    INVOKE, OK, FAIL, INFO;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OpType fromJson(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    public boolean isCompletion() {
        return this != INVOKE;
    }
}
