package io.raftpool.server.api;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;

/**
 * Answers a request whose bytes are not the method's message with INVALID_ARGUMENT and a
 * message saying so. Left to gRPC, the parse failure would end the call as UNKNOWN ("application
 * error") and log a stack trace: an admin API on a network must not look broken to a stranger's
 * bytes. The service receives its messages as bytes ({@link #wrap}); they are parsed inside the
 * listener here, where a failure can still be answered.
 */
final class UnreadableRequests implements ServerInterceptor {
    private UnreadableRequests() {}

    /** The service, with its requests parsed where a failure is answered as INVALID_ARGUMENT. */
    static ServerServiceDefinition wrap(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(ServerInterceptors.useMarshalledMessages(service, RawBytes.MARSHALLER, PASS_THROUGH),
                new UnreadableRequests());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                try {
                    super.onMessage(message);
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() != Status.Code.INTERNAL) {
                        throw e;
                    }
                    refused = true;
                    call.close(Status.INVALID_ARGUMENT.withDescription("the request is not a valid "
                            + call.getMethodDescriptor().getBareMethodName() + " request message (raftpool.v1 protobuf)"),
                            new Metadata());
                }
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onReady() {
                if (!refused) {
                    super.onReady();
                }
            }
        };
    }


    /** Responses go out as the service serialised them. */
    private static final MethodDescriptor.Marshaller<InputStream> PASS_THROUGH = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };
}
