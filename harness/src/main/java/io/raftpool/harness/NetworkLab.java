package io.raftpool.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * A small network of real kernel namespaces for system tests: one per node and one for a
 * client, joined by a bridge in a namespace of its own (see {@link NetworkPlan}). Node i's
 * processes run inside its namespace ({@link #processPrefix()}) and listen on its address; the
 * machine's own namespace gets no address, route or link. {@link #close()} deletes it all, and
 * a shutdown hook does the same if the JVM ends first.
 *
 * <p>Needs root and iproute2; {@link #unavailableReason()} says why a machine cannot have one,
 * for tests to skip with.
 */
public final class NetworkLab implements AutoCloseable {
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

    private static Optional<String> probeResult;

    private final NetworkPlan plan;
    private final CleanupOnExit cleanup;
    // Only what this lab created is deleted: a name that existed already belongs to someone else.
    private final List<String> created = new java.util.concurrent.CopyOnWriteArrayList<>();

    private NetworkLab(NetworkPlan plan) {
        this.plan = plan;
        this.cleanup = CleanupOnExit.register("network-lab-cleanup " + plan.prefix(), this::removeAll);
    }

    /** Why this machine cannot build a lab (not root, no ip command, namespaces refused), or empty when it can. */
    public static Optional<String> unavailableReason() {
        if (!Preflight.isRoot()) {
            return Optional.of("network namespaces need root (running as " + System.getProperty("user.name") + ")");
        }
        if (!onPath("ip")) {
            return Optional.of("the ip command is missing; install it with `apt-get install -y iproute2`");
        }
        return canCreateNamespaces();
    }

    /** Root is not always enough (a container without CAP_SYS_ADMIN): try one, and remove it. */
    private static synchronized Optional<String> canCreateNamespaces() {
        if (probeResult == null) {
            String probe = NetworkPlan.random(1, new SecureRandom()).prefix() + "-probe";
            Exec.Result add = Exec.run(IP_TIMEOUT, NetworkPlan.addNamespace(probe));
            if (add.ok()) {
                Exec.run(IP_TIMEOUT, NetworkPlan.deleteNamespace(probe));
                probeResult = Optional.empty();
            } else {
                probeResult = Optional.of("`ip netns add` fails here: " + add.output().strip());
            }
        }
        return probeResult;
    }

    /** Builds a lab of {@code nodes} node namespaces plus a client namespace, under a fresh random prefix. */
    public static NetworkLab create(int nodes) {
        return create(NetworkPlan.random(nodes, new SecureRandom()));
    }

    public static NetworkLab create(NetworkPlan plan) {
        unavailableReason().ifPresent(why -> {
            throw new HarnessException("cannot build a network lab: " + why);
        });
        NetworkLab lab = new NetworkLab(plan);
        try {
            for (String ns : plan.namespaces()) {
                Exec.run(IP_TIMEOUT, NetworkPlan.addNamespace(ns)).orThrow();
                lab.created.add(ns);
            }
            for (List<String> cmd : plan.links()) {
                Exec.run(IP_TIMEOUT, cmd).orThrow();
            }
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    public NetworkPlan plan() {
        return plan;
    }

    public String nodeNamespace(int node) {
        return plan.nodeNamespace(node);
    }

    public String clientNamespace() {
        return plan.clientNamespace();
    }

    public String nodeAddress(int node) {
        return plan.nodeAddress(node);
    }

    /** For {@code ClusterOptions.processPrefix}: node i's processes start inside its namespace. */
    public IntFunction<List<String>> processPrefix() {
        return node -> NetworkPlan.inNamespace(plan.nodeNamespace(node), List.of());
    }

    /** Runs {@code command} inside namespace {@code ns} to its end. */
    public Exec.Result exec(String ns, Duration timeout, List<String> command) {
        return Exec.run(timeout, NetworkPlan.inNamespace(ns, command));
    }

    /** The IPv4 addresses on {@code eth0} of namespace {@code ns}. */
    public List<String> addresses(String ns) {
        return NetworkPlan.parseAddresses(Exec.run(IP_TIMEOUT, "ip", "-n", ns, "-o", "-4", "addr", "show", "dev",
                NetworkPlan.INTERFACE).orThrow());
    }

    /** The nodes whose namespace has {@code address} on its interface right now, in node order. */
    public Set<Integer> nodesHolding(String address) {
        Set<Integer> holders = new LinkedHashSet<>();
        for (int i = 0; i < plan.nodes(); i++) {
            if (addresses(plan.nodeNamespace(i)).contains(address)) {
                holders.add(i);
            }
        }
        return holders;
    }

    /** Cuts node {@code node} off the network (its bridge port down): it and everyone else stay up. */
    public void cut(int node) {
        Exec.run(IP_TIMEOUT, plan.cut(node)).orThrow();
    }

    public void heal(int node) {
        Exec.run(IP_TIMEOUT, plan.heal(node)).orThrow();
    }

    /**
     * A VIP arping command template that really announces the address with the arping found
     * here: Debian's arping package (Thomas Habets') sends its primary address as the sender
     * unless given -S, which updates nobody's cache for the VIP; iputils' arping does it with -U.
     * When root and no arping is installed, installs Debian's one, as the project's launcher does.
     */
    public static String arpingTemplate() {
        if (!onPath("arping") && Preflight.isRoot() && onPath("apt-get")) {
            List<String> install = List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q",
                    "arping");
            Exec.Result r = Exec.run(INSTALL_TIMEOUT, install);
            if (!r.ok()) { // the package lists may be missing, as on a fresh image
                Exec.run(INSTALL_TIMEOUT, "apt-get", "update", "-q");
                r = Exec.run(INSTALL_TIMEOUT, install);
            }
            if (!r.ok()) {
                System.err.println("harness: could not install arping (the VIP moves without announcements): "
                        + r.output().strip());
            }
        }
        String help = Exec.run(IP_TIMEOUT, "arping", "--help").output();
        if (help.contains("Habets")) {
            return "arping -U -S {address} -c 1 -i {interface} {address}";
        }
        return "arping -U -c 1 -I {interface} {address}";
    }

    /** The namespaces on this machine whose name starts with {@code prefix} (leftovers, after close). */
    public static List<String> namespacesStartingWith(String prefix) {
        List<String> found = new ArrayList<>();
        for (String line : Exec.run(IP_TIMEOUT, "ip", "netns", "list").orThrow().split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (!name.isEmpty() && name.startsWith(prefix)) {
                found.add(name);
            }
        }
        return found;
    }

    /** Deletes every namespace of the lab (and with them every link); safe to call twice. */
    @Override
    public void close() {
        cleanup.close();
    }

    private void removeAll() {
        List<String> failures = new ArrayList<>();
        for (String ns : created) {
            Exec.Result r = Exec.run(IP_TIMEOUT, NetworkPlan.deleteNamespace(ns));
            if (r.ok()) {
                created.remove(ns);
            } else {
                failures.add(ns + ": " + r.output().strip());
            }
        }
        if (!failures.isEmpty()) {
            System.err.println("harness: could not delete network namespaces " + failures);
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
