package io.raftpool.server.postgres;

import io.raftpool.config.ArchiveSettings;
import io.raftpool.config.ClusterConfig;

import io.raftpool.config.ConfigException;
import io.raftpool.config.NodeConfig;
import io.raftpool.config.PostgresConfig;
import io.raftpool.config.ReplicationSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Everything needed to run this node's PostgreSQL server, secrets resolved. Built from the
 * config ({@link #of(NodeConfig, ReplicationSettings, Map)}); {@link #toString()} masks the passwords.
 *
 * @param host        the node's address: the server listens on it alone (TCP only)
 * @param logFile     where pg_ctl sends the server's log; by default {@code <dataDir>.log}, a
 *                    sibling of the data directory, so that moving the data directory aside
 *                    or rebuilding it never touches the log of the server that ran there
 * @param parameters  the user's postgresql.conf settings, written after raftpool's own
 * @param hba         pg_hba.conf lines; empty means raftpool's default (see {@link HbaRules})
 */
public record ServerSettings(
        String nodeName,
        String host,
        int port,
        Path dataDir,
        Path binDir,
        Path logFile,
        String osUser,
        String superuser,
        Optional<Password> superuserPassword,
        String replicationUser,
        Optional<Password> replicationPassword,
        Map<String, String> parameters,
        List<String> hba,
        ArchiveSettings archive) {

    /** Settings that say where this server is and whom it follows: raftpool alone writes them. */
    public static final Set<String> MANAGED_PARAMETERS = Set.of("listen_addresses", "port", "unix_socket_directories",
            "hot_standby", "primary_conninfo", "primary_slot_name", "recovery_target_timeline", "data_directory",
            "config_file", "hba_file", "ident_file");
    /** What archive.directory sets on every server. */
    public static final Set<String> ARCHIVE_PARAMETERS = Set.of("archive_mode", "archive_command", "archive_library",
            "restore_command");
    /** The longest Unix socket path the kernel takes (sun_path, 108 bytes with its terminating zero). */
    static final int MAX_SOCKET_PATH = 107;
    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");

    public ServerSettings {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(binDir, "binDir");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(osUser, "osUser");
        Objects.requireNonNull(superuserPassword, "superuserPassword");
        Objects.requireNonNull(replicationPassword, "replicationPassword");
        Objects.requireNonNull(archive, "archive");
        parameters = Map.copyOf(new TreeMap<>(parameters));
        hba = List.copyOf(hba);
        List<String> problems = new ArrayList<>();
        String where = "node " + nodeName + ": ";
        if (port < 1 || port > 65535) {
            problems.add(where + "postgres.port: " + port + " is outside 1..65535");
        }
        if (!dataDir.isAbsolute()) {
            problems.add(where + "postgres.data_dir: '" + dataDir + "' must be an absolute path");
        }
        if (!ROLE_NAME.matcher(superuser).matches()) {
            problems.add(where + "postgres.superuser: '" + superuser + "' is not a plain role name"
                    + " (letters, digits, _ $ -, starting with a letter or _)");
        }
        if (!ROLE_NAME.matcher(replicationUser).matches()) {
            problems.add(where + "replication.user: '" + replicationUser + "' is not a plain role name"
                    + " (letters, digits, _ $ -, starting with a letter or _)");
        }
        if (superuser.equals(replicationUser) && !superuserPassword.equals(replicationPassword)) {
            problems.add(where + "replication.user is the superuser '" + superuser + "' but replication.password"
                    + " differs from postgres.superuser_password: one role has one password; make them the same"
                    + " secret or use a separate replication user");
        }
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            String key = p.getKey();
            if (!PARAMETER_NAME.matcher(key).matches()) {
                problems.add(where + "postgres.parameters: '" + key + "' is not a setting name");
            } else if (MANAGED_PARAMETERS.contains(key.toLowerCase(java.util.Locale.ROOT))) {
                problems.add(where + "postgres.parameters." + key + ": raftpool sets this itself (from the node's"
                        + " host and postgres.port, and the current primary); remove it");
            } else if (archive.enabled() && ARCHIVE_PARAMETERS.contains(key.toLowerCase(java.util.Locale.ROOT))) {
                String kind = archive.directory().isPresent() ? "archive.directory" : "archive.pgbackrest";
                problems.add(where + "postgres.parameters." + key + ": " + kind + " sets it (the archive raftpool"
                        + " manages); remove it, or remove " + kind + " to set your own archiving");
            } else if (key.equalsIgnoreCase("wal_level") && p.getValue().equalsIgnoreCase("minimal")) {
                problems.add(where + "postgres.parameters.wal_level: 'minimal' cannot feed standbys;"
                        + " allowed: replica, logical");
            }
        }
        if (archive.pgbackrest().isPresent()) {
            String socket = socketDirOf(dataDir) + "/.s.PGSQL." + port;
            if (socket.length() > MAX_SOCKET_PATH) {
                problems.add(where + "postgres.data_dir: '" + dataDir + "' is too long for archive.pgbackrest, which"
                        + " reaches the server through a Unix socket beside it (" + socket + ", " + socket.length()
                        + " characters; allowed: " + MAX_SOCKET_PATH + ")");
            }
        }
        if (hba.isEmpty() && !PgSyntax.isLoopback(host)
                && (superuserPassword.isEmpty() || replicationPassword.isEmpty())) {
            problems.add(where + "postgres.hba is empty and " + (superuserPassword.isEmpty()
                    ? "postgres.superuser_password" : "replication.password") + " is not set: raftpool's default"
                    + " pg_hba.conf would have to trust every host on the network; set the password"
                    + " (_file or _env) or write the hba lines yourself");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Without a WAL archive. */
    public ServerSettings(String nodeName, String host, int port, Path dataDir, Path binDir, Path logFile, String osUser,
                          String superuser, Optional<Password> superuserPassword, String replicationUser,
                          Optional<Password> replicationPassword, Map<String, String> parameters, List<String> hba) {
        this(nodeName, host, port, dataDir, binDir, logFile, osUser, superuser, superuserPassword, replicationUser,
                replicationPassword, parameters, hba, ArchiveSettings.NONE);
    }

    /** This node's server; its secrets read now, from files or from {@code environment}. */
    public static ServerSettings of(NodeConfig node, ReplicationSettings replication, Map<String, String> environment) {
        return of(node.name(), node.host(), node.requirePostgres(), replication, environment);
    }

    /** This node's server in {@code config}'s cluster (its replication and WAL archive). */
    public static ServerSettings of(NodeConfig node, ClusterConfig config, Map<String, String> environment) {
        return of(node, config.replication(), environment).withArchive(config.archive());
    }

    public ServerSettings withArchive(ArchiveSettings walArchive) {
        return new ServerSettings(nodeName, host, port, dataDir, binDir, logFile, osUser, superuser, superuserPassword,
                replicationUser, replicationPassword, parameters, hba, walArchive);
    }

    /** archive.directory, when the archive is a plain directory. */
    public Optional<Path> archiveDir() {
        return archive.directory();
    }

    /**
     * With pgBackRest, the server's Unix socket directory (pgBackRest reaches a server through its
     * socket only): beside the data directory, like its log, private to the os user.
     */
    public Optional<Path> socketDir() {
        return archive.pgbackrest().map(p -> socketDirOf(dataDir));
    }

    public static Path socketDirOf(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + ".sockets");
    }

    public static ServerSettings of(String nodeName, String host, PostgresConfig pg, ReplicationSettings replication,
                                    Map<String, String> environment) {
        return new ServerSettings(nodeName, host, pg.port(), pg.dataDir(), pg.binDir(), defaultLogFile(pg.dataDir()),
                pg.osUser(), pg.superuser(), Password.resolve(pg.superuserPassword(), environment),
                replication.user(), Password.resolve(replication.password(), environment), pg.parameters(), pg.hba());
    }

    public static Path defaultLogFile(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    public ServerSettings withLogFile(Path file) {
        return new ServerSettings(nodeName, host, port, dataDir, binDir, file, osUser, superuser, superuserPassword,
                replicationUser, replicationPassword, parameters, hba, archive);
    }

    public ServerSettings withDataDir(Path dir) {
        return new ServerSettings(nodeName, host, port, dir, binDir, defaultLogFile(dir), osUser, superuser,
                superuserPassword, replicationUser, replicationPassword, parameters, hba, archive);
    }

    public Path bin(String program) {
        return binDir.resolve(program);
    }

    /** How to reach this server as its superuser. */
    public PgEndpoint superuserEndpoint() {
        return new PgEndpoint(host, port, superuser, superuserPassword, "postgres");
    }

    public String address() {
        return host + ":" + port;
    }
}
