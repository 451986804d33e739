package io.raftpool.server.local;

import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.server.local.LocalPlanner.Facts;
import io.raftpool.server.state.Transitions;
import io.raftpool.testkit.States;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an agent does to its own PostgreSQL. The base situation is the design's two+one
 * cluster (node 0 = pgsql1 at 10.0.0.11:5432 active primary at epoch 1, node 1 its streaming
 * standby, node 2 the witness) seen from node 1 after its agent started: running, in recovery,
 * following node 0, in fresh contact with the majority and caught up. Each case changes a few
 * facts.
 */
class LocalPlannerTest {
    static final String PRIMARY_0 = "10.0.0.11:5432";

    /** Mutable facts for building cases; {@link #facts()} freezes them. */
    static final class F {
        ClusterState state = twoPlusOne().build();
        int self = 1;
        boolean initialized = true;
        boolean running = true;
        Optional<Boolean> inRecovery = Optional.of(true);
        Optional<String> upstream = Optional.of(PRIMARY_0);
        boolean reconciled = true;
        boolean fenced;
        boolean protectedDataDir;
        long contactAgeMs = 100;
        boolean caughtUp = true;
        long fenceTimeoutMs = 1000;
        boolean unresponsive;
        long inheritedLeaseLeftMs;
        boolean startedAsStandby;
        boolean paused;

        Facts facts() {
            return new Facts(state, self, initialized, running, inRecovery, upstream, reconciled, fenced,
                    protectedDataDir, contactAgeMs, caughtUp, fenceTimeoutMs, unresponsive, inheritedLeaseLeftMs,
                    startedAsStandby, paused);
        }

        /** Node 0, the committed primary, running as primary and not in recovery. */
        F asPrimary() {
            self = 0;
            inRecovery = Optional.of(false);
            upstream = Optional.empty();
            return this;
        }
    }

    static Facts facts(Consumer<F> change) {
        F f = new F();
        change.accept(f);
        return f.facts();
    }

    /** After a failover to node 1 at epoch 2: node 0 needs recovery. */
    static ClusterState failedOverTo1() {
        return twoPlusOne().primary(1, 2, PrimaryPhase.ACTIVE).backend(0, b -> b.setNeedsRecovery(true)).build();
    }

    static Arguments c(String name, Facts facts, String expected) {
        return Arguments.of(name, facts, expected);
    }

