package io.raftpool.chaos.checker;

import java.util.Locale;

/** A checker's answer: the history is valid, it is not, or the checker could not tell. */
public enum Validity {
    VALID, INVALID, UNKNOWN;

    /** Composition: any invalid makes invalid; else any unknown makes unknown. */
    public Validity and(Validity other) {
        if (this == INVALID || other == INVALID) {
            return INVALID;
        }
        if (this == UNKNOWN || other == UNKNOWN) {
            return UNKNOWN;
        }
        return VALID;
    }

    public String lower() {
        return name().toLowerCase(Locale.ROOT);
    }
}
