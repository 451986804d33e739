package io.raftpool.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Reads the cluster-wide settings sections (raft, health_check, failover, watchdog, replication, proxy,
 * admin, hooks): each key with its default and the bounds it must lie within.
 */
final class SettingsReader {
    private static final Duration HOUR = Duration.ofHours(1);

    private SettingsReader() {}

    static RaftSettings raft(YamlSection s) {
        RaftSettings d = RaftSettings.DEFAULTS;
        RaftSettings r = new RaftSettings(
                s.duration("election_timeout_min", d.electionTimeoutMin(), Duration.ofMillis(50), Duration.ofSeconds(30)),
                s.duration("election_timeout_max", d.electionTimeoutMax(), Duration.ofMillis(100), Duration.ofSeconds(60)),
                s.integer("snapshot_every", 10, 10_000_000, (int) d.snapshotEvery()));
        s.finish();
        return r;
    }

    static HealthCheckSettings health(YamlSection s) {
        HealthCheckSettings d = HealthCheckSettings.DEFAULTS;
        HealthCheckSettings h = new HealthCheckSettings(
                s.duration("period", d.period(), Duration.ofMillis(50), HOUR),
                s.duration("timeout", d.timeout(), Duration.ofMillis(50), HOUR),
                s.integer("retries", 0, 100, d.retries()),
                s.duration("local_check_period", d.localCheckPeriod(), Duration.ofMillis(10), Duration.ofMinutes(1)),
                s.duration("lag_report_interval", d.lagReportInterval(), Duration.ofMillis(100), HOUR));
        s.finish();
        return h;
    }

    static FailoverSettings failover(YamlSection s) {
        FailoverSettings d = FailoverSettings.DEFAULTS;
        FailoverSettings f = new FailoverSettings(
                s.bool("auto", d.auto()),
                s.duration("fence_timeout", d.fenceTimeout(), Duration.ofMillis(100), HOUR),
                s.duration("fence_grace", d.fenceGrace(), Duration.ofMillis(50), HOUR),
                s.duration("promote_timeout", d.promoteTimeout(), Duration.ofMillis(100), HOUR),
                s.duration("agent_timeout", d.agentTimeout(), Duration.ofMillis(100), HOUR),
                s.bool("auto_rejoin", d.autoRejoin()));
        s.finish();
        return f;
    }

    static WatchdogSettings watchdog(YamlSection s) {
        WatchdogSettings d = WatchdogSettings.DEFAULTS;
        WatchdogSettings w = new WatchdogSettings(
                s.enumValue("mode", WatchdogSettings.Mode.class, d.mode()),
                devicePath(s, d.device()),
                s.duration("restart_window", d.restartWindow(), Duration.ZERO, HOUR));
        s.finish();
        return w;
    }

    private static java.nio.file.Path devicePath(YamlSection s, java.nio.file.Path fallback) {
        String text = s.string("device", fallback.toString());
        if (!text.startsWith("/")) {
            s.problem("device", "'" + text + "' is not allowed; write the absolute path of the watchdog device,"
                    + " e.g. /dev/watchdog");
            return fallback;
        }
        return java.nio.file.Path.of(text);
    }

    static ReplicationSettings replication(YamlSection s) {
        ReplicationSettings d = ReplicationSettings.DEFAULTS;
        ReplicationSettings.Mode mode = s.enumValue("mode", ReplicationSettings.Mode.class, d.mode());
        String user = s.string("user", d.user());
        SecretRef password = s.secret("password");
        ReplicationSettings.SyncPolicy policy = s.enumValue("sync_policy", ReplicationSettings.SyncPolicy.class,
                d.syncPolicy());
        boolean given = s.has("sync_count");
        int count = s.integer("sync_count", 1, 64, d.syncCount());
        if (given && mode != ReplicationSettings.Mode.QUORUM) {
            s.problem("sync_count", "applies only to mode quorum (mode is " + mode.name().toLowerCase()
                    + "); remove it, or set mode: quorum");
        }
        s.finish();
        return new ReplicationSettings(mode, user, password, policy, count);
    }

