package io.raftpool.proxy;

import static io.raftpool.proxy.Views.cluster;
import static io.raftpool.proxy.Views.primary;
import static io.raftpool.proxy.Views.standby;
import static io.raftpool.proxy.Views.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.PrimaryPhase;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The router's bookkeeping with Netty's in-memory channels standing in for sockets: which
 * sessions a view change or a stale view ends, and where cancel requests go.
 */
class RouterTest {

    private static final Duration STALE = Duration.ofMillis(1000);
    private static final ClusterView EPOCH_1 = cluster(1, 0, PrimaryPhase.ACTIVE, primary(0), standby(1), standby(2));

    private final Router router = new Router(STALE, new ProxyMetrics());
    private final List<Target> connectedTo = new ArrayList<>();

    private Session admit(ProxyPort port, long now) {
        Router.Admission a = router.admit(port, Set.of(), now, new EmbeddedChannel(), target -> {
            connectedTo.add(target);
            return new EmbeddedChannel();
        });
        assertThat(a).isInstanceOf(Router.Admission.Admitted.class);
        return ((Router.Admission.Admitted) a).session();
    }

    private static boolean open(Session s) {
        return s.client().isOpen() && s.backend().isOpen();
    }

    @Test
    void nothingIsRoutedBeforeTheFirstView() {
        Router.Admission a = router.admit(ProxyPort.READ_WRITE, Set.of(), 0, new EmbeddedChannel(), t -> {
            throw new AssertionError("must not connect");
        });
        assertThat(a).isInstanceOfSatisfying(Router.Admission.Refused.class,
                r -> assertThat(r.refusal().reason()).isEqualTo(RefusalReason.NO_VIEW));
    }

    @Test
    void aNewPrimaryEndsTheOldPrimarysSessionsOnBothPortsAndKeepsTheStandbys() {
        router.onView(new AgentView(cluster(1, 0, PrimaryPhase.ACTIVE, primary(0)), 0, 0, 0), 0);
        Session write = admit(ProxyPort.READ_WRITE, 10);
        Session readOnPrimary = admit(ProxyPort.READ_ONLY, 10);
        router.onView(new AgentView(EPOCH_1, 20, 0, 0), 20);
        Session readOnStandby = admit(ProxyPort.READ_ONLY, 30);
        assertThat(connectedTo).extracting(Target::nodeId).containsExactly(0, 0, 1);
        assertThat(open(readOnPrimary)).as("same epoch, same primary").isTrue();

        router.onView(new AgentView(cluster(2, 2, PrimaryPhase.ACTIVE, status(primary(0), BackendStatus.DOWN),
                standby(1), primary(2)), 40, 0, 2), 40);

        assertThat(open(write)).isFalse();
        assertThat(open(readOnPrimary)).isFalse();
        assertThat(open(readOnStandby)).isTrue();
        assertThat(router.openSessions(ProxyPort.READ_WRITE, 0)).isZero();
        assertThat(router.openSessions(ProxyPort.READ_ONLY, 1)).isEqualTo(1);
        admit(ProxyPort.READ_WRITE, 50);
        assertThat(connectedTo.get(connectedTo.size() - 1)).isEqualTo(new Target(2, "pg2", "127.0.0.1", 5402, 2));
    }

