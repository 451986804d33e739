package io.raftpool.cli;

import io.raftpool.proto.ParameterChange;
import io.raftpool.proto.SetParametersRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code raftpool set-parameter work_mem=64MB [--node N]}: PostgreSQL settings kept in the Raft
 * log, for every server or one. Checked against pg_settings before anything is committed; every
 * agent then writes them and reloads, and reports what waits for a restart.
 */
@Command(name = "set-parameter", mixinStandardHelpOptions = true,
        description = "Set PostgreSQL settings for every server (or one, with --node), kept in the Raft log;"
                + " each server reloads. Settings that need a restart are shown as pending by pool-nodes.")
final class SetParameterCommand extends ClusterCommand {
    @Parameters(paramLabel = "NAME=VALUE", arity = "1..*",
            description = "settings as pg_settings names them, e.g. work_mem=64MB; with --reset, names only")
    List<String> settings;

    @Option(names = "--node", paramLabel = "N", description = "for this node's server only (default: every server)")
    Integer node;

    @Option(names = "--reset", description = "remove these settings from the log: servers fall back to their"
            + " config file's value, or PostgreSQL's default")
    boolean reset;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "how long to wait until every server that is up applied them (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--json", description = "print the reply as JSON (fields: docs/cli-json.md)")
    boolean json;

    @Override
    public Integer call() {
        int nodeId = node == null ? -1 : node;
        if (node != null) {
            requireNode(config(), node);
        }
        List<ParameterChange> changes = new ArrayList<>();
        for (String s : settings) {
            changes.add(change(s, nodeId, reset));
        }
        return send("set-parameter", client -> client.setParameters(SetParametersRequest.newBuilder()
                .addAllChanges(changes).setBy(PauseCommand.who()).setWait(true)
                .setTimeoutMs(timeoutSeconds * 1000L).build()), json);
    }

    /** "work_mem=64MB" as a change; with reset, a bare name. */
    static ParameterChange change(String text, int nodeId, boolean reset) {
        ParameterChange.Builder c = ParameterChange.newBuilder().setNodeId(nodeId).setReset(reset);
        int eq = text.indexOf('=');
        if (reset) {
            if (eq >= 0) {
                throw new CommandFailure("--reset takes setting names, not '" + text + "': write "
                        + text.substring(0, eq));
            }
            return c.setName(text.trim()).build();
        }
        if (eq <= 0) {
            throw new CommandFailure("'" + text + "' is not NAME=VALUE: write e.g. work_mem=64MB (quote a value with"
                    + " spaces for your shell)");
        }
        return c.setName(text.substring(0, eq).trim()).setValue(text.substring(eq + 1)).build();
    }
}
