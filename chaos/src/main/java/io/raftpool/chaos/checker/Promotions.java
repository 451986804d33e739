package io.raftpool.chaos.checker;

import io.raftpool.chaos.history.CommittedEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When each server's promotion began, read from the committed events: a pure function. From that
 * moment on no other server may commit anything (S6).
 *
 * <ul>
 *   <li>{@code init}: the first primary, at epoch 1;
 *   <li>a failover or promote-node "begins at epoch N: promoting node T": the leader has decided
 *       the old primary can no longer commit, so the moment is the intent itself;
 *   <li>a switchover's old primary keeps taking writes until it stops cleanly; the target is
 *       promoted only after that, so the moment is the old primary's "stopped cleanly" event;
 *   <li>"node T is primary at epoch N" when the beginning was not seen (the events gathered
 *       missed it): by then the promotion had begun at the latest.
 * </ul>
 */
public final class Promotions {
    private static final Pattern BEGINS = Pattern.compile(" begins at epoch (\\d+): promoting node (\\d+)");
    private static final Pattern IN_PLACE_OF = Pattern.compile("in place of node (\\d+)");
    private static final Pattern IS_PRIMARY = Pattern.compile("^node (\\d+) is primary at epoch (\\d+)");

    private Promotions() {}

    /**
     * The beginning of one server's promotion.
     *
     * @param previous the primary it replaces, -1 when not known
     * @param how      what began it, e.g. "failover begins", "switchover: node 0 stopped cleanly"
     */
    public record Promotion(long epoch, int node, int previous, long atMs, String how) {}

    /** Every promotion's beginning, in the order they began. */
    public static List<Promotion> of(List<CommittedEvent> events) {
        Map<Long, Promotion> byEpoch = new HashMap<>();
        Map<Long, Promotion> switchoversBegun = new HashMap<>();
        List<CommittedEvent> sorted = events.stream().sorted(Comparator.comparingLong(CommittedEvent::seq)).toList();
        for (CommittedEvent e : sorted) {
            Matcher begins = BEGINS.matcher(e.message());
            Matcher isPrimary = IS_PRIMARY.matcher(e.message());
            if (e.kind().equals("init") && e.nodeId() >= 0) {
                byEpoch.putIfAbsent(1L, new Promotion(1, e.nodeId(), -1, e.atMs(), "init"));
            } else if (begins.find()) {
                long epoch = Long.parseLong(begins.group(1));
                Promotion p = new Promotion(epoch, Integer.parseInt(begins.group(2)), inPlaceOf(e.message()), e.atMs(),
                        e.kind() + " begins");
                if (e.kind().equals("switchover")) {
                    switchoversBegun.put(epoch, p);
                } else {
                    byEpoch.putIfAbsent(epoch, p);
                }
            } else if (e.kind().equals("switchover") && e.message().contains("stopped cleanly")
                    && switchoversBegun.containsKey(e.epoch())) {
                Promotion begun = switchoversBegun.get(e.epoch());
                byEpoch.putIfAbsent(e.epoch(), new Promotion(e.epoch(), begun.node(), e.nodeId(), e.atMs(),
                        "switchover: node " + e.nodeId() + " stopped cleanly"));
            } else if (isPrimary.find()) {
                long epoch = Long.parseLong(isPrimary.group(2));
                int node = Integer.parseInt(isPrimary.group(1));
                int previous = Optional.ofNullable(switchoversBegun.get(epoch)).map(Promotion::previous).orElse(-1);
                byEpoch.putIfAbsent(epoch, new Promotion(epoch, node, previous, e.atMs(), e.kind() + " done (its"
                        + " beginning was not seen)"));
            }
        }
        List<Promotion> result = new ArrayList<>(byEpoch.values());
        result.sort(Comparator.comparingLong(Promotion::atMs).thenComparingLong(Promotion::epoch));
        return result;
    }

    private static int inPlaceOf(String message) {
        Matcher m = IN_PLACE_OF.matcher(message);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
