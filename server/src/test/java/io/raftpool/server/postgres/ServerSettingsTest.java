package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftpool.config.ConfigException;
import io.raftpool.config.PostgresConfig;
import io.raftpool.config.ReplicationSettings;
import io.raftpool.config.SecretRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {

    private static ServerSettings on(String host, Optional<Password> superuserPassword, Map<String, String> params,
                                     List<String> hba) {
        return new ServerSettings("pgsql1", host, 5432, Path.of("/data/pg"), Path.of("/usr/bin"),
                Path.of("/data/pg.log"), "postgres", "postgres", superuserPassword, "replicator",
                Optional.of(new Password("r")), params, hba);
    }

    @Test
    void builtFromTheConfigWithSecretsResolvedAndTheLogBesideTheDataDirectory() {
        PostgresConfig pg = new PostgresConfig(5433, Path.of("/var/lib/pg/raftpool"), Path.of("/usr/lib/pg/bin"),
                "postgres", "admin", SecretRef.env("SU_PW"), 1, false, Map.of("work_mem", "8MB"), List.of());
        ReplicationSettings replication = new ReplicationSettings(ReplicationSettings.Mode.ASYNC, "repl",
                SecretRef.env("REPL_PW"), ReplicationSettings.SyncPolicy.AVAILABILITY);

        ServerSettings s = ServerSettings.of("pgsql1", "10.0.0.11", pg, replication,
                Map.of("SU_PW", "s3cret", "REPL_PW", "r3pl"));

        assertThat(s.superuserPassword()).map(Password::value).contains("s3cret");
        assertThat(s.replicationPassword()).map(Password::value).contains("r3pl");
        assertThat(s.logFile()).isEqualTo(Path.of("/var/lib/pg/raftpool.log"));
        assertThat(s.superuserEndpoint().user()).isEqualTo("admin");
        assertThat(s.toString()).doesNotContain("s3cret", "r3pl");
        assertThat(s.superuserEndpoint().toString()).isEqualTo("admin@10.0.0.11:5433/postgres");
    }

    @Test
    void settingsRaftpoolWritesItselfAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> on("127.0.0.1", Optional.empty(), Map.of("port", "5000", "primary_conninfo", "x"),
                List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("postgres.parameters.port: raftpool sets this itself")
                .hasMessageContaining("postgres.parameters.primary_conninfo");
        assertThatThrownBy(() -> on("127.0.0.1", Optional.empty(), Map.of("wal_level", "minimal"), List.of()))
                .hasMessageContaining("allowed: replica, logical");
    }

    @Test
    void withoutPasswordsTheDefaultHbaIsOnlyAllowedOnLoopback() {
        assertThat(on("127.0.0.1", Optional.empty(), Map.of(), List.of()).host()).isEqualTo("127.0.0.1");
        assertThat(on("10.0.0.11", Optional.empty(), Map.of(), List.of("host all all 10.0.0.0/24 trust")).hba())
                .hasSize(1);
        assertThatThrownBy(() -> on("10.0.0.11", Optional.empty(), Map.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("postgres.superuser_password is not set");
    }

    @Test
    void oneRoleCannotHaveTwoPasswords() {
        assertThatThrownBy(() -> new ServerSettings("n", "127.0.0.1", 5432, Path.of("/d"), Path.of("/b"),
                Path.of("/d.log"), "postgres", "postgres", Optional.of(new Password("a")), "postgres",
                Optional.of(new Password("b")), Map.of(), List.of()))
                .hasMessageContaining("replication.user is the superuser");
    }

    @Test
    void archivingOfOnesOwnIsRefusedWhereTheArchiveIsRaftpools() {
        ServerSettings own = on("127.0.0.1", Optional.empty(), Map.of("archive_command", "pgbackrest archive-push %p"),
                List.of());
        assertThat(own.parameters()).containsKey("archive_command");
        assertThatThrownBy(() -> own.withArchive(io.raftpool.config.ArchiveSettings.directory(Path.of("/srv/wal"))))
                .hasMessageContaining("postgres.parameters.archive_command: archive.directory sets it");
    }
}
