package io.raftpool.proxy;

import java.util.Set;

/**
 * Which existing sessions may stay open under the current view: sessions to the writable
 * primary of {@code epoch} (-1 when none may be written to), and read-only sessions to the
 * standbys in {@code readableStandbys}. Everything else is closed.
 */
public record Permits(long epoch, int writablePrimary, Set<Integer> readableStandbys) {

    public static final Permits NONE = new Permits(0, -1, Set.of());

    public Permits {
        readableStandbys = Set.copyOf(readableStandbys);
    }
}
