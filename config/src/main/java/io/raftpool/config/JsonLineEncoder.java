package io.raftpool.config;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * {@code --log-format json}: one JSON object per log entry, on one line. Fixed keys first
 * ({@code time}, {@code level}, {@code logger}, {@code thread}, {@code process}, {@code node},
 * {@code message}), then the entry's key-value pairs (slf4j's {@code addKeyValue}, e.g.
 * {@code epoch}, {@code reason}), then {@code error} with the stack trace when there is one.
 * A key-value pair named like a fixed key is written with a {@code kv_} prefix, never over it.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Set<String> FIXED = Set.of("time", "level", "logger", "thread", "process", "node",
            "message", "error");
    private static final byte[] NOTHING = new byte[0];

    private final JsonFactory json = new JsonFactory();
    private String process = "";
    private String node = "";

    /** The process name ({@code agent 0}); empty: the key is left out. Set from logback.xml. */
    public void setProcess(String process) {
        this.process = process == null ? "" : process.strip();
    }

    /** The node id of the process; empty: the key is left out. Set from logback.xml. */
    public void setNode(String node) {
        this.node = node == null ? "" : node.strip();
    }

    @Override
    public byte[] headerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] footerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", TIME.format(Instant.ofEpochMilli(event.getTimeStamp())));
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            if (!process.isEmpty()) {
                g.writeStringField("process", process);
            }
            if (!node.isEmpty()) {
                writeNode(g);
            }
            g.writeStringField("message", event.getFormattedMessage());
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair kv : event.getKeyValuePairs()) {
                    writeValue(g, FIXED.contains(kv.key) ? "kv_" + kv.key : kv.key, kv.value);
                }
            }
            IThrowableProxy error = event.getThrowableProxy();
            if (error != null) {
                g.writeStringField("error", ThrowableProxyUtil.asString(error));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a log entry could not be written as JSON", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private void writeNode(JsonGenerator g) throws IOException {
        try {
            g.writeNumberField("node", Integer.parseInt(node));
        } catch (NumberFormatException notANumber) {
            g.writeStringField("node", node);
        }
    }

    private static void writeValue(JsonGenerator g, String key, Object value) throws IOException {
        if (value == null) {
            g.writeNullField(key);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            g.writeNumberField(key, ((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            g.writeNumberField(key, ((Number) value).doubleValue());
        } else if (value instanceof Boolean b) {
            g.writeBooleanField(key, b);
        } else {
            g.writeStringField(key, value.toString());
        }
    }
}
