package io.raftpool.cli;

import io.raftpool.api.AdminClient;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand that reads the cluster config and talks to the agents it names. */
abstract class ClusterCommand implements Callable<Integer> {
    @ParentCommand
    RaftpoolCommand root;

    @Spec
    CommandSpec spec;

    CliEnvironment environment() {
        return root.environment();
    }

    ClusterConfig config() {
        return root.loadConfig();
    }

    AdminClient adminClient(ClusterConfig config) {
        return AdminClients.forCluster(config);
    }

    void print(String text) {
        environment().out().print(text);
        environment().out().flush();
    }

    /** The node with this id; an unknown id fails naming the ids that exist. */
    static NodeConfig requireNode(ClusterConfig config, int id) {
        return config.node(id).orElseThrow(() -> new CommandFailure("there is no node " + id + " in "
                + config.source() + "; the nodes are " + nodeList(config, false)));
    }

    static String nodeList(ClusterConfig config, boolean postgresOnly) {
        return config.nodes().stream().filter(n -> !postgresOnly || !n.witness())
                .map(n -> n.id() + " (" + n.name() + ")").collect(Collectors.joining(", "));
    }

    /** Sends one command to the cluster's agents and reports the reply as {@link #report} does. */
    int send(String name, java.util.function.Function<AdminClient, io.raftpool.proto.ActionReply> call, boolean asJson) {
        io.raftpool.proto.ActionReply reply;
        try (AdminClient client = adminClient(config())) {
            reply = call.apply(client);
        }
        return report(name, -1, reply, asJson);
    }

    /** Prints an agent's reply to a command (as JSON with {@code asJson}); the exit code it means. */
    int report(String name, int node, io.raftpool.proto.ActionReply reply, boolean asJson) {
        if (asJson) {
            print(io.raftpool.cli.render.ActionReplyView.json(name, node, reply));
        }
        if (!reply.getAccepted()) {
            environment().err().print(io.raftpool.cli.render.ActionReplyView.text(name, node, reply));
            environment().err().flush();
            return ExitCodes.FAILED;
        }
        if (!asJson) {
            print(io.raftpool.cli.render.ActionReplyView.text(name, node, reply));
        }
        return ExitCodes.OK;
    }
}
