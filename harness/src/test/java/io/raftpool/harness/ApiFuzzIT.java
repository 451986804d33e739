package io.raftpool.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.raftpool.api.AdminCredentials;
import io.raftpool.api.BearerToken;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.AdminGrpc;
import io.raftpool.proto.Backend;
import io.raftpool.proto.ClusterState;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.SwitchoverRequest;
import io.raftpool.proto.WatchRequest;
import io.raftpool.server.api.RawBytes;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Throws random and malformed requests at one real agent of a real, secured cluster: random
 * bytes as the request of every admin method, requests with random and out-of-range field
 * values, messages larger than any request, no token, wrong tokens, a read token on admin
 * methods and malformed authorization headers. Every call must end with a deliberate status,
 * the committed state must be what it was before, and the agent must still answer.
 *
 * <p>Seeded and bounded: {@code -Draftpool.fuzz.seed=N -Draftpool.fuzz.calls=M} replays or
 * widens a run. Requests an admin may legitimately make (one that names a node of the cluster
 * with the admin token, or any well-formed one to a method this test does not know) are not
 * sent: they would change the state on purpose.
 */
class ApiFuzzIT {
    private static final long SEED = Long.getLong("raftpool.fuzz.seed", 20261126L);
    private static final int CALLS = Integer.getInteger("raftpool.fuzz.calls", 400);
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final int MAX_REQUEST = 64 * 1024;

