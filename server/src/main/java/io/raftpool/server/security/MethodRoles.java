package io.raftpool.server.security;

import io.raftpool.config.ApiRole;
import io.raftpool.proto.AdminGrpc;
import java.util.Map;

/**
 * The role each admin API method needs. The status calls need {@code read}; every other method,
 * including any added later and not listed here, needs {@code admin}: a new command is
 * protected until someone decides otherwise.
 */
public final class MethodRoles {
    private static final Map<String, ApiRole> TABLE = Map.of(
            AdminGrpc.getGetStateMethod().getFullMethodName(), ApiRole.READ,
            AdminGrpc.getWatchStateMethod().getFullMethodName(), ApiRole.READ,
            AdminGrpc.getGetRaftInfoMethod().getFullMethodName(), ApiRole.READ,
            AdminGrpc.getGetWatchdogInfoMethod().getFullMethodName(), ApiRole.READ,
            AdminGrpc.getExplainMethod().getFullMethodName(), ApiRole.READ,
            // the proxies' token has the read role; what it may append is checked (OutageReports)
            AdminGrpc.getReportOutageMethod().getFullMethodName(), ApiRole.READ);

    private MethodRoles() {}

    /** The role {@code fullMethodName} ("raftpool.v1.Admin/GetState") needs; admin when it is not in the table. */
    public static ApiRole needed(String fullMethodName) {
        return TABLE.getOrDefault(fullMethodName, ApiRole.ADMIN);
    }
}
