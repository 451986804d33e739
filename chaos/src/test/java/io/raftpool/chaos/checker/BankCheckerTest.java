package io.raftpool.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftpool.chaos.history.Histories;
import io.raftpool.chaos.history.Json;
import org.junit.jupiter.api.Test;

class BankCheckerTest {
    private static final BankChecker BANK = new BankChecker();

    private static JsonNode balances(long... b) {
        var o = Json.object();
        for (int i = 0; i < b.length; i++) {
            o.put(Integer.toString(i), b[i]);
        }
        return Json.object().set("balances", o);
    }

    private static Histories base() {
        return Histories.builder().setup(Json.object().put("workload", "bank").put("accounts", 3).put("balance", 100), 0)
                .invoke(0, "transfer", Json.object().put("from", 0).put("to", 1).put("amount", 5), 10)
                .ok(0, "transfer", null, 20, 0, 1)
                .invoke(1, "read", null, 30).ok(1, "read", balances(95, 105, 100), 40, 0, 1);
    }

    @Test
    void readsThatSumToTheTotalAreValid() {
        Verdict v = BANK.check(base().finalReadValue(balances(95, 105, 100), 50).build());
        assertThat(v.validity()).isEqualTo(Validity.VALID);
        assertThat(v.details()).containsEntry("total", 300L).containsEntry("reads", 2).containsEntry("bad_reads", 0);
    }

    @Test
    void aReadWhoseSumIsWrongIsInvalid() {
        Verdict v = BANK.check(base().invoke(2, "read", null, 41).ok(2, "read", balances(95, 100, 100), 45, 1, 2).build());
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString().contains("1 of 2 reads", "sum 295 instead of 300", "on node 1");
    }

    @Test
    void aFinalReadWithAMissingAccountOrANegativeBalanceIsInvalid() {
        Verdict v = BANK.check(base().finalReadValue(balances(-5, 305), 50).build());
        assertThat(v.validity()).isEqualTo(Validity.INVALID);
        assertThat(v.reasons()).singleElement().asString().contains("final read", "account 2 missing", "account 0 negative");
    }

    @Test
    void withoutSetupOrReadsItCannotTell() {
        assertThat(BANK.check(Histories.builder().build()).validity()).isEqualTo(Validity.UNKNOWN);
        assertThat(BANK.check(Histories.builder().setup(Json.object().put("accounts", 3).put("balance", 1), 0).build())
                .validity()).isEqualTo(Validity.UNKNOWN);
    }
}
