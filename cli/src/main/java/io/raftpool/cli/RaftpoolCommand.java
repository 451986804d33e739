package io.raftpool.cli;

import io.raftpool.config.ClusterConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root of the {@code raftpool} command: the global options and the list of subcommands. */
@Command(name = "raftpool",
        mixinStandardHelpOptions = true,
        versionProvider = RaftpoolCommand.Version.class,
        description = "PostgreSQL high availability with every decision in a Raft log.",
        footer = {"", "Exit codes: 0 ok, 1 refused or failed (or bad config, unknown node), 2 usage error,"
                + " 3 no agent answered."},
        // every subcommand, one line each
        subcommands = {
            PoolNodesCommand.class,
            WatchdogInfoCommand.class,
            ExplainCommand.class,
            StatusCommand.class,
            NodeInfoCommand.class,
            EventsCommand.class,
            PromoteNodeCommand.class,
            DetachNodeCommand.class,
            AttachNodeCommand.class,
            RecoveryNodeCommand.class,
            SwitchoverCommand.class,
            AddNodeCommand.class,
            RemoveNodeCommand.class,
            RebuildMemberCommand.class,
            NoteCommand.class,
            PauseCommand.class,
            ResumeCommand.class,
            SetParameterCommand.class,
            ShowParametersCommand.class,
            RestartNodeCommand.class,
            RestartCommand.class,
            BackupCommand.class,
            BackupsCommand.class,
            AdoptCheckCommand.class,
            AgentCommand.class,
            ProxyCommand.class,
            DemoCommand.class,
            ChaosCommand.class,
            GenCertsCommand.class,
            HashTokenCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class RaftpoolCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "the cluster's config file (default: $RAFTPOOL_CONFIG, else ./raftpool.yaml)")
    String config;

    public RaftpoolCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    public CliEnvironment environment() {
        return environment;
    }

    public ConfigLocation configLocation() {
        return ConfigLocation.resolve(config, environment.env(), environment.workingDir());
    }

    public ClusterConfig loadConfig() {
        return configLocation().load();
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a command is needed, one of: " + String.join(", ", spec.subcommands().keySet()));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RaftpoolCommand.class.getPackage().getImplementationVersion();
            return new String[] {"raftpool " + (version == null ? "(development build)" : version)};
        }
    }
}
