package io.raftpool.server.api;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.raftpool.server.security.ApiAccess;
import io.raftpool.server.security.NodeTls;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The admin API's server: TLS with the node's certificate when security.tls is on (an agent's
 * client certificate is checked when one is shown), the token check when security.auth is on,
 * no request larger than {@link RequestLimits#MAX_MESSAGE_BYTES}, and INVALID_ARGUMENT for bytes
 * that are not a request ({@link UnreadableRequests}).
 */
public final class AdminEndpoint {
    /**
     * gRPC logs every oversized request with a stack trace (JUL, to the agent's log): anyone who
     * can reach the port could fill the log. The caller gets RESOURCE_EXHAUSTED and the limit
     * anyway, so that record is dropped. Held here: JUL keeps loggers only weakly.
     */
    private static final Logger NETTY_STREAMS = Logger.getLogger("io.grpc.netty.NettyServerStream");

    static {
        NETTY_STREAMS.setFilter(r -> !(r.getThrown() instanceof StatusRuntimeException e
                && e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED));
    }

    private AdminEndpoint() {}

    public static Server build(InetSocketAddress address, BindableService service, Optional<NodeTls> tls,
                               ApiAccess access) {
        ServerServiceDefinition readable = UnreadableRequests.wrap(service.bindService());
        NettyServerBuilder b = NettyServerBuilder.forAddress(address)
                .addService(access.interceptor().map(i -> ServerInterceptors.intercept(readable, i)).orElse(readable))
                .maxInboundMessageSize(RequestLimits.MAX_MESSAGE_BYTES);
        tls.ifPresent(t -> b.sslContext(t.adminServer()));
        return b.build();
    }
}
