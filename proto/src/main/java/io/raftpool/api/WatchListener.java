package io.raftpool.api;

import io.raftpool.proto.StateView;

/**
 * Receives what a {@link StateWatch} sees. Called on gRPC threads, one call at a time; the
 * methods must not block (hand the view to your own thread if work follows).
 */
public interface WatchListener {

    /** A view of the committed state, streamed by the agent at {@code address}. */
    void onView(String address, StateView view);

    /**
     * The watch ended and sends nothing more: no agent could be watched, or the stream broke.
     * {@code reason} names the agents and their errors. Not called after {@link StateWatch#close()}.
     */
    void onClosed(String reason);
}
