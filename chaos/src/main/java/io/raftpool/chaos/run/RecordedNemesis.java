package io.raftpool.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftpool.chaos.Progress;
import io.raftpool.chaos.history.HistoryRecorder;
import io.raftpool.chaos.history.Json;
import io.raftpool.chaos.history.Op;
import io.raftpool.chaos.history.OpType;
import io.raftpool.chaos.nemesis.ClusterNemesis;
import io.raftpool.chaos.nemesis.Effect;
import io.raftpool.chaos.nemesis.Fault;
import java.util.Collection;
import java.util.List;

/**
 * The nemesis as the history sees it: each start and each stop of a fault is an operation of
 * the nemesis process (invoke, then ok, fail or info) and a progress line.
 */
record RecordedNemesis(ClusterNemesis nemesis, HistoryRecorder recorder, Progress progress) {
    /** The fault's effect, or null when starting it failed (recorded as info). */
    Effect start(Fault f) {
        Op inv = recorder.invoke(Op.NEMESIS, f.kind().cliName(), Json.object().put("fault", f.id()).put("phase", "start"), -1);
        try {
            Effect e = nemesis.start(f);
            recorder.complete(inv, e.applied() ? OpType.OK : OpType.FAIL, nemesisValue(f, "start", e.what(), e.nodes()),
                    -1, -1, e.applied() ? "" : e.what());
            progress.line("nemesis: fault #" + f.id() + " " + f.kind().cliName() + ": " + e.what());
            return e;
        } catch (RuntimeException ex) {
            recorder.complete(inv, OpType.INFO, nemesisValue(f, "start", "failed: " + ex.getMessage(), List.of()), -1, -1,
                    String.valueOf(ex.getMessage()));
            progress.line("nemesis: fault #" + f.id() + " " + f.kind().cliName() + " failed: " + ex.getMessage());
            return null;
        }
    }

    /** Whether the fault was healed; a failed heal is recorded as info and left to the final heal. */
    boolean stop(Effect e) {
        Fault f = e.fault();
        Op inv = recorder.invoke(Op.NEMESIS, f.kind().cliName(), Json.object().put("fault", f.id()).put("phase", "stop"), -1);
        try {
            String done = nemesis.stop(e);
            recorder.complete(inv, OpType.OK, nemesisValue(f, "stop", done, e.nodes()), -1, -1, "");
            progress.line("nemesis: fault #" + f.id() + " healed: " + done);
            return true;
        } catch (RuntimeException ex) {
            recorder.complete(inv, OpType.INFO, nemesisValue(f, "stop", "failed: " + ex.getMessage(), e.nodes()), -1, -1,
                    String.valueOf(ex.getMessage()));
            progress.line("nemesis: heal of fault #" + f.id() + " failed: " + ex.getMessage() + " (the final heal retries)");
            return false;
        }
    }

    private static JsonNode nemesisValue(Fault f, String phase, String what, Collection<Integer> nodes) {
        var v = Json.object().put("fault", f.id()).put("phase", phase).put("what", what);
        v.set("nodes", Json.tree(List.copyOf(nodes)));
        return v;
    }
}
