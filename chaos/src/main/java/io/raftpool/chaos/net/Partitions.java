package io.raftpool.chaos.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Partitions as data (Jepsen's grudges): the set of directed links whose packets are dropped. */
public final class Partitions {
    private Partitions() {}

    /** {@code side} cut off from every other node of {@code all}, both ways. */
    public static Set<Link> isolate(Collection<Integer> side, Collection<Integer> all) {
        Set<Link> links = new TreeSet<>();
        for (int a : side) {
            for (int b : all) {
                if (!side.contains(b)) {
                    links.add(new Link(a, b));
                    links.add(new Link(b, a));
                }
            }
        }
        return links;
    }

    /** Everything {@code from} sends to the other nodes is lost; what they send to it arrives. */
    public static Set<Link> oneWay(int from, Collection<Integer> all) {
        Set<Link> links = new TreeSet<>();
        for (int b : all) {
            if (b != from) {
                links.add(new Link(from, b));
            }
        }
        return links;
    }

    /** A random minority of {@code nodes}: (n-1)/2 of them, so the others keep a majority. */
    public static Set<Integer> randomMinority(List<Integer> nodes, Random rnd) {
        List<Integer> shuffled = new ArrayList<>(nodes);
        Collections.sort(shuffled);
        Collections.shuffle(shuffled, rnd);
        return new TreeSet<>(shuffled.subList(0, Math.max(1, (nodes.size() - 1) / 2)));
    }

    /** "0->1 0->2 1->0 2->0", sorted. */
    public static String describe(Set<Link> links) {
        return links.stream().sorted().map(Link::toString).collect(Collectors.joining(" "));
    }
}
