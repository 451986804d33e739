package io.raftpool.chaos.nemesis;

import io.raftpool.proto.Backend;
import io.raftpool.proto.PrimaryPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What to do to bring one node back, as an operator would, from what is known about it: a pure
 * function. Killed processes are started; a stopped standby is started by hand; a failed-over
 * primary (it needs recovery) is rebuilt with recovery-node once the primary it copies from
 * runs; a primary that is down while no
 * failover replaced it is brought back by restarting its agent, which starts its own primary
 * when it starts (and only then).
 */
public final class HealPlan {
    private HealPlan() {}

    public enum Step {
        START_AGENT("start the agent"),
        START_PROXY("start the proxy"),
        RECOVER("rebuild it with recovery-node"),
        RESTART_AGENT_FOR_PRIMARY("restart the agent, which starts its primary"),
        START_STANDBY_BY_HAND("start the standby by hand (pg_ctl start)");

        private final String text;

        Step(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /**
     * What is known about one node.
     *
     * @param backend        its server as committed (empty for a witness, or when no agent answered)
     * @param primaryNode    the committed primary, -1 when none
     * @param primaryRunning whether the committed primary's PostgreSQL runs (a rebuild copies from it)
     */
    public record NodeFacts(int node, boolean hasPostgres, boolean agentAlive, boolean proxyAlive, boolean pgRunning,
                            Optional<Backend> backend, int primaryNode, PrimaryPhase primaryPhase,
                            boolean primaryRunning) {}

    public static List<Step> plan(NodeFacts f) {
        List<Step> steps = new ArrayList<>();
        if (!f.proxyAlive()) {
            steps.add(Step.START_PROXY);
        }
        if (!f.agentAlive()) {
            steps.add(Step.START_AGENT); // the agent reconciles its server when it starts: look again after
            return steps;
        }
        if (!f.hasPostgres() || f.backend().isEmpty()) {
            return steps;
        }
        Backend b = f.backend().get();
        boolean isPrimary = f.primaryNode() == f.node();
        if (b.getNeedsRecovery() && !isPrimary) {
            if (f.primaryRunning() && f.primaryPhase() == PrimaryPhase.ACTIVE) {
                steps.add(Step.RECOVER); // else first the primary must be back: a rebuild copies from it
            }
        } else if (!f.pgRunning()) {
            if (isPrimary && f.primaryPhase() == PrimaryPhase.ACTIVE) {
                steps.add(Step.RESTART_AGENT_FOR_PRIMARY);
            } else if (!isPrimary) {
                steps.add(Step.START_STANDBY_BY_HAND);
            }
        }
        return steps;
    }
}
