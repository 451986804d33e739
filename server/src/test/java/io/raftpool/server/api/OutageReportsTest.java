package io.raftpool.server.api;

import static io.raftpool.testkit.States.twoPlusOne;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.ClusterState;
import io.raftpool.proto.OutageReport;
import io.raftpool.proto.PrimaryPhase;
import io.raftpool.testkit.States;
import org.junit.jupiter.api.Test;

/** What a proxy may append to the history (the read role may): a known node, an epoch that has been, a plausible time. */
class OutageReportsTest {
    private static final ClusterState S = States.of(twoPlusOne().build()).primary(1, 4, PrimaryPhase.ACTIVE).build();

    private static OutageReport report(int node, long epoch, long ms) {
        return OutageReport.newBuilder().setProxyNodeId(node).setEpoch(epoch).setStartedMs(1_796_634_000_000L)
                .setDurationMs(ms).build();
    }

    @Test
    void aPlausibleReportPassesAndNonsenseIsRefusedWithWhatIsAllowed() {
        assertThat(OutageReports.refusal(S, report(2, 4, 650))).isEmpty();
        assertThat(OutageReports.refusal(S, report(7, 4, 650))).hasValue("node 7 is not a member of the cluster");
        assertThat(OutageReports.refusal(S, report(2, 5, 650))).hasValue("epoch 5 has not been; allowed: 1 to 4");
        assertThat(OutageReports.refusal(S, report(2, 4, -1))).hasValueSatisfying(r -> assertThat(r)
                .startsWith("an outage of -1 ms").endsWith("allowed: 0 to 600000 ms from a positive time"));
        assertThat(OutageReports.refusal(S, report(2, 4, 600_001))).isPresent();
    }
}