    /**
     * The WAL archive: a directory every PostgreSQL node mounts at the same path (shared storage;
     * one directory when the nodes share a machine), or a pgBackRest stanza. Paths and names go
     * into shell commands that PostgreSQL runs, so they are plain.
     */
    static ArchiveSettings archive(YamlSection s) {
        java.util.Optional<java.nio.file.Path> dir = s.string("directory").flatMap(d -> plainPath(s, "directory", d,
                "/var/lib/postgresql/wal-archive"));
        java.util.Optional<PgBackRestSettings> pgbackrest = s.section("pgbackrest").flatMap(SettingsReader::pgbackrest);
        if (s.has("directory") && s.has("pgbackrest")) {
            s.problem("pgbackrest", "cannot be set beside archive.directory: the archive is one or the other;"
                    + " remove one of them");
            s.finish();
            return ArchiveSettings.NONE;
        }
        s.finish();
        return new ArchiveSettings(dir, pgbackrest);
    }

    private static java.util.Optional<PgBackRestSettings> pgbackrest(YamlSection s) {
        java.util.Optional<String> stanza = s.requiredString("stanza");
        if (stanza.isPresent() && !stanza.get().matches(PgBackRestSettings.STANZA_PATTERN)) {
            s.problem("stanza", "'" + stanza.get() + "' is not allowed; a stanza name is 1 to 64 letters, digits"
                    + " and _ . - starting with a letter or digit, e.g. main");
            stanza = java.util.Optional.empty();
        }
        java.util.Optional<java.nio.file.Path> config = s.string("config").flatMap(c -> plainPath(s, "config", c,
                "/etc/pgbackrest/pgbackrest.conf"));
        boolean bad = stanza.isEmpty() || (s.has("config") && config.isEmpty());
        s.finish();
        return bad ? java.util.Optional.empty() : java.util.Optional.of(new PgBackRestSettings(stanza.get(), config));
    }

    private static java.util.Optional<java.nio.file.Path> plainPath(YamlSection s, String key, String value,
                                                                    String example) {
        if (!value.startsWith("/") || !value.matches("[A-Za-z0-9_./-]+") || value.contains("..")) {
            s.problem(key, "'" + value + "' is not allowed; write an absolute path of letters, digits and _ . / -"
                    + " (PostgreSQL runs it in archive_command and restore_command), e.g. " + example);
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(java.nio.file.Path.of(value));
    }

    static ProxySettings proxy(YamlSection s) {
        ProxySettings d = ProxySettings.DEFAULTS;
        ProxySettings p = new ProxySettings(
                s.duration("stale_after", d.staleAfter(), Duration.ofMillis(50), HOUR),
                s.duration("connect_timeout", d.connectTimeout(), Duration.ofMillis(10), HOUR),
                s.duration("startup_timeout", d.startupTimeout(), Duration.ofMillis(100), HOUR),
                s.integer("io_threads", 1, ProxySettings.MAX_IO_THREADS, d.ioThreads()),
                s.duration("hold_timeout", d.holdTimeout(), Duration.ZERO, Duration.ofMinutes(10)),
                s.integer("hold_max", 1, ProxySettings.MAX_HELD, d.holdMax()));
        s.finish();
        return p;
    }

    static AdminSettings admin(YamlSection s) {
        AdminSettings a = new AdminSettings(
                s.duration("call_timeout", AdminSettings.DEFAULTS.callTimeout(), Duration.ofMillis(100), HOUR));
        s.finish();
        return a;
    }

    static HookSettings hooks(YamlSection s) {
        HookSettings d = HookSettings.DEFAULTS;
        HookSettings h = new HookSettings(
                s.duration("timeout", d.timeout(), Duration.ofMillis(100), HOUR),
                hookCommand(s, "before_promote"),
                s.bool("before_promote_must_succeed", d.beforePromoteMustSucceed()),
                hookCommand(s, "after_failover"),
                hookCommand(s, "follow_primary"),
                hookCommand(s, "before_recovery"),
                hookCommand(s, "after_recovery"));
        s.finish();
        return h;
    }

    private static Optional<String> hookCommand(YamlSection s, String key) {
        Optional<String> command = s.string(key);
        command.ifPresent(c -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([a-z_]+)}").matcher(c);
            while (m.find()) {
                if (!HookSettings.PLACEHOLDERS.contains(m.group(1))) {
                    s.problem(key, "unknown placeholder {" + m.group(1) + "}; allowed: "
                            + new java.util.TreeSet<>(HookSettings.PLACEHOLDERS).stream().map(p -> "{" + p + "}").toList());
                }
            }
        });
        return command;
    }
}
