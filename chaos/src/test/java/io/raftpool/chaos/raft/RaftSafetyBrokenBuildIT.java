package io.raftpool.chaos.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.checker.Validity;
import io.raftpool.chaos.checker.Verdict;
import org.junit.jupiter.api.Test;

/** {@link RaftSafetyIT}'s run against agents that wipe their Raft storage on restart: it must be judged invalid. */
class RaftSafetyBrokenBuildIT {
    @Test
    void theCheckerCatchesAMemberThatWipesItsLogOnRestart() throws Exception {
        Verdict v = RaftSafetyIT.run("raftbroken", true);
        assertThat(v.validity()).as("a member that forgets what it acknowledged must be caught; details " + v.details())
                .isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).anyMatch(r -> r.contains("was acknowledged but is not in")
                || r.contains("two different committed histories") || r.contains("differs"));
    }
}
