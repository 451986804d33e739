package io.raftpool.server.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.config.PgBackRestSettings;
import io.raftpool.proto.BackupInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * archive.pgbackrest: the pgbackrest program run for this node, as the os user. pgBackRest's
 * own configuration file keeps the repository (and, across hosts, how it reaches the others);
 * raftpool names the stanza and lists the cluster's servers on the command line, so a failover
 * needs no change of that file: pgBackRest finds the primary among them itself.
 */
public final class PgBackRest {
    public static final String PROGRAM = "pgbackrest";
    public static final List<String> TYPES = List.of("full", "incr", "diff");
    private static final Logger LOG = LoggerFactory.getLogger(PgBackRest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    // "P00 DETAIL: backup file /d/base/1/1247 (472KB, 3.36%) checksum ..." and the same for restore
    private static final Pattern PERCENT = Pattern.compile("\\(([0-9.]+[KMGT]?B), ([0-9.]+)%\\)");

    private final PgBackRestSettings settings;
    private final ClusterConfig cluster;
    private final NodeConfig self;
    private final OsCommand os;

    public PgBackRest(PgBackRestSettings settings, ClusterConfig cluster, NodeConfig self, OsCommand os) {
        this.settings = settings;
        this.cluster = cluster;
        this.self = self;
        this.os = os;
    }

    /**
     * The start of the archive_command and restore_command of the server in {@code dataDir}:
     * it names the configuration file, the stanza and this server's data directory.
     */
    public static String commandPrefix(PgBackRestSettings b, Path dataDir) {
        return PROGRAM + b.config().map(c -> " --config=" + c).orElse("") + " --stanza=" + b.stanza()
                + " --pg1-path=" + dataDir;
    }

    /** Creates the stanza, or checks that it matches the servers; pgBackRest makes this idempotent. */
    public void ensureStanza() {
        os.run(command(Duration.ofMinutes(5), "stanza-create", List.of()).named("pgbackrest stanza-create"));
    }

    /**
     * A backup of type {@code type} (full, incr, diff), its files copied from this node's standby
     * ({@code --backup-standby}) or from the primary when this node is it; returns the new set.
     */
    public BackupInfo backup(String type, boolean fromStandby, ProgressListener progress, Duration timeout) {
        List<String> options = new ArrayList<>(List.of("--type=" + type, "--start-fast"));
        if (fromStandby) {
            options.add("--backup-standby");
        }
        Stopwatch took = Stopwatch.start();
        os.run(command(timeout, "backup", options).named("pgbackrest backup")
                .onLine(line -> percent(line).ifPresent(progress::onProgress)));
        BackupInfo newest = newest().orElseThrow(() -> new PostgresException(
                "pgbackrest backup ended without error, but pgbackrest info lists no backup of stanza "
                        + settings.stanza()));
        LOG.info("pgbackrest {} backup {} taken in {} ms: {} MB", type, newest.getLabel(), took.millis(),
                newest.getSizeBytes() / (1024 * 1024));
        return newest;
    }

    /** Restores backup set {@code label} into this node's data directory, which must be empty. */
    public void restore(String label, Path dataDir, ProgressListener progress, Duration timeout) {
        os.ensureDirectory(dataDir, "rwx------");
        // preserve: no recovery settings from pgBackRest; raftpool writes the standby's own
        os.run(Command.of(timeout, base("restore", List.of("--set=" + label, "--type=preserve", "--pg1-path=" + dataDir),
                        false)).named("pgbackrest restore").onLine(line -> percent(line).ifPresent(progress::onProgress)));
    }

    /** The newest backup set of the stanza, as pgbackrest info tells it. */
    public Optional<BackupInfo> newest() {
        StringBuilder out = new StringBuilder();
        os.run(Command.of(Duration.ofMinutes(2), base("info", List.of("--output=json"), false)).named("pgbackrest info")
                .onLine(line -> out.append(line).append('\n')));
        return newestOf(out.toString());
    }

    /** The newest set in {@code pgbackrest info --output=json}'s text. */
    static Optional<BackupInfo> newestOf(String infoJson) {
        JsonNode root;
        try {
            root = JSON.readTree(infoJson);
        } catch (IOException e) {
            throw new PostgresException("pgbackrest info printed no JSON: " + e.getMessage());
        }
        JsonNode newest = null;
        for (JsonNode stanza : root) {
            for (JsonNode set : stanza.path("backup")) {
                if (newest == null || set.path("timestamp").path("stop").asLong()
                        >= newest.path("timestamp").path("stop").asLong()) {
                    newest = set;
                }
            }
        }
        if (newest == null) {
            return Optional.empty();
        }
        String startWal = newest.path("archive").path("start").asText("");
        return Optional.of(BackupInfo.newBuilder().setLabel(newest.path("label").asText())
                .setType(newest.path("type").asText("full"))
                .setStartedMs(newest.path("timestamp").path("start").asLong() * 1000)
                .setFinishedMs(newest.path("timestamp").path("stop").asLong() * 1000)
                .setSizeBytes(newest.path("info").path("size").asLong())
                .setStartLsn(newest.path("lsn").path("start").asText("?"))
                .setTimeline(startWal.length() >= 8 ? Integer.parseInt(startWal.substring(0, 8), 16) : 0).build());
    }

    /** "backup file ... (472KB, 3.36%)" as a copy's progress; sizes in pgBackRest's units. */
    static Optional<CopyProgress> percent(String line) {
        Matcher m = PERCENT.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        double pct = Double.parseDouble(m.group(2));
        return Optional.of(new CopyProgress(0, 0, (int) Math.min(100, Math.floor(pct))));
    }

    private Command command(Duration timeout, String verb, List<String> options) {
        return Command.of(timeout, base(verb, options, true));
    }

    private List<String> base(String verb, List<String> options, boolean servers) {
        List<String> argv = new ArrayList<>(List.of(PROGRAM));
        settings.config().ifPresent(c -> argv.add("--config=" + c));
        argv.add("--stanza=" + settings.stanza());
        argv.add("--log-level-console=detail");
        if (servers) {
            argv.addAll(serverOptions());
        }
        argv.addAll(options);
        argv.add(verb);
        return argv;
    }

    /** pg1..pgN: every PostgreSQL node of the cluster, by id; those on other hosts through pgN-host. */
    List<String> serverOptions() {
        List<String> argv = new ArrayList<>();
        int index = 1;
        for (NodeConfig node : cluster.nodes()) {
            if (node.postgres().isEmpty()) {
                continue;
            }
            Path data = node.postgres().get().dataDir();
            String pg = "--pg" + index;
            argv.add(pg + "-path=" + data);
            argv.add(pg + "-port=" + node.postgres().get().port());
            argv.add(pg + "-socket-path=" + ServerSettings.socketDirOf(data));
            argv.add(pg + "-user=" + node.postgres().get().superuser());
            if (!node.host().equals(self.host())) {
                argv.add(pg + "-host=" + node.host());
            }
            index++;
        }
        return argv;
    }
}
