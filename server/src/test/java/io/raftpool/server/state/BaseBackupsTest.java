package io.raftpool.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.proto.BackendStatus;
import io.raftpool.proto.BackupDone;
import io.raftpool.proto.BackupInfo;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.Command;
import io.raftpool.proto.MarkBackend;
import io.raftpool.proto.RequestBackup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** raftpool backup in the log: one at a time, of a server that is up, and the list recovery starts from. */
class BaseBackupsTest {
    private static ClusterState cluster() {
        var boot = new CommandArbitraries.Scenario(3, false, List.of()).run(Transitions::apply);
        ClusterState s = boot.get(boot.size() - 1).after();
        for (int id = 0; id < 3; id++) {
            s = apply(s, Command.newBuilder().setMark(MarkBackend.newBuilder().setNodeId(id).setStatus(BackendStatus.UP)
                    .setReason("test")));
        }
        return s;
    }

    private static ClusterState apply(ClusterState s, Command.Builder c) {
        return Transitions.apply(s, c.setIssuedMs(CommandArbitraries.T0 + 1000).setIssuer(0).setTerm(1).build());
    }

    private static Command.Builder request(int node) {
        return Command.newBuilder().setRequestBackup(RequestBackup.newBuilder().setNodeId(node).setBy("test"));
    }

    private static Command.Builder done(int node, long requestedMs, String label) {
        return Command.newBuilder().setBackupDone(BackupDone.newBuilder().setNodeId(node).setRequestedMs(requestedMs)
                .setOk(true).setInfo(BackupInfo.newBuilder().setLabel(label).setNodeId(node).setSizeBytes(1 << 20)));
    }

    @Test
    void oneBackupAtATime() {
        ClusterState s = apply(cluster(), request(1));
        assertThat(BaseBackups.refusal(s, 2)).hasValueSatisfying(why -> assertThat(why)
                .startsWith("a backup of node 1 is under way"));
    }

    @Test
    void aServerThatIsDownIsNotBackedUp() {
        ClusterState s = apply(cluster(), Command.newBuilder().setMark(MarkBackend.newBuilder().setNodeId(2)
                .setStatus(BackendStatus.DOWN).setReason("test")));
        assertThat(BaseBackups.refusal(s, 2)).hasValueSatisfying(why -> assertThat(why).contains("back up a server that is up"));
        assertThat(BaseBackups.refusal(s, 7)).isPresent();
    }

    @Test
    void aFinishedBackupIsListedAndTheRequestClosed() {
        ClusterState s = apply(cluster(), request(1));
        long requested = ClusterStates.backend(s, 1).orElseThrow().getBackupRequestedMs();
        s = apply(s, done(1, requested, "20261207T061500Z-pgsql2"));
        assertThat(BaseBackups.latest(s).map(BackupInfo::getLabel)).contains("20261207T061500Z-pgsql2");
        assertThat(ClusterStates.backend(s, 1).orElseThrow().getBackupRequestedMs()).isZero();
        assertThat(BaseBackups.refusal(s, 2)).isEmpty();
    }

    @Test
    void aReportForAnotherRequestIsRefused() {
        ClusterState s = apply(cluster(), request(1));
        assertThat(Transitions.validate(s, done(1, 12345, "x").setIssuedMs(1).build())).isPresent();
    }

    @Test
    void onlyTheNewestBackupsAreKept() {
        ClusterState s = cluster();
        for (int i = 0; i < BaseBackups.KEPT + 5; i++) {
            s = apply(s, request(1));
            s = apply(s, done(1, ClusterStates.backend(s, 1).orElseThrow().getBackupRequestedMs(), "b" + i));
        }
        assertThat(s.getBackupsCount()).isEqualTo(BaseBackups.KEPT);
        assertThat(s.getBackups(0).getLabel()).isEqualTo("b5");
    }
}
