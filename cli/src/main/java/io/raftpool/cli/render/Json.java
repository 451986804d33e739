package io.raftpool.cli.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one JSON writer of the CLI: two-space indent, {@code "key": value}, one element a line. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER;

    static {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        WRITER = MAPPER.writer(printer);
    }

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(ObjectNode node) {
        try {
            return WRITER.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree built in memory could not be written", e);
        }
    }

    /** The same JSON on one line, for output that prints one object per line (JSON Lines). */
    public static String writeLine(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree built in memory could not be written", e);
        }
    }

    /** Puts a number, or null when {@code value} is the "unknown" marker. */
    static void putOrNull(ObjectNode node, String key, long value, long unknown) {
        if (value == unknown) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    static void putOrNull(ObjectNode node, String key, String value) {
        if (value == null || value.isEmpty()) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    /** A time as two keys: ISO-8601 UTC, and epoch milliseconds; both null for never. */
    static void putTime(ObjectNode node, String key, long epochMs) {
        putOrNull(node, key, Formats.isoTime(epochMs));
        if (epochMs <= 0) {
            node.putNull(key + "_ms");
        } else {
            node.put(key + "_ms", epochMs);
        }
    }
}
