package io.raftpool.server.postgres;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The last N lines of a command's output: enough to explain a failure, bounded whatever it prints. */
final class OutputTail {
    private final int capacity;
    private final Deque<String> lines = new ArrayDeque<>();

    OutputTail(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    synchronized void add(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