    /** Holds a channel's close until released, as a socket whose close is still under way. */
    private static final class SlowClose extends ChannelOutboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private ChannelPromise pending;

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            this.ctx = ctx;
            this.pending = promise;
        }

        void finish() {
            ctx.close(pending);
        }
    }

    @Test
    void newConnectionsWaitUntilTheRetiredSessionsAreClosed() {
        router.onView(new AgentView(cluster(1, 0, PrimaryPhase.ACTIVE, primary(0), primary(1)), 0, 0, 0), 0);
        SlowClose slow = new SlowClose();
        Router.Admission first = router.admit(ProxyPort.READ_WRITE, Set.of(), 0, new EmbeddedChannel(),
                t -> new EmbeddedChannel(slow));
        assertThat(first).isInstanceOf(Router.Admission.Admitted.class);

        router.onView(new AgentView(cluster(2, 1, PrimaryPhase.ACTIVE, primary(0), primary(1)), 10, 0, 0), 10);
        Router.Admission early = router.admit(ProxyPort.READ_WRITE, Set.of(), 10, new EmbeddedChannel(), t -> {
            throw new AssertionError("must not connect to the new primary while the old session is closing");
        });
        assertThat(early).isInstanceOf(Router.Admission.Wait.class);
        CompletableFuture<Void> barrier = ((Router.Admission.Wait) early).barrier();
        assertThat(barrier).isNotDone();

        slow.finish();

        assertThat(barrier).isDone();
        admit(ProxyPort.READ_WRITE, 20);
        assertThat(connectedTo).extracting(Target::nodeId).containsExactly(1);
    }

    @Test
    void anOlderEpochIsIgnoredEvenFromAnotherAgent() {
        router.onView(new AgentView(cluster(2, 1, PrimaryPhase.ACTIVE, primary(1)), 0, 0, 0), 0);
        Session write = admit(ProxyPort.READ_WRITE, 0);

        boolean taken = router.onView(new AgentView(EPOCH_1, 10, 0, 1), 10);

        assertThat(taken).isFalse();
        assertThat(router.view().orElseThrow().epoch()).isEqualTo(2);
        assertThat(open(write)).isTrue();
    }

    @Test
    void aStaleViewEndsWriteSessionsAtTheBoundAndNotBefore() {
        router.onView(new AgentView(EPOCH_1, 0, 0, 0), 0);
        Session write = admit(ProxyPort.READ_WRITE, 0);
        Session read = admit(ProxyPort.READ_ONLY, 0);

        router.onTick(999);
        assertThat(open(write)).isTrue();

        router.onTick(1000);
        assertThat(open(write)).isFalse();
        assertThat(open(read)).isTrue();
        assertThat(router.admit(ProxyPort.READ_WRITE, Set.of(), 1000, new EmbeddedChannel(), t -> new EmbeddedChannel()))
                .isInstanceOfSatisfying(Router.Admission.Refused.class,
                        r -> assertThat(r.refusal().reason()).isEqualTo(RefusalReason.STALE_VIEW));

        router.onView(new AgentView(EPOCH_1, 1100, 0, 0), 1100);
        admit(ProxyPort.READ_WRITE, 1100);
    }

    @Test
    void aStandbyGoingDownEndsOnlyItsSessions() {
        router.onView(new AgentView(EPOCH_1, 0, 0, 0), 0);
        Session write = admit(ProxyPort.READ_WRITE, 0);
        Session on1 = admit(ProxyPort.READ_ONLY, 0);
        Session on2 = admit(ProxyPort.READ_ONLY, 0);
        assertThat(on1.target().nodeId()).isEqualTo(1);
        assertThat(on2.target().nodeId()).as("least sessions first").isEqualTo(2);

        router.onView(new AgentView(cluster(1, 0, PrimaryPhase.ACTIVE, primary(0), status(standby(1), BackendStatus.DOWN),
                standby(2)), 10, 0, 0), 10);

        assertThat(open(on1)).isFalse();
        assertThat(open(on2)).isTrue();
        assertThat(open(write)).isTrue();
    }

    @Test
    void cancelGoesToTheSessionsServerWhenItsKeyIsKnownElseToEveryServer() {
        router.onView(new AgentView(EPOCH_1, 0, 0, 0), 0);
        Session read = admit(ProxyPort.READ_ONLY, 0);
        CancelKey key = new CancelKey(42, new byte[] {1, 2, 3, 4});
        router.learnedCancelKey(read, key);

        assertThat(router.cancelTargets(key)).isEqualTo(new Router.CancelRoute(
                List.of(InetSocketAddress.createUnresolved("127.0.0.1", 5401)), true));
        Router.CancelRoute unknown = router.cancelTargets(new CancelKey(42, new byte[] {9, 9, 9, 9}));
        assertThat(unknown.known()).isFalse();
        assertThat(unknown.targets()).extracting(InetSocketAddress::getPort).containsExactlyInAnyOrder(5400, 5401, 5402);

        router.release(read);
        assertThat(router.cancelTargets(key).known()).as("forgotten with its session").isFalse();
    }

    @Test
    void releaseIsIdempotent() {
        router.onView(new AgentView(EPOCH_1, 0, 0, 0), 0);
        Session write = admit(ProxyPort.READ_WRITE, 0);
        router.release(write);
        router.release(write);
        assertThat(router.openSessions(ProxyPort.READ_WRITE, 0)).isZero();
        Channel unused = write.client();
        assertThat(unused).isNotNull();
    }
}
