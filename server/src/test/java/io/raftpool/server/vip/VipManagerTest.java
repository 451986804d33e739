package io.raftpool.server.vip;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.server.vip.VipManager.Step;
import org.junit.jupiter.api.Test;

class VipManagerTest {
    private static final long DROP_AFTER = 600;

    @Test
    void aLeaderWithFreshContactBringsTheVipUpOnlyOnceTheWaitIsOver() {
        assertThat(VipManager.decide(true, false, 100, DROP_AFTER, 999, 1000)).isEqualTo(Step.NOTHING);
        assertThat(VipManager.decide(true, false, 100, DROP_AFTER, 1000, 1000)).isEqualTo(Step.BRING_UP);
        assertThat(VipManager.decide(true, true, 100, DROP_AFTER, 2000, 1000)).isEqualTo(Step.NOTHING);
    }

    @Test
    void aHolderDropsTheVipWhenItIsNoLongerLeaderOrItsContactIsStaleOrUnknown() {
        assertThat(VipManager.decide(false, true, 100, DROP_AFTER, 2000, 1000)).isEqualTo(Step.BRING_DOWN);
        assertThat(VipManager.decide(true, true, DROP_AFTER, DROP_AFTER, 2000, 1000)).isEqualTo(Step.BRING_DOWN);
        assertThat(VipManager.decide(true, true, -1, DROP_AFTER, 2000, 1000)).isEqualTo(Step.BRING_DOWN);
        assertThat(VipManager.decide(true, false, DROP_AFTER, DROP_AFTER, 2000, 1000)).isEqualTo(Step.NOTHING);
    }

    @Test
    void aNewLeaderWaitsLongerThanACutOffLeaderCanKeepTheVip() {
        long min = 300;
        long max = 600;
        // the cut-off leader drops it by the time Ratis steps it down: at most 2 * max after a
        // majority last answered, plus one check; a new leader exists at least min after that
        long oldLeaderDropsBy = 2 * max + 50;
        long newLeaderUpFrom = min + VipManager.waitAfterElectionMs(min, max);
        assertThat(newLeaderUpFrom - oldLeaderDropsBy).isGreaterThanOrEqualTo(200);
    }
}
