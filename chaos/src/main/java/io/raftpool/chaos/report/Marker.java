package io.raftpool.chaos.report;

/** A moment to mark on the plots (e.g. "node 1 primary, epoch 2"), in seconds since the run began. */
public record Marker(double seconds, String label) {}
