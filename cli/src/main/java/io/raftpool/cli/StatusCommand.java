package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.api.StateWatch;
import io.raftpool.api.WatchListener;
import io.raftpool.cli.render.Json;
import io.raftpool.cli.render.StatusView;
import io.raftpool.config.ClusterConfig;
import io.raftpool.proto.StateView;
import io.raftpool.proto.WatchRequest;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "The cluster at a glance: primary and epoch, Raft leader, VIP, servers, latest events;"
                + " with --watch, again at every change.")
final class StatusCommand extends ClusterCommand {
    /** The agent resends its view at least this often, so a silent agent is noticed. */
    static final long HEARTBEAT_MS = 1000;
    /** ANSI: cursor home, clear the screen. */
    private static final String CLEAR = "\u001b[H\u001b[2J";

    @Option(names = "--watch", description = "follow the committed state and print the view again whenever it changes,"
            + " until interrupted (Ctrl-C)")
    boolean watch;

    @Option(names = "--events", paramLabel = "N", defaultValue = "5",
            description = "show the latest N events (default: ${DEFAULT-VALUE}; 0: none)")
    int events;

    @Option(names = "--json", description = "print JSON (fields: docs/cli-json.md); with --watch one object per line")
    boolean json;

    /** What the watch hands to the command's thread: a view, or why the watch ended. */
    private record Update(StateView view, String closedReason) {}

    @Override
    public Integer call() throws InterruptedException {
        if (events < 0) {
            throw new ParameterException(spec.commandLine(), "--events " + events + " is not allowed; give 0 or more");
        }
        ClusterConfig config = config();
        long contactBoundMs = config.failover().fenceTimeout().toMillis();
        try (AdminClient client = adminClient(config)) {
            if (!watch) {
                StateView view = client.getState();
                print(json ? Json.write(StatusView.json(view, events, contactBoundMs))
                        : StatusView.text(view, environment().zone(), events, contactBoundMs));
                return ExitCodes.OK;
            }
            return follow(client, contactBoundMs);
        }
    }

    /**
     * Prints the view whenever it differs from the last one printed. A broken stream is watched
     * again (from any agent); when no agent can be watched the command ends with exit code 3.
     * Returns 0 when the thread is interrupted.
     */
    private int follow(AdminClient client, long contactBoundMs) {
        boolean clearScreen = !json && System.console() != null;
        String last = null;
        try {
            while (true) {
                BlockingQueue<Update> updates = new LinkedBlockingQueue<>();
                boolean sawView = false;
                try (StateWatch stream = client.watch(WatchRequest.newBuilder().setHeartbeatMs(HEARTBEAT_MS).build(),
                        listener(updates))) {
                    while (true) {
                        Update u = updates.poll(3 * HEARTBEAT_MS, TimeUnit.MILLISECONDS);
                        if (u == null) {
                            break; // the agent went silent: watch again
                        }
                        if (u.closedReason() != null) {
                            if (!sawView) {
                                environment().err().println(spec.qualifiedName() + ": " + u.closedReason());
                                environment().err().flush();
                                return ExitCodes.UNREACHABLE;
                            }
                            break; // the stream broke: watch again
                        }
                        sawView = true;
                        String frame = json ? Json.writeLine(StatusView.json(u.view(), events, contactBoundMs))
                                : StatusView.text(u.view(), environment().zone(), events, contactBoundMs);
                        if (!frame.equals(last)) {
                            print(json ? frame : (clearScreen ? CLEAR : last == null ? "" : "\n")
                                    + StatusView.watchHeader(u.view(), environment().zone()) + frame);
                            last = frame;
                        }
                    }
                }
            }
        } catch (InterruptedException stopped) {
            return ExitCodes.OK;
        }
    }

    private static WatchListener listener(BlockingQueue<Update> updates) {
        return new WatchListener() {
            @Override
            public void onView(String address, StateView view) {
                updates.add(new Update(view, null));
            }

            @Override
            public void onClosed(String reason) {
                updates.add(new Update(null, reason));
            }
        };
    }
}
