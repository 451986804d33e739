package io.raftpool.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.raftpool.api.AdminClient;
import io.raftpool.api.AdminCredentials;
import io.raftpool.api.BearerToken;
import io.raftpool.api.ClusterUnreachableException;
import io.raftpool.api.RequestRejectedException;
import io.raftpool.config.ApiRole;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigLoader;
import io.raftpool.config.SecuritySettings;
import io.raftpool.config.TokenEntry;
import io.raftpool.config.TokenHash;
import io.raftpool.proto.ActionReply;
import io.raftpool.proto.AdminGrpc;
import io.raftpool.proto.GetStateRequest;
import io.raftpool.proto.NodeRequest;
import io.raftpool.proto.StateView;
import io.raftpool.server.api.AdminEndpoint;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's server as an agent builds it, over real TLS on loopback, in front of a service
 * that answers every call: who gets in, with which status, how each outcome is counted, and
 * what happens to plaintext and oversized requests.
 */
class AdminEndpointTlsTest {
    private static final String ADMIN = "admin-token-for-the-test";
    private static final String READ = "read-token-for-the-test";
    private static final Duration CALL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private ClusterConfig config;
    private ApiAccess access;
    private Server server;
    private String address;

    /** Answers every call it is let through to: the check in front of it is what is tested. */
    private static final class Answering extends AdminGrpc.AdminImplBase {
        @Override
        public void getState(GetStateRequest request, StreamObserver<StateView> response) {
            response.onNext(StateView.newBuilder().setServedAtMs(1).build());
            response.onCompleted();
        }

        @Override
        public void promoteNode(NodeRequest request, StreamObserver<ActionReply> response) {
            response.onNext(ActionReply.newBuilder().setAccepted(true).setMessage("promoted").build());
            response.onCompleted();
        }
    }

