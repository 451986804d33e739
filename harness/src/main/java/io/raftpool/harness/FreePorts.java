package io.raftpool.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports free on loopback right now, never the same one twice in this JVM. Taken below the
 * kernel's ephemeral range (32768 and up here): a port the kernel handed us there could be
 * handed again, between our check and the process's bind, to any outgoing connection as its
 * local port (a JDBC or gRPC client of the test itself), and the agent then fails to bind (seen
 * in a fresh-clone run). Test JVMs that run side by side (failsafe forks, {@code
 * raftpool.forkNumber}) each draw from their own slice.
 */
public final class FreePorts {
    static final int LOWEST = 10_000;
    static final int SLICE = 5_000;
    static final int SLICES = 4;
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {}

    public static synchronized List<Integer> take(int count) {
        int slice = Math.floorMod(Integer.getInteger("raftpool.forkNumber", 0), SLICES);
        int from = LOWEST + slice * SLICE;
        List<Integer> ports = new ArrayList<>();
        int start = ThreadLocalRandom.current().nextInt(SLICE);
        for (int i = 0; i < SLICE && ports.size() < count; i++) {
            int port = from + (start + i) % SLICE;
            if (!GIVEN.contains(port) && bindable(port)) {
                GIVEN.add(port);
                ports.add(port);
            }
        }
        if (ports.size() < count) {
            throw new UncheckedIOException(new IOException("cannot find " + count + " free loopback ports in "
                    + from + "-" + (from + SLICE - 1)));
        }
        return ports;
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
