package io.raftpool.harness;

/**
 * A {@link LocalCluster} whose nodes each live in their own network namespace of a fresh
 * {@link NetworkLab}, with a {@link RelayedAdmin} in the lab's client namespace to read the
 * cluster's state (the caller's JVM cannot reach the nodes' addresses). Close stops the
 * processes first, then removes the namespaces.
 */
public final class NamespacedCluster implements AutoCloseable {
    private final NetworkLab lab;
    private LocalCluster cluster;
    private RelayedAdmin admin;

    private NamespacedCluster(NetworkLab lab) {
        this.lab = lab;
    }

    /**
     * Starts {@code options} with {@code nodes} nodes (PostgreSQL nodes plus witnesses, as set in
     * the options) inside a new lab; the options' hosts and process prefix are set here.
     */
    public static NamespacedCluster start(int nodes, java.util.function.Function<NetworkLab, ClusterOptions> options) {
        NamespacedCluster c = new NamespacedCluster(NetworkLab.create(nodes));
        try {
            c.cluster = LocalCluster.start(options.apply(c.lab).hosts(c.lab::nodeAddress).processPrefix(c.lab.processPrefix()));
            c.admin = RelayedAdmin.start(c.lab.clientNamespace(), c.cluster.config(),
                    c.cluster.dir().resolve("logs/admin-relay.log"));
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    public NetworkLab lab() {
        return lab;
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public RelayedAdmin admin() {
        return admin;
    }

    @Override
    public void close() {
        try {
            if (admin != null) {
                admin.close();
            }
        } finally {
            try {
                if (cluster != null) {
                    cluster.close(); // first: a namespace lives on while processes are in it
                }
            } finally {
                lab.close();
            }
        }
    }
}
