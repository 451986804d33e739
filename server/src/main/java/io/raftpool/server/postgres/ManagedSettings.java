package io.raftpool.server.postgres;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * raftpool.conf: the settings raftpool owns, included from postgresql.conf. pg_basebackup and
 * pg_rewind copy the source server's copy, so it is rewritten for the local node before every
 * start. Which primary a standby follows is kept in a marker comment of the file itself, so a
 * restarted agent rewrites the same standby section without being told again.
 */
public final class ManagedSettings {
    public static final String FILE_NAME = "raftpool.conf";
    public static final String INCLUDE_LINE = "include '" + FILE_NAME + "'";
    /** The settings kept in the Raft log (raftpool set-parameter) that apply to this node. */
    public static final String PARAMETERS_FILE_NAME = "raftpool.parameters.conf";
    private static final String MARKER = "# raftpool-standby-of: ";
    private static final Pattern MARKER_LINE =
            Pattern.compile("^" + Pattern.quote(MARKER) + "host=(\\S+) port=(\\d+) slot=(\\S+)$", Pattern.MULTILINE);

    private ManagedSettings() {
    }

    /** The file's text for {@code settings}'s node, as a standby of {@code standby} or as a primary. */
    public static String render(ServerSettings settings, Optional<StandbySource> standby) {
        StringBuilder out = new StringBuilder();
        out.append("# Written by raftpool for node ").append(settings.nodeName())
                .append(" before every start and at every role change: edits here are lost.\n")
                .append("# Put your settings in postgres.parameters of the raftpool config.\n");
        standby.ifPresent(s -> out.append(MARKER).append("host=").append(s.host()).append(" port=").append(s.port())
                .append(" slot=").append(s.slotName()).append('\n'));
        out.append('\n');
        for (Map.Entry<String, String> e : baseSettings(settings).entrySet()) {
            line(out, e.getKey(), e.getValue());
        }
        if (!settings.parameters().isEmpty()) {
            out.append("\n# postgres.parameters\n");
            settings.parameters().forEach((k, v) -> line(out, k, v));
        }
        standby.ifPresent(s -> {
            out.append("\n# standby of ").append(s.host()).append(':').append(s.port()).append('\n');
            line(out, "primary_conninfo", primaryConninfo(settings, s));
            line(out, "primary_slot_name", s.slotName());
            line(out, "recovery_target_timeline", "latest");
        });
        out.append("\n# raftpool set-parameter: kept in the Raft log, over postgres.parameters\n")
                .append("include_if_exists '").append(PARAMETERS_FILE_NAME).append("'\n");
        return out.toString();
    }

    /** The text of {@link #PARAMETERS_FILE_NAME} for these settings (name to value). */
    public static String renderParameters(Map<String, String> parameters) {
        StringBuilder out = new StringBuilder("# Written by raftpool from its Raft log (raftpool set-parameter):"
                + " edits here are lost.\n");
        parameters.forEach((k, v) -> line(out, k, v));
        return out.toString();
    }

    /** The standby section's source written by {@link #render}, if the text has one. */
    public static Optional<StandbySource> standbySourceOf(String fileText) {
        Matcher m = MARKER_LINE.matcher(fileText);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StandbySource(m.group(1), Integer.parseInt(m.group(2)), m.group(3)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static String primaryConninfo(ServerSettings settings, StandbySource source) {
        StringBuilder c = new StringBuilder();
        c.append("host=").append(PgSyntax.conninfoValue(source.host()))
                .append(" port=").append(source.port())
                .append(" user=").append(PgSyntax.conninfoValue(settings.replicationUser()));
        settings.replicationPassword().ifPresent(p -> c.append(" password=").append(PgSyntax.conninfoValue(p.value())));
        c.append(" application_name=").append(PgSyntax.conninfoValue(settings.nodeName()))
                .append(" connect_timeout=2");
        return c.toString();
    }

    private static Map<String, String> baseSettings(ServerSettings s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("listen_addresses", s.host());
        m.put("port", Integer.toString(s.port()));
        // TCP only, but for pgBackRest, which reaches a server through its socket: a directory of
        // the node's own, private to the os user (pg_hba trusts local connections).
        m.put("unix_socket_directories", s.socketDir().map(Path::toString).orElse(""));
        m.put("cluster_name", s.nodeName());
        m.put("wal_level", "replica");
        m.put("hot_standby", "on");
        // pg_rewind needs hint bits in WAL (or data checksums, which initdb also turns on).
        m.put("wal_log_hints", "on");
        m.put("max_wal_senders", "10");
        m.put("max_replication_slots", "10");
        m.put("wal_keep_size", "256MB");
        // A slot of a standby that is gone for good must not fill the primary's disk.
        m.put("max_slot_wal_keep_size", "1GB");
        m.put("hot_standby_feedback", "on");
        m.put("wal_receiver_status_interval", "1s");
        m.put("password_encryption", "scram-sha-256");
        m.put("logging_collector", "off");
        m.put("log_destination", "stderr");
        m.put("log_line_prefix", "%m [%p] %q%u@%d ");
        m.put("log_checkpoints", "on");
        m.put("log_replication_commands", "on");
        // Every server, so that the archive follows the primary: only a primary archives (on, not always).
        archiveCommand(s).ifPresent(command -> {
            m.put("archive_mode", "on");
            m.put("archive_command", command);
            m.put("restore_command", restoreCommand(s).orElseThrow());
        });
        return m;
    }

    /**
     * Copies a finished segment into the archive under a temporary name, syncs it and renames it
     * into place, so a crash never leaves a partial file under a segment's name; a file already
     * there passes only if it is the same (an archiver that crashed after the copy tries again).
     */
    static Optional<String> archiveCommand(ServerSettings s) {
        return s.archiveDir().map(ManagedSettings::archiveCommand).or(() -> s.archive().pgbackrest()
                .map(b -> PgBackRest.commandPrefix(b, s.dataDir()) + " archive-push '%p'"));
    }

    static Optional<String> restoreCommand(ServerSettings s) {
        return s.archiveDir().map(dir -> "cp '" + dir + "/%f' '%p'").or(() -> s.archive().pgbackrest()
                .map(b -> PgBackRest.commandPrefix(b, s.dataDir()) + " archive-get '%f' '%p'"));
    }

    static String archiveCommand(Path dir) {
        String target = dir + "/%f";
        return "if test -f '" + target + "'; then cmp -s '%p' '" + target + "'; else cp '%p' '" + target + ".part'"
                + " && sync '" + target + ".part' && mv '" + target + ".part' '" + target + "'; fi";
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append(" = ").append(PgSyntax.confValue(value)).append('\n');
    }
}
