package io.raftpool.proxy;

/** The two client-facing ports of a proxy; {@link #label()} is the metrics and log name. */
public enum ProxyPort {
    READ_WRITE("rw"),
    READ_ONLY("ro");

    private final String label;

    ProxyPort(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
