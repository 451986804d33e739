package io.raftpool.server.leader;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.proto.InitCluster;
import io.raftpool.server.postgres.AdoptionCheck;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's first command. When no server runs yet, the config's bootstrap primary starts
 * one (initdb or its existing data). When servers already run (a pair raftpool is put in charge
 * of), the one running as primary becomes the first primary, once {@link AdoptionCheck} finds
 * nothing that blocks the takeover; until then the leader waits and says why.
 */
final class ClusterAdoption {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterAdoption.class);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(2);
    private static final long ASK_EVERY_MS = 2000;

    private final ClusterConfig config;
    private final CandidateProber prober;
    private final LongSupplier monoMs;
    private long askedAtMs = Long.MIN_VALUE;
    private String lastSaid = "";

    ClusterAdoption(ClusterConfig config, CandidateProber prober, LongSupplier monoMs) {
        this.config = config;
        this.prober = prober;
        this.monoMs = monoMs;
    }

    /** The command that initialises the cluster, or empty while the servers found block a takeover. */
    Optional<InitCluster> init() {
        long now = monoMs.getAsLong();
        if (askedAtMs != Long.MIN_VALUE && now - askedAtMs < ASK_EVERY_MS) {
            return Optional.empty();
        }
        askedAtMs = now;
        InitCluster fresh = ClusterInit.fromConfig(config);
        AdoptionCheck.Report r = AdoptionCheck.check(AdoptionCheck.expected(config, System.getenv()), ask());
        if (!r.anyRunning()) {
            return Optional.of(fresh);
        }
        if (!r.ready()) {
            say("not taking over the running PostgreSQL servers yet (raftpool adopt-check says the same):\n" + r.text());
            return Optional.empty();
        }
        LOG.info("taking over the running PostgreSQL servers: node {} is the primary\n{}", r.primary().get(), r.text());
        return Optional.of(fresh.toBuilder().setBootstrapPrimary(r.primary().get()).build());
    }

    private Map<Integer, AdoptionCheck.Answer> ask() {
        Map<Integer, CompletableFuture<AdoptionCheck.Answer>> pending = new HashMap<>();
        String user = config.replication().user();
        for (NodeConfig n : config.postgresNodes()) {
            pending.put(n.id(), CompletableFuture.supplyAsync(() -> prober.facts(ClusterInit.nodeInfo(n), user,
                    ASK_TIMEOUT)));
        }
        Map<Integer, AdoptionCheck.Answer> answers = new HashMap<>();
        pending.forEach((id, f) -> {
            try {
                answers.put(id, f.get(ASK_TIMEOUT.toMillis() + 1000, java.util.concurrent.TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                answers.put(id, AdoptionCheck.Answer.unreachable("no answer: " + e));
            }
        });
        return answers;
    }

    private void say(String text) {
        if (!text.equals(lastSaid)) {
            LOG.warn("{}", text);
            lastSaid = text;
        }
    }

}
