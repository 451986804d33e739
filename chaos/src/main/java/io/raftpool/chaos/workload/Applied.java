package io.raftpool.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftpool.chaos.history.OpType;

/**
 * How an operation ended when the database answered: {@code OK} or a definite {@code FAIL}
 * (e.g. insufficient funds), with its result, the port of the PostgreSQL server that took it
 * (-1 when unknown) and that server's WAL timeline (-1 when unknown).
 */
public record Applied(OpType type, JsonNode value, int serverPort, long timeline, String error) {
    public static Applied ok(JsonNode value, int serverPort, long timeline) {
        return new Applied(OpType.OK, value, serverPort, timeline, "");
    }

    public static Applied fail(String error) {
        return new Applied(OpType.FAIL, null, -1, -1, error);
    }
}