    @BeforeEach
    void start() throws Exception {
        new CertificateAuthority(dir).create(List.of(new CertificateAuthority.Node("n0", "127.0.0.1"),
                new CertificateAuthority.Node("n1", "127.0.0.1"), new CertificateAuthority.Node("n2", "127.0.0.1")));
        config = ConfigLoader.parse("""
                cluster: { name: t }
                security: { tls: true, ca_file: %1$s/ca.crt, cert_file: "%1$s/{name}.crt", key_file: "%1$s/{name}.key" }
                nodes:
                  - { id: 0, name: n0, host: 127.0.0.1, raft_port: 7000, admin_port: 7001, witness: true, agent_dir: /tmp/a0 }
                  - { id: 1, name: n1, host: 127.0.0.1, raft_port: 7002, admin_port: 7003, witness: true, agent_dir: /tmp/a1 }
                  - { id: 2, name: n2, host: 127.0.0.1, raft_port: 7004, admin_port: 7005, agent_dir: /tmp/a2,
                      postgres: { port: 5432, data_dir: /tmp/d2 } }
                """.formatted(dir), Path.of("t.yaml"));
        SecureRandom random = new SecureRandom();
        SecuritySettings auth = new SecuritySettings(true, config.security().caFile(), config.security().certFile(),
                config.security().keyFile(), true,
                List.of(new TokenEntry("ops", ApiRole.ADMIN, TokenHash.create(ADMIN, TokenHash.MIN_ITERATIONS, random)),
                        new TokenEntry("watch", ApiRole.READ, TokenHash.create(READ, TokenHash.MIN_ITERATIONS, random))),
                config.security().proxyToken(), config.security().cliToken());
        access = new ApiAccess(auth);
        server = AdminEndpoint.build(new InetSocketAddress("127.0.0.1", 0), new Answering(),
                NodeTls.load(config, 0), access).start();
        address = "127.0.0.1:" + server.getPort();
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private AdminCredentials tls() {
        return AdminCredentials.tls(config.security().caFile().orElseThrow(), "ca");
    }

    private AdminClient client(AdminCredentials credentials) {
        return AdminClient.connect(List.of(address), CALL, credentials);
    }

    @Test
    void withoutATokenACallIsRefusedAndCounted() {
        try (AdminClient c = client(tls())) {
            assertThatThrownBy(c::getState).isInstanceOfSatisfying(RequestRejectedException.class,
                    e -> assertThat(e.failures().get(0).code()).isEqualTo(Status.Code.UNAUTHENTICATED));
        }
        assertThat(access.counters().unauthenticated()).isEqualTo(1);
        assertThat(access.counters().accepted()).isZero();
    }

    @Test
    void aReadTokenReadsAndIsDeniedPromotionAndBothAreCounted() {
        try (AdminClient c = client(tls().withToken(READ))) {
            assertThat(c.getState().getServedAtMs()).isEqualTo(1);
            assertThatThrownBy(() -> c.promoteNode(NodeRequest.newBuilder().setNodeId(1).build()))
                    .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
                        assertThat(e.failures().get(0).code()).isEqualTo(Status.Code.PERMISSION_DENIED);
                        assertThat(e.getMessage()).contains("PromoteNode needs role admin; token 'watch' has role read");
                    });
        }
        assertThat(access.counters().accepted()).isEqualTo(1);
        assertThat(access.counters().permissionDenied()).isEqualTo(1);
    }

    @Test
    void theAdminTokenPromotes() {
        try (AdminClient c = client(tls().withToken(ADMIN))) {
            assertThat(c.promoteNode(NodeRequest.newBuilder().setNodeId(1).build()).getMessage()).isEqualTo("promoted");
        }
        assertThat(access.counters().accepted()).isEqualTo(1);
    }

    @Test
    void aWrongTokenIsRefusedEveryTime() {
        try (AdminClient c = client(tls().withToken(ADMIN + "x"))) {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(c::getState).isInstanceOfSatisfying(RequestRejectedException.class,
                        e -> assertThat(e.getMessage()).contains("the token matches none of security.tokens")
                                .doesNotContain(ADMIN));
            }
        }
        assertThat(access.counters().unauthenticated()).isEqualTo(3);
    }

    @Test
    void anotherAgentGetsInWithItsCertificateAlone() {
        try (AdminClient c = client(NodeTls.load(config, 2).orElseThrow().peerCredentials())) {
            assertThat(c.promoteNode(NodeRequest.newBuilder().setNodeId(1).build()).getAccepted()).isTrue();
        }
    }

    @Test
    void aPlaintextClientGetsNothing() {
        try (AdminClient c = client(AdminCredentials.plaintext())) {
            assertThatThrownBy(c::getState).isInstanceOf(ClusterUnreachableException.class);
        }
        assertThat(access.counters().accepted() + access.counters().unauthenticated()).isZero();
    }

    @Test
    void aClientNeverSendsItsTokenWithoutTls() throws Exception {
        Server plain = AdminEndpoint.build(new InetSocketAddress("127.0.0.1", 0), new Answering(), Optional.empty(),
                access).start();
        ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", plain.getPort()).usePlaintext().build();
        try {
            assertThatThrownBy(() -> AdminGrpc.newBlockingStub(plaintext).withCallCredentials(new BearerToken(ADMIN))
                    .withDeadlineAfter(5, TimeUnit.SECONDS).getState(GetStateRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                        assertThat(e.getStatus().getDescription()).contains("refusing to send the API token");
                    });
            // the call never left the client: the server saw nothing to count
            assertThat(access.counters().unauthenticated() + access.counters().accepted()).isZero();
        } finally {
            plaintext.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void bytesThatAreNotARequestAreAnInvalidArgument() throws Exception {
        MethodDescriptor<byte[], byte[]> promote = AdminGrpc.getPromoteNodeMethod().toBuilder(RAW, RAW).build();
        ManagedChannel channel = tls().configure(NettyChannelBuilder.forTarget(address)).build();
        try {
            // field 1 (node_id, a varint) given as a group: no NodeRequest reads so
            byte[] garbage = {0x0b, 0x01, 0x02, (byte) 0xff};
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, promote,
                    CallOptions.DEFAULT.withCallCredentials(new BearerToken(ADMIN))
                            .withDeadlineAfter(5, TimeUnit.SECONDS), garbage))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription())
                                .isEqualTo("the request is not a valid PromoteNode request message (raftpool.v1 protobuf)");
                    });
            // and a readable one still gets through
            byte[] request = NodeRequest.newBuilder().setNodeId(1).build().toByteArray();
            byte[] reply = ClientCalls.blockingUnaryCall(channel, promote, CallOptions.DEFAULT
                    .withCallCredentials(new BearerToken(ADMIN)).withDeadlineAfter(5, TimeUnit.SECONDS), request);
            assertThat(ActionReply.parseFrom(reply).getMessage()).isEqualTo("promoted");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public java.io.InputStream stream(byte[] value) {
            return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(java.io.InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    };

    @Test
    void anOversizedRequestIsRefusedBeforeItIsRead() throws Exception {
        NodeRequest huge = NodeRequest.newBuilder().setNodeId(1)
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder().addField(99,
                        com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                .addLengthDelimited(com.google.protobuf.ByteString.copyFrom(new byte[100_000])).build())
                        .build()).build();
        ManagedChannel channel = tls().withToken(ADMIN).configure(NettyChannelBuilder.forTarget(address)).build();
        try {
            assertThatThrownBy(() -> tls().withToken(ADMIN).apply(AdminGrpc.newBlockingStub(channel))
                    .withDeadlineAfter(5, TimeUnit.SECONDS).promoteNode(huge))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription()).contains("exceeds maximum size 65536");
                    });
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
