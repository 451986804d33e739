package io.raftpool.chaos.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;

/**
 * One entry of a history.
 *
 * @param index    position in the history, from 0
 * @param process  the logical client that did it; {@link #NEMESIS} for faults, {@link #CONTROL}
 *                 for the run's own setup and final read. A client whose operation ended
 *                 {@code info} continues under a new process number (the old one may still be
 *                 in flight), as in Jepsen.
 * @param type     invoke, ok, fail or info
 * @param f        what was done: add, write, transfer, read, final-read, setup, or a fault's name
 * @param value    the argument (on invoke) or the result (on completion), as JSON
 * @param timeNs   monotonic nanoseconds since the run's start
 * @param wallMs   wall clock, epoch milliseconds (to line up with logs and committed events)
 * @param node     the node whose proxy the client went through, -1 when none
 * @param server   the node id of the PostgreSQL server that took the operation, -1 when unknown
 * @param timeline that server's WAL timeline when it took it, -1 when unknown
 * @param error    why it failed or is unknown; empty otherwise
 * @param direct   the client connected straight to a PostgreSQL server's port (the server of
 *                 {@code node}), not through a proxy: like an application, a cron job or an
 *                 admin tool, it keeps its session open across faults and writes to whichever
 *                 server it is on
 */
public record Op(long index, int process, OpType type, String f, JsonNode value, long timeNs, long wallMs,
                 int node, int server, long timeline, String error, boolean direct) {
    public static final int NEMESIS = -1;
    public static final int CONTROL = -2;

    public Op {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(f, "f");
        value = value == null ? NullNode.getInstance() : value;
        error = error == null ? "" : error;
    }

    /** An operation through a proxy (or of the nemesis or the control process). */
    public Op(long index, int process, OpType type, String f, JsonNode value, long timeNs, long wallMs, int node,
              int server, long timeline, String error) {
        this(index, process, type, f, value, timeNs, wallMs, node, server, timeline, error, false);
    }

    public boolean isClient() {
        return process >= 0;
    }

    public boolean isOk() {
        return type == OpType.OK;
    }

    public double timeSeconds() {
        return timeNs / 1e9;
    }

    /** An entry not yet placed in a history (index and times are filled in by the recorder). */
    public static Op of(int process, OpType type, String f, JsonNode value, int node, int server, long timeline,
                        String error) {
        return new Op(-1, process, type, f, value, 0, 0, node, server, timeline, error, false);
    }

    /** The same entry, marked as done by a client connected straight to a server. */
    public Op asDirect() {
        return new Op(index, process, type, f, value, timeNs, wallMs, node, server, timeline, error, true);
    }

    public Op placed(long newIndex, long newTimeNs, long newWallMs) {
        return new Op(newIndex, process, type, f, value, newTimeNs, newWallMs, node, server, timeline, error, direct);
    }

    @Override
    public String toString() {
        return index + " " + (process == NEMESIS ? "nemesis" : process == CONTROL ? "control" : "p" + process)
                + (direct ? " direct" : "") + " "
                + type.jsonName() + " " + f + " " + value + (server >= 0 ? " @node" + server + "/tl" + timeline : "")
                + (error.isEmpty() ? "" : " (" + error + ")") + String.format(" t=%.3fs", timeSeconds());
    }
}
