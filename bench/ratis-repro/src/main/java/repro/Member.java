package repro;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.TimeDuration;

/**
 * One Raft member of a fresh 3-member group, plain Ratis with default settings except the
 * election timeouts. Usage: {@code Member id storageDir port0,port1,port2 minMs maxMs}.
 * Prints "applied N term T" per applied transaction, "applied-meta N term T" per applied
 * configuration/metadata entry, and a "status ..." line whenever its state changes.
 */
public final class Member {
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.fromString("02511d47-d67c-49a3-9011-abb3109a44c1"));

    static RaftGroup group(String[] ports) {
        List<RaftPeer> peers = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            peers.add(RaftPeer.newBuilder().setId("m" + i).setAddress("127.0.0.1:" + ports[i]).build());
        }
        return RaftGroup.valueOf(GROUP_ID, peers);
    }

    /** Trivial state machine: counts transactions and prints each applied index. */
    static final class Counter extends BaseStateMachine {
        @Override
        public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
            LogEntryProto e = trx.getLogEntry();
            updateLastAppliedTermIndex(e.getTerm(), e.getIndex());
            System.out.println("applied " + e.getIndex() + " term " + e.getTerm());
            return CompletableFuture.completedFuture(Message.valueOf("ok " + e.getIndex()));
        }

        @Override
        public void notifyTermIndexUpdated(long term, long index) {
            super.notifyTermIndexUpdated(term, index);
            System.out.println("applied-meta " + index + " term " + term);
        }
    }

    public static void main(String[] args) throws Exception {
        int id = Integer.parseInt(args[0]);
        File storage = new File(args[1]);
        String[] ports = args[2].split(",");
        long min = Long.parseLong(args[3]);
        long max = Long.parseLong(args[4]);

        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(storage));
        GrpcConfigKeys.Server.setHost(p, "127.0.0.1");
        GrpcConfigKeys.Server.setPort(p, Integer.parseInt(ports[id]));
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(max, TimeUnit.MILLISECONDS));

        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf("m" + id))
                .setGroup(group(ports))
                .setProperties(p)
                .setStateMachine(new Counter())
                .setOption(RaftStorage.StartupOption.FORMAT)
                .build();
        server.start();

        // Print the member's state whenever it changes: role, term, leader, commit, applied,
        // and the (term, index) of the first log entries.
        String last = "";
        while (true) {
            String s;
            try {
                RaftServer.Division d = server.getDivision(GROUP_ID);
                RaftLog log = d.getRaftLog();
                StringBuilder head = new StringBuilder();
                for (long i = 0; i < Math.min(4, log.getNextIndex()); i++) {
                    TermIndex ti = log.getTermIndex(i);
                    head.append(ti == null ? "(?," + i + ")" : "(t" + ti.getTerm() + "," + ti.getIndex() + ")");
                }
                s = "status role=" + d.getInfo().getCurrentRole() + " term=" + d.getInfo().getCurrentTerm()
                        + " leader=" + d.getInfo().getLeaderId() + " commit=" + log.getLastCommittedIndex()
                        + " applied=" + d.getInfo().getLastAppliedIndex() + " log=" + head;
            } catch (Exception e) {
                s = "status unavailable: " + e;
            }
            if (!s.equals(last)) {
                System.out.println(java.time.LocalTime.now() + " " + s);
                System.out.flush();
                last = s;
            }
            Thread.sleep(50);
        }
    }
}
