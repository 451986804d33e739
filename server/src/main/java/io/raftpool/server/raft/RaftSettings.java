package io.raftpool.server.raft;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** The Ratis settings raftpool's members and clients run with, each with why where it is not Ratis's default. */
final class RaftSettings {
    private RaftSettings() {}

    static RaftProperties server(ClusterConfig config, NodeConfig self, Path storageDir) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(storageDir.toFile()));
        GrpcConfigKeys.Server.setHost(p, self.host());
        GrpcConfigKeys.Server.setPort(p, self.raftPort());
        long min = config.raft().electionTimeoutMin().toMillis();
        long max = config.raft().electionTimeoutMax().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(max, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(Math.max(3000, 3 * max), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setSlownessTimeout(p, TimeDuration.valueOf(60, TimeUnit.SECONDS));
        // A leader that cannot reach a majority steps down after this long (default 10 s):
        // keep it near the election timeout so an isolated leader quickly stops acting.
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, TimeDuration.valueOf(2 * max, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
        // MemberGrowth makes several caught-up listeners voters at once ({0} -> {0,1,2}); Ratis
        // refuses adding a majority in one change unless told (RATIS-1912: new voters that lag
        // could elect forever), and ours never lag.
        RaftServerConfigKeys.LeaderElection.setMemberMajorityAdd(p, true);
        // Heartbeats are linearizable reads: the leader confirms its leadership with a majority
        // before it answers, which is what fencing relies on.
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setTimeout(p, TimeDuration.valueOf(Math.max(1000, 2 * max), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.raft().snapshotEvery());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(Integer.MAX_VALUE, Math.max(1, config.raft().snapshotEvery() / 2)));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("1MB"));
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
        return p;
    }

    static RaftProperties client(ClusterConfig config, long timeoutMs) {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(timeoutMs, TimeUnit.MILLISECONDS));
        return p;
    }
}
