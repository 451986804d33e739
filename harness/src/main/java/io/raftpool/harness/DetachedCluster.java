package io.raftpool.harness;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.ConfigLoader;
import io.raftpool.config.NodeConfig;
import io.raftpool.server.postgres.PostgresServer;
import io.raftpool.server.postgres.ServerSettings;
import io.raftpool.server.watchdog.WatchdogFiles;
import io.raftpool.server.postgres.StopMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A local cluster that another process started with {@link ClusterOptions#detached}
 * (the demo's --detach), known only by its directory and the pids it recorded there.
 */
public final class DetachedCluster {
    private DetachedCluster() {}

    /** Whether any agent or proxy of the cluster in {@code dir} still runs. */
    public static boolean runningIn(Path dir) {
        Path config = dir.toAbsolutePath().resolve("raftpool.yaml");
        return PidFile.read(dir.resolve("pids")).stream().anyMatch(e -> PidFile.isOurs(e.pid(), config));
    }

    /**
     * Stops the cluster in {@code dir}: its agents and proxies by the pids it recorded, then its
     * PostgreSQL servers. Keeps the files, so the same cluster can be started again. Returns how
     * many processes were running.
     */
    public static int stop(Path dir) {
        Path abs = dir.toAbsolutePath();
        Path config = abs.resolve("raftpool.yaml");
        if (!Files.exists(config)) {
            throw new HarnessException("no local cluster in " + abs + " (no raftpool.yaml there)");
        }
        int stopped = PidFile.stopAll(abs.resolve("pids"), config, Duration.ofSeconds(10));
        ClusterConfig cfg = ConfigLoader.load(config);
        for (NodeConfig n : cfg.postgresNodes()) {
            PostgresServer pg = new PostgresServer(ServerSettings.of(n, cfg, System.getenv()));
            pg.stop(StopMode.FAST, Duration.ofSeconds(60));
            WatchdogFiles.under(n.agentDir()).withdrawLease();
        }
        return stopped;
    }
}
