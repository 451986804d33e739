package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedSettingsTest {
    private static final StandbySource PRIMARY = new StandbySource("10.0.0.11", 5432, "pgsql2");

    static ServerSettings settings(Map<String, String> parameters, Optional<Password> replicationPassword) {
        return new ServerSettings("pgsql2", "10.0.0.12", 5433, Path.of("/var/lib/pg/data"), Path.of("/usr/bin"),
                Path.of("/var/lib/pg/data.log"), "postgres", "postgres", Optional.of(new Password("su")),
                "replicator", replicationPassword, parameters, List.of("host all all 10.0.0.0/24 scram-sha-256"));
    }

    @Test
    void aPrimaryListensOnItsHostAndPortOverTcpOnlyAndHasNoStandbySection() {
        String conf = ManagedSettings.render(settings(Map.of(), Optional.empty()), Optional.empty());

        assertThat(conf).contains("listen_addresses = '10.0.0.12'\n", "port = '5433'\n",
                "unix_socket_directories = ''\n", "wal_level = 'replica'\n", "hot_standby = 'on'\n",
                "wal_log_hints = 'on'\n", "max_slot_wal_keep_size = '1GB'\n", "cluster_name = 'pgsql2'\n");
        assertThat(conf).doesNotContain("primary_conninfo", "primary_slot_name", "recovery_target_timeline");
        assertThat(ManagedSettings.standbySourceOf(conf)).isEmpty();
    }

    @Test
    void aStandbyFollowsItsPrimaryThroughItsSlotUnderItsNodeName() {
        String conf = ManagedSettings.render(settings(Map.of(), Optional.of(new Password("p'w\\d"))),
                Optional.of(PRIMARY));

        assertThat(conf).contains("primary_slot_name = 'pgsql2'\n", "recovery_target_timeline = 'latest'\n");
        // conninfo quoting (\' and \\) inside conf quoting ('' and \\)
        assertThat(conf).contains("primary_conninfo = 'host=''10.0.0.11'' port=5432 user=''replicator''"
                + " password=''p\\\\''w\\\\\\\\d'' application_name=''pgsql2'' connect_timeout=2'\n");
    }

    @Test
    void theStandbySourceIsReadBackFromTheFileItself() {
        String conf = ManagedSettings.render(settings(Map.of(), Optional.empty()), Optional.of(PRIMARY));

        assertThat(ManagedSettings.standbySourceOf(conf)).contains(PRIMARY);
        assertThat(ManagedSettings.standbySourceOf("port = 5432\n")).isEmpty();
        assertThat(ManagedSettings.standbySourceOf("# raftpool-standby-of: host=h port=1 slot=Bad-Slot\n")).isEmpty();
    }

    @Test
    void withAnArchiveEveryServerArchivesAsAPrimaryAndRestoresFromIt() {
        String conf = ManagedSettings.render(settings(Map.of(), Optional.empty())
                .withArchive(io.raftpool.config.ArchiveSettings.directory(Path.of("/srv/wal"))), Optional.of(PRIMARY));

        assertThat(conf).contains("archive_mode = 'on'\n", "restore_command = 'cp ''/srv/wal/%f'' ''%p'''\n",
                "archive_command = 'if test -f ''/srv/wal/%f''; then cmp -s ''%p'' ''/srv/wal/%f'';");
        assertThat(ManagedSettings.render(settings(Map.of(), Optional.empty()), Optional.empty()))
                .doesNotContain("archive_mode", "archive_command", "restore_command");
    }

    @Test
    void withPgBackRestTheServerPushesAndGetsThroughItAndHasAPrivateSocket() {
        ServerSettings s = settings(Map.of(), Optional.empty()).withArchive(io.raftpool.config.ArchiveSettings
                .pgbackrest(new io.raftpool.config.PgBackRestSettings("main", Optional.empty())));
        String conf = ManagedSettings.render(s, Optional.of(PRIMARY));

        String prefix = "pgbackrest --stanza=main --pg1-path=" + s.dataDir();
        assertThat(conf).contains("archive_mode = 'on'\n",
                "archive_command = '" + prefix + " archive-push ''%p'''\n",
                "restore_command = '" + prefix + " archive-get ''%f'' ''%p'''\n",
                "unix_socket_directories = '" + s.dataDir() + ".sockets'\n");
    }

    /** The command as PostgreSQL runs it (sh -c, %p and %f replaced): never a partial file, never over a different one. */
    @Test
    void theArchiveCommandCopiesOnceAndRefusesADifferentFileOfTheSameName(@TempDir Path tmp) throws Exception {
        Path archive = Files.createDirectory(tmp.resolve("archive"));
        Path segment = Files.writeString(tmp.resolve("000000010000000000000001"), "wal bytes");
        String command = ManagedSettings.archiveCommand(archive).replace("%p", segment.toString())
                .replace("%f", segment.getFileName().toString());

        assertThat(run(command)).as("first copy").isZero();
        assertThat(Files.readString(archive.resolve(segment.getFileName()))).isEqualTo("wal bytes");
        assertThat(run(command)).as("the same file again").isZero();
        Files.writeString(segment, "other bytes");
        assertThat(run(command)).as("a different file under the same name").isNotZero();
        assertThat(Files.readString(archive.resolve(segment.getFileName()))).isEqualTo("wal bytes");
        try (var files = Files.list(archive)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(segment.getFileName().toString());
        }
    }

    private static int run(String shellCommand) throws Exception {
        return new ProcessBuilder("/bin/sh", "-c", shellCommand).inheritIO().start().waitFor();
    }

    @Test
    void userParametersComeAfterRaftpoolsOwnSoTheyWin() {
        String conf = ManagedSettings.render(settings(Map.of("wal_level", "logical", "work_mem", "64MB"),
                Optional.empty()), Optional.empty());

        assertThat(conf.lastIndexOf("wal_level = 'logical'")).isGreaterThan(conf.indexOf("wal_level = 'replica'"));
        assertThat(conf).contains("work_mem = '64MB'\n");
    }

    @Test
    void withoutAPasswordTheConninfoHasNone() {
        assertThat(ManagedSettings.primaryConninfo(settings(Map.of(), Optional.empty()), PRIMARY))
                .isEqualTo("host='10.0.0.11' port=5432 user='replicator' application_name='pgsql2' connect_timeout=2");
    }
}