    /** The outcomes a call may have; anything else (UNKNOWN, UNAVAILABLE, a timeout) is a bug. */
    private static final Set<Status.Code> DELIBERATE = Set.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT,
            Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED, Status.Code.RESOURCE_EXHAUSTED);

    private enum Auth { NONE, WRONG, READ, ADMIN, MALFORMED }

    @Test
    void randomAndMalformedRequestsLeaveTheCommittedStateAsItWasAndTheAgentUp() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(LocalCluster.options().secured()
                // no WAL position reports during the run: they are the only writes nobody asks for
                .set("health_check", "lag_report_interval", "1h"))) {
            cluster.awaitHealthy(Duration.ofSeconds(240));
            NodeConfig target = cluster.config().requireNode(1);
            ClusterState before = cluster.admin().getState().getState();
            Set<Integer> nodeIds = Set.copyOf(cluster.config().nodes().stream().map(NodeConfig::id).toList());

            Map<String, Integer> outcomes = new TreeMap<>();
            Random random = new Random(SEED);
            ManagedChannel channel = AdminCredentials.tls(cluster.config().security().caFile().orElseThrow(), "CA")
                    .configure(NettyChannelBuilder.forAddress(target.host(), target.adminPort())).build();
            try {
                Tokens tokens = new Tokens(cluster.token("admin"), cluster.token("read"));
                int sent = 0;
                while (sent < CALLS) {
                    Call call = randomCall(random, nodeIds, tokens);
                    if (call == null) {
                        continue;   // an admin's legitimate command: not sent
                    }
                    sent++;
                    Status status = send(channel, call);
                    assertThat(DELIBERATE.contains(status.getCode()) || busy(status))
                            .as("seed %d, call %d: %s answered %s", SEED, sent, call, status).isTrue();
                    assertThat(status.getCode() == Status.Code.OK || status.getDescription() != null)
                            .as("a refusal says why: %s", status).isTrue();
                    outcomes.merge(call.method().getBareMethodName() + " " + call.auth() + " -> " + status.getCode(), 1,
                            Integer::sum);
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }

            ClusterState after = cluster.admin().getState().getState();
            assertThat(comparable(after)).as("the committed state after the run (seed %d)", SEED)
                    .isEqualTo(comparable(before));
            assertThat(cluster.admin().getRaftInfo(target.adminAddress()).getNodeId()).isEqualTo(target.id());
            assertThat(cluster.agent(target.id()).isAlive()).isTrue();
            // a stranger's bytes are answered, not logged as the agent's own failures
            assertThat(Files.readString(cluster.agent(target.id()).log()))
                    .doesNotContain("Exception processing message", "SEVERE:", "Application error");
            // the run did reach every kind of refusal, and the authorised reads were answered
            assertThat(String.join("\n", outcomes.keySet())).contains("UNAUTHENTICATED", "PERMISSION_DENIED",
                    "RESOURCE_EXHAUSTED", "INVALID_ARGUMENT", "-> OK");
        }
    }

    /** The agent's answer to new tokens beyond its budget for hashing them: try again later. */
    private static boolean busy(Status status) {
        return status.getCode() == Status.Code.UNAVAILABLE && status.getDescription() != null
                && status.getDescription().startsWith("too many new tokens to check at this agent");
    }

    private record Tokens(String admin, String read) {}

    private record Call(MethodDescriptor<byte[], byte[]> method, Auth auth, String authorization, byte[] body,
                        String what) {
        @Override
        public String toString() {
            return method.getBareMethodName() + " with " + auth + ": " + what + " (" + body.length + " bytes)";
        }
    }

    private static Call randomCall(Random random, Set<Integer> nodeIds, Tokens tokens) {
        List<MethodDescriptor<?, ?>> methods = new ArrayList<>(AdminGrpc.getServiceDescriptor().getMethods());
        methods.sort((a, b) -> a.getFullMethodName().compareTo(b.getFullMethodName()));
        MethodDescriptor<?, ?> m = methods.get(random.nextInt(methods.size()));
        Auth auth = Auth.values()[random.nextInt(Auth.values().length)];
        String authorization = switch (auth) {
            case NONE -> null;
            case WRONG -> BearerToken.PREFIX + randomPrintable(random, 1 + random.nextInt(60));
            case READ -> BearerToken.PREFIX + tokens.read();
            case ADMIN -> BearerToken.PREFIX + tokens.admin();
            case MALFORMED -> List.of("Bearer", "Bearer ", "Basic " + tokens.admin(), "bearer " + tokens.admin(),
                    randomPrintable(random, 1 + random.nextInt(80))).get(random.nextInt(5));
        };
        byte[] body;
        String what;
        int kind = random.nextInt(10);
        if (kind < 4) {
            body = new byte[random.nextInt(200)];
            random.nextBytes(body);
            what = "random bytes";
        } else if (kind < 9) {
            body = randomFields(random, m.getBareMethodName());
            what = "random field values";
        } else {
            body = new byte[MAX_REQUEST + 1 + random.nextInt(4 * MAX_REQUEST)];
            random.nextBytes(body);
            what = "an oversized message";
        }
        if (auth == Auth.ADMIN && legitimate(m.getBareMethodName(), body, nodeIds)) {
            return null;
        }
        return new Call(bytes(m), auth, authorization, body, what);
    }

    /** A protobuf of the method's request type with random values, in and out of range. */
    private static byte[] randomFields(Random random, String method) {
        long timeout = List.of(0L, 1L, -1L, random.nextLong(), 3_600_001L, Long.MAX_VALUE, Long.MIN_VALUE)
                .get(random.nextInt(7));
        int id = List.of(random.nextInt(), -1, -2, 10_000, Integer.MAX_VALUE, Integer.MIN_VALUE, random.nextInt(20))
                .get(random.nextInt(7));
        return switch (method) {
            case "WatchState" -> WatchRequest.newBuilder().setWatcherNodeId(id)
                    .setHeartbeatMs(List.of(-5L, 0L, 60_001L, random.nextLong()).get(random.nextInt(4)))
                    .build().toByteArray();
            case "Switchover" -> SwitchoverRequest.newBuilder().setTarget(id).setWait(random.nextBoolean())
                    .setTimeoutMs(timeout).build().toByteArray();
            case "GetState", "GetRaftInfo", "GetWatchdogInfo" -> {
                // unknown fields in an empty message: read and ignored
                yield NodeRequest.newBuilder().setNodeId(id).setTimeoutMs(timeout).build().toByteArray();
            }
            default -> NodeRequest.newBuilder().setNodeId(id).setWait(random.nextBoolean()).setTimeoutMs(timeout)
                    .build().toByteArray();
        };
    }

    /**
     * Whether the admin token would make this a command an operator may give: one that decodes to
     * a request naming a node of the cluster (or the best standby), within the limits.
     */
    private static boolean legitimate(String method, byte[] body, Set<Integer> nodeIds) {
        if (body.length > MAX_REQUEST) {
            return false;
        }
        try {
            switch (method) {
                case "GetState", "WatchState", "GetRaftInfo", "GetWatchdogInfo":
                    return false;
                case "PromoteNode", "DetachNode", "AttachNode", "RecoverNode": {
                    NodeRequest r = NodeRequest.parseFrom(body);
                    return nodeIds.contains(r.getNodeId());
                }
                case "Switchover": {
                    SwitchoverRequest r = SwitchoverRequest.parseFrom(body);
                    return r.getTarget() == -1 || nodeIds.contains(r.getTarget());
                }
                default:
                    // a method this test does not know (membership, and whatever comes later): an admin's
                    // request to it may be legitimate, so only oversized ones are sent
                    return true;
            }
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    private static Status send(ManagedChannel channel, Call call) {
        Metadata headers = new Metadata();
        if (call.authorization() != null) {
            headers.put(BearerToken.AUTHORIZATION, call.authorization());
        }
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        var intercepted = io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        try {
            if (call.method().getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
                var clientCall = intercepted.newCall(call.method(), options);
                Iterator<byte[]> views = ClientCalls.blockingServerStreamingCall(clientCall, call.body());
                views.next();   // the first view came: the watch works; stop it
                clientCall.cancel("fuzz: one view is enough", null);
                return Status.OK;
            }
            ClientCalls.blockingUnaryCall(intercepted, call.method(), options, call.body());
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    @SuppressWarnings("unchecked")
    private static MethodDescriptor<byte[], byte[]> bytes(MethodDescriptor<?, ?> m) {
        return ((MethodDescriptor<Object, Object>) m).toBuilder(RawBytes.MARSHALLER, RawBytes.MARSHALLER).build();
    }


    private static String randomPrintable(Random random, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append((char) (0x21 + random.nextInt(0x7e - 0x21)));
        }
        return b.toString();
    }

    /**
     * The state without what moves with no command of ours: the observations (each agent's latest
     * probe results) and the backends' WAL positions. Everything else (nodes, statuses, roles,
     * primary and epoch, operation, recoveries, VIP, sync set, events) must be unchanged.
     */
    private static ClusterState comparable(ClusterState s) {
        ClusterState.Builder b = s.toBuilder().clearObservations();
        for (int i = 0; i < b.getBackendsCount(); i++) {
            Backend.Builder backend = b.getBackendsBuilder(i);
            backend.clearWalLsn().clearLagBytes().clearWalReportedMs();
        }
        return b.build();
    }
}
