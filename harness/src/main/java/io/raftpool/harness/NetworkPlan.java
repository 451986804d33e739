package io.raftpool.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What a {@link NetworkLab} creates, as plain values: one network namespace per node and one
 * for a client, each with an {@code eth0} that is one end of a veth pair whose other end is a
 * port of a bridge living in a namespace of its own; every host on one /24 of 10.0.0.0/8.
 * Nothing goes into the machine's own namespace: every link is created directly inside the
 * namespaces, so deleting them removes everything. Pure: it only names and lists commands.
 *
 * @param prefix  starts every namespace name of this lab ("rp" + random), unique per run
 * @param subnet  the first three octets of the /24, e.g. "10.83.17"
 * @param nodes   how many node namespaces
 */
public record NetworkPlan(String prefix, String subnet, int nodes) {
    public static final String INTERFACE = "eth0";
    public static final int PREFIX_LENGTH = 24;
    static final String BRIDGE = "br0";
    static final int FIRST_NODE_HOST = 10;
    static final int CLIENT_HOST = 200;
    static final int FREE_HOST = 100;

    public NetworkPlan {
        if (!prefix.matches("[a-z][a-z0-9]{1,9}")) {
            throw new IllegalArgumentException("namespace prefix '" + prefix + "' must be 2 to 10 lower-case letters or"
                    + " digits, starting with a letter");
        }
        if (!subnet.matches("10\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("subnet '" + subnet + "' must be the first three octets of a /24 in 10.0.0.0/8");
        }
        if (nodes < 1 || FIRST_NODE_HOST + nodes > FREE_HOST) {
            throw new IllegalArgumentException("nodes " + nodes + " must be 1 to " + (FREE_HOST - FIRST_NODE_HOST));
        }
    }

    /** A plan with a fresh prefix and a /24 drawn at random, so parallel runs do not meet. */
    public static NetworkPlan random(int nodes, Random random) {
        String prefix = "rp" + Integer.toString(36 * 36 * 36 + random.nextInt(35 * 36 * 36 * 36), 36);
        return new NetworkPlan(prefix, "10." + (1 + random.nextInt(254)) + "." + random.nextInt(256), nodes);
    }

    public String nodeNamespace(int node) {
        checkNode(node);
        return prefix + "-n" + node;
    }

    public String clientNamespace() {
        return prefix + "-c";
    }

    public String bridgeNamespace() {
        return prefix + "-br";
    }

    /** Every namespace of the lab, the bridge's first. */
    public List<String> namespaces() {
        List<String> all = new ArrayList<>();
        all.add(bridgeNamespace());
        for (int i = 0; i < nodes; i++) {
            all.add(nodeNamespace(i));
        }
        all.add(clientNamespace());
        return all;
    }

    public String nodeAddress(int node) {
        checkNode(node);
        return address(FIRST_NODE_HOST + node);
    }

    public String clientAddress() {
        return address(CLIENT_HOST);
    }

    /** An address on the lab's /24 that no host has, for a VIP. */
    public String freeAddress() {
        return address(FREE_HOST);
    }

    public String address(int host) {
        if (host < 1 || host > 254) {
            throw new IllegalArgumentException("host " + host + " is not in 1..254");
        }
        return subnet + "." + host;
    }

    /** The bridge's port (in the bridge namespace) that leads to node {@code node}. */
    public String bridgePort(int node) {
        checkNode(node);
        return "n" + node;
    }

    static String clientBridgePort() {
        return "c";
    }

    public static List<String> addNamespace(String ns) {
        return List.of("ip", "netns", "add", ns);
    }

    /** Deleting a namespace deletes the links inside it, and the veth ends paired with them. */
    public static List<String> deleteNamespace(String ns) {
        return List.of("ip", "netns", "del", ns);
    }

    /** The ip(8) commands that build the links and addresses, in order, once every namespace exists. */
    public List<List<String>> links() {
        List<List<String>> cmds = new ArrayList<>();
        String br = bridgeNamespace();
        cmds.add(List.of("ip", "-n", br, "link", "add", BRIDGE, "type", "bridge"));
        cmds.add(List.of("ip", "-n", br, "link", "set", BRIDGE, "up"));
        for (int i = 0; i < nodes; i++) {
            cmds.addAll(host(nodeNamespace(i), bridgePort(i), nodeAddress(i)));
        }
        cmds.addAll(host(clientNamespace(), clientBridgePort(), clientAddress()));
        return cmds;
    }

    private List<List<String>> host(String ns, String port, String address) {
        String br = bridgeNamespace();
        return List.of(
                List.of("ip", "-n", br, "link", "add", port, "type", "veth", "peer", "name", INTERFACE, "netns", ns),
                List.of("ip", "-n", br, "link", "set", port, "master", BRIDGE),
                List.of("ip", "-n", br, "link", "set", port, "up"),
                List.of("ip", "-n", ns, "link", "set", "lo", "up"),
                List.of("ip", "-n", ns, "addr", "add", address + "/" + PREFIX_LENGTH, "dev", INTERFACE),
                List.of("ip", "-n", ns, "link", "set", INTERFACE, "up"));
    }

    /** Node {@code node} cut from the network like a pulled cable: its bridge port goes down. */
    public List<String> cut(int node) {
        return List.of("ip", "-n", bridgeNamespace(), "link", "set", bridgePort(node), "down");
    }

    public List<String> heal(int node) {
        return List.of("ip", "-n", bridgeNamespace(), "link", "set", bridgePort(node), "up");
    }

    /** {@code command} run inside namespace {@code ns}. */
    public static List<String> inNamespace(String ns, List<String> command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(command);
        return all;
    }

    /** The IPv4 addresses in the output of {@code ip -o -4 addr show}. */
    public static List<String> parseAddresses(String ipOutput) {
        List<String> addresses = new ArrayList<>();
        for (String line : ipOutput.split("\n")) {
            String[] words = line.trim().split("\\s+");
            for (int i = 0; i + 1 < words.length; i++) {
                if (words[i].equals("inet")) {
                    String a = words[i + 1];
                    addresses.add(a.contains("/") ? a.substring(0, a.indexOf('/')) : a);
                }
            }
        }
        return addresses;
    }

    private void checkNode(int node) {
        if (node < 0 || node >= nodes) {
            throw new IllegalArgumentException("node " + node + " is not in this lab of " + nodes + " nodes");
        }
    }
}
