package io.raftpool.chaos.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One event of the cluster's committed event history, as a run gathered it (events.json): a
 * plain value, so checkers can judge a recorded run without the cluster's protocol classes.
 *
 * @param atMs   when the leader issued the command that committed it, epoch milliseconds (the
 *               agents and the chaos clients run on one machine, so this lines up with
 *               {@link Op#wallMs()})
 * @param nodeId     the node it is about, -1 when none
 * @param startedMs  when the step it ends began (epoch milliseconds), 0 when not known
 * @param durationMs how long that step took, 0 when not known
 */
public record CommittedEvent(long seq, long atMs, String kind, int nodeId, long epoch, String message, long startedMs,
                             long durationMs) {
    public CommittedEvent {
        Objects.requireNonNull(kind, "kind");
        message = message == null ? "" : message;
    }

    public CommittedEvent(long seq, long atMs, String kind, int nodeId, long epoch, String message) {
        this(seq, atMs, kind, nodeId, epoch, message, 0, 0);
    }

    /** The events of an events.json file (an array of objects with seq, at_ms, kind, node_id, epoch, message, and started_ms and duration_ms when known). */
    public static List<CommittedEvent> read(Path file) {
        JsonNode array;
        try {
            array = Json.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the committed events " + file + ": " + e.getMessage(), e);
        }
        if (!array.isArray()) {
            throw new IllegalArgumentException(file + ": not a JSON array of committed events");
        }
        List<CommittedEvent> events = new ArrayList<>();
        for (JsonNode e : array) {
            events.add(new CommittedEvent(e.path("seq").asLong(-1), e.path("at_ms").asLong(0), e.path("kind").asText(""),
                    e.path("node_id").asInt(-1), e.path("epoch").asLong(0), e.path("message").asText(""),
                    e.path("started_ms").asLong(0), e.path("duration_ms").asLong(0)));
        }
        return events;
    }
}
