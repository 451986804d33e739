package io.raftpool.cli;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.server.postgres.AdoptionCheck;
import io.raftpool.server.postgres.Password;
import io.raftpool.server.postgres.PgEndpoint;
import io.raftpool.server.postgres.PgProbe;
import io.raftpool.server.postgres.ServerFacts;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;

/**
 * {@code raftpool adopt-check}: before raftpool is put in charge of servers that already run (a
 * pair set up by hand or by pgpool-II), what it finds, what would stop it, what it changes and
 * what waits for a restart. The agents' leader makes the same judgement before it takes over.
 */
@Command(name = "adopt-check", mixinStandardHelpOptions = true,
        description = "Before raftpool takes over running PostgreSQL servers: which is the primary, what must be"
                + " fixed first, what raftpool changes. Needs no agent; exit 0 when nothing blocks.")
final class AdoptCheckCommand extends ClusterCommand {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Override
    public Integer call() {
        ClusterConfig config = config();
        Map<String, String> env = System.getenv();
        Map<Integer, AdoptionCheck.Answer> answers = new TreeMap<>();
        for (NodeConfig n : config.postgresNodes()) {
            var pg = n.requirePostgres();
            PgEndpoint endpoint = PgEndpoint.of(n.host(), pg.port(), pg.superuser(),
                    Password.resolve(pg.superuserPassword(), env));
            try (Connection c = PgProbe.connect(endpoint, TIMEOUT)) {
                answers.put(n.id(), AdoptionCheck.Answer.of(ServerFacts.read(c, config.replication().user())));
            } catch (Exception e) {
                answers.put(n.id(), AdoptionCheck.Answer.unreachable(e.getMessage()));
            }
        }
        AdoptionCheck.Report r = AdoptionCheck.check(AdoptionCheck.expected(config, env), answers);
        print(r.text());
        if (!r.anyRunning()) {
            print("no server runs: raftpool starts node " + config.bootstrapPrimary() + " as the first primary"
                    + " (initdb when its data directory is empty) and builds the others as standbys\n");
            return ExitCodes.OK;
        }
        if (!r.ready()) {
            environment().err().print("adopt-check: raftpool would not take over yet: fix what blocks it (above)\n");
            environment().err().flush();
            return ExitCodes.FAILED;
        }
        print("adopt-check: ready: start the agents and raftpool takes over with node " + r.primary().get()
                + " as the primary\n");
        return ExitCodes.OK;
    }
}
