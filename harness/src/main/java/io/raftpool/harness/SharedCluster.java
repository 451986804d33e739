package io.raftpool.harness;

import io.raftpool.proto.ClusterState;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One running cluster for the system tests that leave it repairable, started once per test JVM
 * and kind, and closed when the run ends. A test class registers it with
 * {@code @RegisterExtension static final SharedCluster SHARED = SharedCluster.withProxies();}
 * and asks {@link #cluster()} inside each test.
 *
 * <p>Before each test the cluster is put back in its starting shape ({@link ClusterReset}):
 * every process running, node 0 the active primary, every standby streaming, the public schema
 * empty. A test may fail the primary over or stop a standby; one that leaves the cluster beyond
 * repair makes the next test start a new one, said in one line. Tests that read the committed
 * events look only at those after {@link #firstEventOfThisTest()}: earlier tests' events are
 * still in the history.
 */
public final class SharedCluster implements BeforeEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedCluster.class);
    private static final Duration START = Duration.ofSeconds(120);

    private final String kind;
    private final Supplier<ClusterOptions> options;
    private Holder holder;
    private long firstEvent;

    private SharedCluster(String kind, Supplier<ClusterOptions> options) {
        this.kind = kind;
        this.options = options;
    }

    /** Two PostgreSQL servers and a witness, a proxy on every node. */
    public static SharedCluster withProxies() {
        return new SharedCluster("proxies", () -> LocalCluster.options().name("shared").proxies(true));
    }

    /** Two PostgreSQL servers and a witness in synchronous replication, no proxies. */
    public static SharedCluster syncMode() {
        return new SharedCluster("sync", () -> LocalCluster.options().name("sharedsync").set("replication", "mode", "sync"));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        holder = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(kind, k -> new Holder(), Holder.class);
        ClusterState s = holder.ready(options, context.getDisplayName());
        firstEvent = s.getEventsCount() == 0 ? 0 : s.getEvents(s.getEventsCount() - 1).getSeq() + 1;
    }

    public LocalCluster cluster() {
        if (holder == null || holder.cluster == null) {
            throw new IllegalStateException("the shared cluster is set up before each test; ask for it inside one");
        }
        return holder.cluster;
    }

    /** The sequence number of the first event committed during this test. */
    public long firstEventOfThisTest() {
        return firstEvent;
    }

    /** Closed by JUnit when the root context ends, that is after the last test of the run. */
    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        private LocalCluster cluster;

        synchronized ClusterState ready(Supplier<ClusterOptions> options, String test) {
            if (cluster != null) {
                try {
                    return ClusterReset.reset(cluster);
                } catch (RuntimeException e) {
                    System.err.println("harness: the shared cluster could not be reset before '" + test
                            + "', starting a new one: " + e.getMessage());
                    cluster.close();
                    cluster = null;
                }
            }
            cluster = LocalCluster.start(options.get());
            return cluster.awaitHealthy(START);
        }

        @Override
        public synchronized void close() {
            if (cluster != null) {
                cluster.close();
                cluster = null;
            }
        }
    }
}
