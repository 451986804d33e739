package io.raftpool.chaos.checker;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftpool.chaos.history.History;
import io.raftpool.chaos.history.History.Completed;
import io.raftpool.chaos.history.Op;
import io.raftpool.chaos.history.OpType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Jepsen's bank checker. The control process's {@code setup} says how many accounts there are
 * and what each starts with (value {@code {"accounts": 5, "balance": 100}}); transfers move
 * money between them in serializable transactions, so every read (clients' {@code read} and the
 * {@code final-read}, value {@code {"balances": {"0": 100, ...}}}) must show every account, no
 * negative balance, and the same total.
 */
public final class BankChecker implements Checker {
    public static final String SETUP = "setup";
    private static final int LIST_AT_MOST = 10;

    @Override
    public Verdict check(History history) {
        Verdict.Builder v = Verdict.builder("bank");
        Optional<Completed> setup = history.lastControl(SETUP);
        if (setup.isEmpty()) {
            return v.unknown("no setup in the history: the number of accounts and the total are not known").build();
        }
        int accounts = setup.get().completion().value().path("accounts").asInt();
        long balance = setup.get().completion().value().path("balance").asLong();
        long total = accounts * balance;
        v.detail("accounts", accounts).detail("total", total);

        List<Completed> reads = new ArrayList<>(history.client("read").stream().filter(c -> c.type() == OpType.OK).toList());
        history.lastControl(SetChecker.FINAL_READ).ifPresent(reads::add);
        List<Completed> transfers = history.client("transfer");
        v.detail("transfers_ok", transfers.stream().filter(c -> c.type() == OpType.OK).count())
                .detail("transfers_failed", transfers.stream().filter(c -> c.type() == OpType.FAIL).count())
                .detail("transfers_unknown", transfers.stream().filter(c -> c.type() == OpType.INFO).count())
                .detail("reads", reads.size());
        if (reads.isEmpty()) {
            return v.unknown("no successful read: nothing to check the total against").build();
        }
        List<String> bad = new ArrayList<>();
        int badCount = 0;
        for (Completed c : reads) {
            Optional<String> problem = problem(c.completion().value().path("balances"), accounts, total);
            if (problem.isPresent()) {
                badCount++;
                if (bad.size() < LIST_AT_MOST) {
                    Op op = c.completion();
                    bad.add((op.process() == Op.CONTROL ? "final read" : "read") + " #" + op.index()
                            + String.format(" at %.3f s", op.timeSeconds())
                            + (op.server() >= 0 ? " on node " + op.server() + " timeline " + op.timeline() : "")
                            + ": " + problem.get());
                }
            }
        }
        v.detail("bad_reads", badCount);
        if (badCount > 0) {
            v.invalid(badCount + " of " + reads.size() + " reads broke the invariant (total " + total + "): "
                    + String.join("; ", bad));
        }
        return v.build();
    }

    /** What is wrong with one read of the balances, if anything. */
    static Optional<String> problem(JsonNode balances, int accounts, long total) {
        if (!balances.isObject()) {
            return Optional.of("no balances in the read");
        }
        Map<Integer, Long> seen = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : balances.properties()) {
            seen.put(Integer.parseInt(e.getKey()), e.getValue().asLong());
        }
        List<String> issues = new ArrayList<>();
        for (int a = 0; a < accounts; a++) {
            if (!seen.containsKey(a)) {
                issues.add("account " + a + " missing");
            }
        }
        seen.keySet().stream().filter(a -> a < 0 || a >= accounts).forEach(a -> issues.add("unknown account " + a));
        seen.forEach((a, b) -> {
            if (b < 0) {
                issues.add("account " + a + " negative (" + b + ")");
            }
        });
        long sum = seen.values().stream().mapToLong(Long::longValue).sum();
        if (sum != total) {
            issues.add("sum " + sum + " instead of " + total + " " + seen);
        }
        return issues.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", issues));
    }
}