    static Stream<Arguments> situations() {
        return Stream.of(
                // safety first: fencing (S6)
                c("acting primary without majority contact for the fence timeout is fenced",
                        facts(f -> f.asPrimary().contactAgeMs = 1000), "Fence[why=no contact with the raft majority for 1000 ms"),
                c("the primary's server that runs but does not answer its own agent is killed (unreachable is not dead)",
                        facts(f -> { f.asPrimary().unresponsive = true; f.inRecovery = Optional.empty(); }),
                        "KillUnresponsive[why=this node is the primary of epoch 1 and its server runs but does not answer"),
                c("an unresponsive standby (it started with standby.signal) is left alone: it takes no writes",
                        facts(f -> { f.unresponsive = true; f.inRecovery = Optional.empty(); f.startedAsStandby = true; }),
                        "Nothing["),
                c("an unresponsive primary cut off from the majority is fenced all the same",
                        facts(f -> { f.asPrimary().unresponsive = true; f.contactAgeMs = 5000; }), "Fence["),
                c("any server running as primary is fenced when cut off, whatever the stale state says",
                        facts(f -> { f.inRecovery = Optional.of(false); f.contactAgeMs = 5000; }), "Fence["),
                c("a fenced primary is fenced even before it caught up",
                        facts(f -> { f.asPrimary().contactAgeMs = 1500; f.caughtUp = false; }), "Fence["),
                c("an old primary that hangs is killed by its woken agent, though another is primary now",
                        facts(f -> { f.self = 0; f.state = States.of(f.state).primary(1, 2, PrimaryPhase.ACTIVE).build();
                            f.unresponsive = true; f.inRecovery = Optional.empty(); }),
                        "KillUnresponsive[why=its server runs but does not answer, and may be an old primary"),
                c("a restarted agent's primary runs on the lease its predecessor left (a planned restart)",
                        facts(f -> { f.asPrimary().contactAgeMs = 5000; f.caughtUp = false; f.inheritedLeaseLeftMs = 20_000; }),
                        "Nothing[why=waiting for contact"),
                c("once that lease has run out, it is fenced",
                        facts(f -> { f.asPrimary().contactAgeMs = 5000; f.caughtUp = false; f.inheritedLeaseLeftMs = 0; }),
                        "Fence["),
                c("a primary just under the fence timeout is not fenced",
                        facts(f -> f.asPrimary().contactAgeMs = 999), "Nothing[why=primary"),
                c("a standby without contact waits",
                        facts(f -> f.contactAgeMs = 1000), "Nothing[why=waiting for contact"),
                c("a server of unknown role without contact waits",
                        facts(f -> { f.inRecovery = Optional.empty(); f.contactAgeMs = 1000; }), "Nothing[why=waiting for contact"),
                c("an agent not caught up with the leader waits",
                        facts(f -> f.caughtUp = false), "Nothing[why=waiting for contact with the raft majority and its latest state"),
                c("an agent not caught up waits even when running as a stale primary",
                        facts(f -> { f.inRecovery = Optional.of(false); f.caughtUp = false; }), "Nothing[why=waiting"),
                c("nothing before the cluster is initialised",
                        facts(f -> f.state = Transitions.empty()), "Nothing[why=the cluster is not initialised yet"),
                c("the witness has no server to look after",
                        facts(f -> f.self = 2), "Nothing[why=this node has no backend"),
                // S2: a stale primary is stopped
                c("a standby running as primary against the committed state is stopped",
                        facts(f -> f.inRecovery = Optional.of(false)),
                        "StopStalePrimary[why=running as primary, but the committed primary is node 0 at epoch 1"),
                c("a failed-over primary that comes back is stopped",
                        facts(f -> { f.asPrimary().state = failedOverTo1(); }),
                        "StopStalePrimary[why=running as primary, but the committed primary is node 1 at epoch 2"),
                c("a primary whose promotion was recorded as failed is stopped",
                        facts(f -> { f.asPrimary().state = twoPlusOne().primary(0, 2, PrimaryPhase.PHASE_NONE).build(); }),
                        "StopStalePrimary["),
                c("a primary when the committed primary is nobody is stopped",
                        facts(f -> { f.asPrimary().state = twoPlusOne().primary(-1, 2, PrimaryPhase.PHASE_NONE).build(); }),
                        "StopStalePrimary[why=running as primary, but the committed primary is nobody at epoch 2"),
                // adopting a running pair
                c("the first primary found running when its agent started is taken over as it is",
                        facts(f -> { f.asPrimary().state = twoPlusOne().primary(0, 1, PrimaryPhase.BOOTSTRAPPING).build();
                            f.reconciled = false; }), "AdoptPrimary["),
                c("the first primary it started itself waits for its first report",
                        facts(f -> f.asPrimary().state = twoPlusOne().primary(0, 1, PrimaryPhase.BOOTSTRAPPING).build()),
                        "Nothing[why=bootstrapped"),
                // restart-node
                c("a standby with a restart requested restarts",
                        facts(f -> f.state = States.of(f.state).backend(1, b -> b.setRestartRequestedMs(77)).build()),
                        "RestartServer[requestedMs=77]"),
                c("a restart request waits for the agent's start-up reconciliation",
                        facts(f -> { f.state = States.of(f.state).backend(1, b -> b.setRestartRequestedMs(77)).build();
                            f.reconciled = false; }), "StartupDone["),
                c("a restart request does not come before fencing",
                        facts(f -> { f.state = States.of(f.state).backend(1, b -> b.setRestartRequestedMs(77)).build();
                            f.inRecovery = Optional.of(false); f.contactAgeMs = 5000; }), "Fence["),
                c("a restart goes on in maintenance mode: the operator asked for it",
                        facts(f -> { f.state = States.of(f.state).backend(1, b -> b.setRestartRequestedMs(77)).build();
                            f.paused = true; }), "RestartServer[requestedMs=77]"),
                // orders from the state: promote
                c("the promotion target promotes at the committed epoch",
                        facts(f -> f.state = twoPlusOne().primary(1, 2, PrimaryPhase.PROMOTING).build()), "Promote[epoch=2]"),
                c("a target that promoted but did not record it promotes again (idempotent)",
                        facts(f -> { f.state = twoPlusOne().primary(1, 2, PrimaryPhase.PROMOTING).build();
                            f.inRecovery = Optional.of(false); }), "Promote[epoch=2]"),
                c("a target whose server is not running cannot be promoted",
                        facts(f -> { f.state = twoPlusOne().primary(1, 2, PrimaryPhase.PROMOTING).build(); f.running = false; }),
                        "PromotionImpossible[epoch=2, why=PostgreSQL is not running on node 1"),
                // bootstrap
                c("the bootstrap primary without a data directory is initialised",
                        facts(f -> { f.asPrimary().state = twoPlusOne().primary(0, 1, PrimaryPhase.BOOTSTRAPPING).build();
                            f.initialized = false; f.running = false; }), "InitPrimary[]"),
                c("the bootstrap primary with a stopped data directory is initialised (started)",
                        facts(f -> { f.asPrimary().state = twoPlusOne().primary(0, 1, PrimaryPhase.BOOTSTRAPPING).build();
                            f.running = false; }), "InitPrimary[]"),
                c("the running bootstrap primary waits for its first report",
                        facts(f -> f.asPrimary().state = twoPlusOne().primary(0, 1, PrimaryPhase.BOOTSTRAPPING).build()),
                        "Nothing[why=bootstrapped; waiting for the first report"),
                c("a standby waits while the first primary bootstraps",
                        facts(f -> { f.state = twoPlusOne().primary(0, 1, PrimaryPhase.BOOTSTRAPPING).build();
                            f.initialized = false; f.running = false; }), "Nothing[why=no active primary to follow yet"),
                // the committed primary
                c("the primary starts again when contact is back after fencing",
                        facts(f -> { f.asPrimary().running = false; f.fenced = true; f.inRecovery = Optional.empty(); }),
                        "StartAsPrimary[why=contact with the majority is back and this node is still the primary of epoch 1"),
                c("the primary starts when its agent starts",
                        facts(f -> { f.asPrimary().running = false; f.reconciled = false; f.inRecovery = Optional.empty(); }),
                        "StartAsPrimary[why=the agent started and this node is the primary of epoch 1"),
                c("a primary stopped by hand after the agent started stays stopped",
                        facts(f -> { f.asPrimary().running = false; f.inRecovery = Optional.empty(); }), "Nothing[why=primary"),
                c("a running primary at agent start is left as it is",
                        facts(f -> f.asPrimary().reconciled = false), "StartupDone[why=this node is the primary"),
                c("a running primary", facts(F::asPrimary), "Nothing[why=primary"),
                // standbys
                c("a standby waits while another node is promoted",
                        facts(f -> f.state = twoPlusOne().primary(0, 2, PrimaryPhase.PROMOTING).build()),
                        "Nothing[why=no active primary to follow yet"),
                c("a standby waits while there is no primary",
                        facts(f -> f.state = twoPlusOne().primary(0, 2, PrimaryPhase.PHASE_NONE).build()),
                        "Nothing[why=no active primary to follow yet"),
                c("a standby without a data directory is built from the primary",
                        facts(f -> { f.initialized = false; f.running = false; f.inRecovery = Optional.empty(); }),
                        "BuildStandby[primary=0]"),
                c("a node that needs recovery and has no data directory waits for recovery-node",
                        facts(f -> { f.state = twoPlusOne().backend(1, b -> b.setNeedsRecovery(true)).build();
                            f.initialized = false; f.running = false; }),
                        "Nothing[why=no data directory; waiting for recovery-node"),
                c("a stopped standby is started once, when its agent starts",
                        facts(f -> { f.running = false; f.reconciled = false; f.inRecovery = Optional.empty(); }),
                        "StartAsStandby[primary=0]"),
                c("a stopped standby stays stopped after the agent's start",
                        facts(f -> { f.running = false; f.inRecovery = Optional.empty(); }),
                        "Nothing[why=stopped; an operator starts it, or recovery-node rebuilds it"),
                c("a running standby at agent start is left as it is",
                        facts(f -> f.reconciled = false), "StartupDone[why=already running"),
                c("a standby following another server follows the primary",
                        facts(f -> f.upstream = Optional.of("10.0.0.12:5432")), "Follow[primary=0]"),
                c("a standby with no known upstream follows the primary",
                        facts(f -> f.upstream = Optional.empty()), "Follow[primary=0]"),
                c("a standby following the primary is left alone", facts(f -> { }), "Nothing[why=standby"),
                c("a server of unknown role is not reconfigured",
                        facts(f -> { f.inRecovery = Optional.empty(); f.upstream = Optional.of("10.0.0.12:5432"); }),
                        "Nothing[why=standby"),
                c("after a failover, standbys follow the new primary",
                        facts(f -> { f.self = 1; f.state = States.cluster(3, 1).primary(2, 2, PrimaryPhase.ACTIVE).build(); }),
                        "Follow[primary=2]"),
                // a failed-over primary (needs recovery): S2
                c("a stopped former primary has its data directory protected",
                        facts(f -> { f.asPrimary().state = failedOverTo1(); f.running = false; f.inRecovery = Optional.empty(); }),
                        "ProtectDataDir[primary=1]"),
                c("a protected former primary is left stopped at agent start",
                        facts(f -> { f.asPrimary().state = failedOverTo1(); f.running = false; f.protectedDataDir = true;
                            f.reconciled = false; f.inRecovery = Optional.empty(); }), "StartupDone[why=needs recovery: left stopped"),
                c("a protected former primary stays stopped",
                        facts(f -> { f.asPrimary().state = failedOverTo1(); f.running = false; f.protectedDataDir = true;
                            f.inRecovery = Optional.empty(); }), "Nothing[why=stopped"),
                c("a former primary started by hand as a standby is not reconfigured until rebuilt",
                        facts(f -> { f.asPrimary().state = failedOverTo1(); f.inRecovery = Optional.of(true);
                            f.upstream = Optional.of(PRIMARY_0); }), "Nothing[why=standby"),
                // maintenance mode (raftpool pause)
                c("paused: a fenced primary is not started again when contact is back",
                        facts(f -> { f.asPrimary().running = false; f.fenced = true; f.inRecovery = Optional.empty();
                            f.paused = true; }), "Nothing[why=paused (maintenance mode): the server is left stopped"),
                c("paused: a stopped standby is not started at agent start",
                        facts(f -> { f.running = false; f.reconciled = false; f.inRecovery = Optional.empty();
                            f.paused = true; }), "StartupDone[why=paused (maintenance mode): the server is left stopped"),
                c("paused: a standby without a data directory is not built",
                        facts(f -> { f.initialized = false; f.running = false; f.inRecovery = Optional.empty();
                            f.paused = true; }), "Nothing[why=paused (maintenance mode)"),
                c("paused: a primary that does not answer is left to the operator",
                        facts(f -> { f.asPrimary().unresponsive = true; f.paused = true; }),
                        "Nothing[why=paused (maintenance mode): its server does not answer"),
                c("paused: a primary cut off from the majority is still fenced",
                        facts(f -> { f.asPrimary().contactAgeMs = 5000; f.paused = true; }), "Fence[why=no contact"),
                c("paused: a standby still follows a new primary (a switchover by hand)",
                        facts(f -> { f.upstream = Optional.of("10.0.0.12:5432"); f.paused = true; }), "Follow[primary=0]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("situations")
    void theAgentDoesWhatTheSituationCallsFor(String name, Facts facts, String expected) {
        assertThat(LocalPlanner.plan(facts).toString()).startsWith(expected);
    }

    @Test
    void thePrimaryAddressIsItsHostAndPostgresPort() {
        assertThat(LocalPlanner.primaryAddress(twoPlusOne().build())).isEqualTo(PRIMARY_0);
        assertThat(LocalPlanner.primaryAddress(failedOverTo1())).isEqualTo("10.0.0.12:5432");
        assertThat(LocalPlanner.primaryAddress(twoPlusOne().primary(-1, 2, PrimaryPhase.PHASE_NONE).build())).isEmpty();
    }

    @Test
    void planningIsAPureFunctionOfTheFacts() {
        Facts f = facts(x -> x.upstream = Optional.of("10.0.0.12:5432"));

        assertThat(LocalPlanner.plan(f)).isEqualTo(LocalPlanner.plan(f)).isEqualTo(new LocalPlanner.Follow(0));
    }
}
