package io.raftpool.chaos.workload;

import io.raftpool.chaos.history.OpType;
import java.util.Set;

/**
 * Fail (certainly not done) or info (unknown) for an operation that ended with an error.
 * Conservative: only errors that PostgreSQL raises before anything can commit count as fail;
 * a broken connection, a timeout, a server shutdown while the decisive request was out could
 * all come after the commit, so they are info.
 */
public final class ErrorClassifier {
    private ErrorClassifier() {}

    /** SQLSTATEs after which the transaction certainly did not commit. */
    static final Set<String> DEFINITE = Set.of(
            "40001",  // serialization_failure
            "40P01",  // deadlock_detected
            "25006",  // read_only_sql_transaction: a standby refused the write
            "25P02",  // in_failed_sql_transaction
            "23505",  // unique_violation
            "23503",  // foreign_key_violation
            "23514",  // check_violation
            "53300",  // too_many_connections (at connection start)
            "55P03",  // lock_not_available
            "P0001"); // raise_exception

    /** SQLSTATE classes whose errors are raised before execution: syntax, data, access. */
    static final Set<String> DEFINITE_CLASSES = Set.of("22", "42", "28", "3D");

    public static OpType classify(String sqlState, boolean decidingRequestSent) {
        if (!decidingRequestSent) {
            return OpType.FAIL;
        }
        if (sqlState == null || sqlState.length() != 5) {
            return OpType.INFO;
        }
        if (DEFINITE.contains(sqlState) || DEFINITE_CLASSES.contains(sqlState.substring(0, 2))) {
            return OpType.FAIL;
        }
        return OpType.INFO;
    }

    /** Whether the connection can still be used after this error (the transaction rolled back). */
    public static boolean connectionUsable(String sqlState) {
        return sqlState != null && sqlState.length() == 5 && !sqlState.startsWith("08") && !sqlState.startsWith("57")
                && !sqlState.startsWith("XX") && !sqlState.startsWith("53");
    }
}
