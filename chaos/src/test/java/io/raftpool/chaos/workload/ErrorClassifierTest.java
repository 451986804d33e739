package io.raftpool.chaos.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftpool.chaos.history.OpType;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {

    @Test
    void anythingBeforeTheDecidingRequestIsAFailure() {
        assertThat(ErrorClassifier.classify("08001", false)).isEqualTo(OpType.FAIL);   // could not connect
        assertThat(ErrorClassifier.classify(null, false)).isEqualTo(OpType.FAIL);
    }

    @Test
    void aBrokenConnectionOrAShutdownAfterItIsUnknown() {
        assertThat(ErrorClassifier.classify("08006", true)).isEqualTo(OpType.INFO);    // I/O error, socket timeout
        assertThat(ErrorClassifier.classify("57P01", true)).isEqualTo(OpType.INFO);    // terminated by administrator
        assertThat(ErrorClassifier.classify("XX000", true)).isEqualTo(OpType.INFO);
        assertThat(ErrorClassifier.classify(null, true)).isEqualTo(OpType.INFO);
    }

    @Test
    void errorsRaisedBeforeAnythingCommitsAreFailures() {
        assertThat(ErrorClassifier.classify("40001", true)).isEqualTo(OpType.FAIL);    // serialization failure
        assertThat(ErrorClassifier.classify("25006", true)).isEqualTo(OpType.FAIL);    // a standby refused the write
        assertThat(ErrorClassifier.classify("23505", true)).isEqualTo(OpType.FAIL);
        assertThat(ErrorClassifier.classify("42P01", true)).isEqualTo(OpType.FAIL);    // undefined table
    }

    @Test
    void onlyATransactionLevelErrorLeavesTheConnectionUsable() {
        assertThat(ErrorClassifier.connectionUsable("40001")).isTrue();
        assertThat(ErrorClassifier.connectionUsable("08006")).isFalse();
        assertThat(ErrorClassifier.connectionUsable("57P01")).isFalse();
        assertThat(ErrorClassifier.connectionUsable(null)).isFalse();
    }
}
