package io.raftpool.chaos.net;

/** Packets from node {@code from} to node {@code to}: the unit a partition drops. */
public record Link(int from, int to) implements Comparable<Link> {
    public Link {
        if (from == to) {
            throw new IllegalArgumentException("a link joins two different nodes, not node " + from + " to itself");
        }
    }

    @Override
    public int compareTo(Link o) {
        return from != o.from ? Integer.compare(from, o.from) : Integer.compare(to, o.to);
    }

    @Override
    public String toString() {
        return from + "->" + to;
    }
}
