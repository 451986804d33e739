package io.raftpool.chaos.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftpool.chaos.checker.AvailabilityChecker;
import io.raftpool.chaos.checker.BankChecker;
import io.raftpool.chaos.checker.SetChecker;
import io.raftpool.chaos.checker.SinglePrimaryChecker;
import io.raftpool.chaos.history.Histories;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    @Test
    void idsAreUniqueAcrossClientsAndTheSameForTheSameSeed() {
        Workload w = Workload.byName("set");
        Set<Long> ids = new HashSet<>();
        for (int client = 0; client < 8; client++) {
            for (long seq = 0; seq < 1000; seq++) {
                assertThat(ids.add(w.next(client, seq, new Random(1)).value().asLong())).isTrue();
            }
        }
        Workload bank = Workload.byName("bank");
        Random a = new Random(42);
        Random b = new Random(42);
        for (int i = 0; i < 100; i++) {
            assertThat(bank.next(0, i, a)).isEqualTo(bank.next(0, i, b));
        }
    }

    @Test
    void transfersMoveMoneyBetweenTwoDifferentAccounts() {
        Workload bank = Workload.byName("bank");
        Random rnd = new Random(3);
        for (int i = 0; i < 500; i++) {
            Invocation op = bank.next(0, i, rnd);
            if (op.f().equals("transfer")) {
                assertThat(op.value().get("from").asInt()).isNotEqualTo(op.value().get("to").asInt());
                assertThat(op.value().get("amount").asInt()).isBetween(1, BankWorkload.MAX_AMOUNT);
            }
        }
    }

    @Test
    void eachWorkloadBringsItsCheckers() {
        var h = Histories.builder().build();
        assertThat(Workload.byName("set").checkers(h)).hasExactlyElementsOfTypes(SetChecker.class,
                SinglePrimaryChecker.class, AvailabilityChecker.class);
        assertThat(Workload.byName("single-primary").checkers(h)).hasExactlyElementsOfTypes(SinglePrimaryChecker.class,
                SetChecker.class, AvailabilityChecker.class);
        assertThat(Workload.byName("bank").checkers(h)).hasExactlyElementsOfTypes(BankChecker.class,
                SinglePrimaryChecker.class, AvailabilityChecker.class);
        assertThatThrownBy(() -> Workload.byName("queue")).hasMessageContaining("'queue' is not a workload")
                .hasMessageContaining("single-primary");
    }
}
