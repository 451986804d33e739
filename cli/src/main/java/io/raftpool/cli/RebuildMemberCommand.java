package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.NodeRequest;
import picocli.CommandLine.Command;

/**
 * {@code raftpool rebuild-member N}: rebuilds node N's Raft member from the others, for a lost
 * or broken {@code agent_dir}, through Raft membership change: N leaves the voters, its agent
 * sets its Raft storage aside and rejoins as a listener, and it becomes a voter again once it
 * has caught up. Refused for the Raft leader and when the other voters would not hold a
 * majority that follows the leader. Its PostgreSQL is not touched.
 */
@Command(name = "rebuild-member", mixinStandardHelpOptions = true,
        description = "Rebuild node N's Raft member (its agent_dir was lost or cannot follow the leader) through a"
                + " membership change; waits until it is a voter again (--timeout).")
final class RebuildMemberCommand extends NodeActionCommand {
    @Override
    ActionReply send(AdminClient client, NodeRequest request) {
        return client.rebuildMember(request.toBuilder().setTimeoutMs(timeoutSeconds * 1000L).build());
    }

    @Override
    boolean witnessAllowed() {
        return true;
    }
}
