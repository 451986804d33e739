package io.raftpool.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.MethodDescriptor;
import io.raftpool.config.ApiRole;
import io.raftpool.proto.AdminGrpc;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The role table covers every method of the service, and whatever it does not list needs admin. */
class MethodRolesTest {

    @Test
    void statusCallsNeedReadAndEveryOtherMethodNeedsAdmin() {
        Map<String, ApiRole> roles = new TreeMap<>();
        for (MethodDescriptor<?, ?> m : AdminGrpc.getServiceDescriptor().getMethods()) {
            roles.put(m.getBareMethodName(), MethodRoles.needed(m.getFullMethodName()));
        }

        assertThat(roles).containsAllEntriesOf(Map.of(
                "GetState", ApiRole.READ, "WatchState", ApiRole.READ, "GetRaftInfo", ApiRole.READ,
                "GetWatchdogInfo", ApiRole.READ, "PromoteNode", ApiRole.ADMIN, "DetachNode", ApiRole.ADMIN,
                "AttachNode", ApiRole.ADMIN, "RecoverNode", ApiRole.ADMIN, "Switchover", ApiRole.ADMIN));
        // only the four status calls are open to a read token, whatever methods the service has today
        assertThat(roles.entrySet().stream().filter(e -> e.getValue() == ApiRole.READ).map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("GetState", "WatchState", "GetRaftInfo", "GetWatchdogInfo", "Explain",
                        "ReportOutage");
    }

    @Test
    void aMethodAddedLaterNeedsAdminUntilSomeoneDecidesOtherwise() {
        assertThat(MethodRoles.needed("raftpool.v1.Admin/RemoveNode")).isEqualTo(ApiRole.ADMIN);
        assertThat(MethodRoles.needed("grpc.health.v1.Health/Check")).isEqualTo(ApiRole.ADMIN);
    }
}
