package io.raftpool.server.security;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.raftpool.api.BearerToken;
import io.raftpool.config.ApiRole;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every admin API call before its request is read: an agent's client certificate, or a
 * bearer token of a role that allows the method ({@link MethodRoles}). A refused call ends with
 * UNAUTHENTICATED or PERMISSION_DENIED and a message that says what is needed; both are counted.
 */
public final class AuthInterceptor implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(AuthInterceptor.class);

    private final TokenVerifier verifier;
    private final AuthCounters counters;

    public AuthInterceptor(TokenVerifier verifier, AuthCounters counters) {
        this.verifier = verifier;
        this.counters = counters;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        ApiRole needed = MethodRoles.needed(method);
        Caller caller = identify(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION),
                headers.get(BearerToken.AUTHORIZATION));
        AccessDecision decision = AccessDecision.decide(method, needed, caller);
        counters.count(decision);
        if (decision.allowed()) {
            return next.startCall(call, headers);
        }
        Object from = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (decision.code() == Status.Code.PERMISSION_DENIED) {
            LOG.warn("refused {} from {}: {}", AccessDecision.shortName(method), from, decision.message());
        } else {
            LOG.debug("refused {} from {}: {}", AccessDecision.shortName(method), from, decision.message());
        }
        call.close(Status.fromCode(decision.code()).withDescription(decision.message()), new Metadata());
        return new ServerCall.Listener<>() { };
    }

    Caller identify(SSLSession session, String authorization) {
        String agent = agentSubject(session);
        if (agent != null) {
            return new Caller.Agent(agent);
        }
        if (authorization == null) {
            return new Caller.Anonymous();
        }
        if (!authorization.startsWith(BearerToken.PREFIX) || authorization.length() == BearerToken.PREFIX.length()) {
            return new Caller.Malformed();
        }
        return callerOf(verifier.check(authorization.substring(BearerToken.PREFIX.length())));
    }

    static Caller callerOf(TokenVerifier.Result result) {
        return switch (result.verdict()) {
            case MATCH -> new Caller.Token(result.entry().orElseThrow().name(), result.entry().orElseThrow().role());
            case BUSY -> new Caller.NotChecked();
            default -> new Caller.UnknownToken();
        };
    }

    /** The subject of a client certificate the TLS handshake verified against the CA, or null. */
    private static String agentSubject(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x
                    ? x.getSubjectX500Principal().getName() : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
