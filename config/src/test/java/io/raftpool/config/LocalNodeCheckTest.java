package io.raftpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks an agent runs on its own machine at start: binaries and OS user. */
class LocalNodeCheckTest {
    private static final String PROGRAMS = "pg_ctl, initdb, postgres, pg_basebackup, pg_rewind";
    private static final String THIS_USER = System.getProperty("user.name");

    @TempDir
    Path dir;

    private Path bin;

    @BeforeEach
    void fakePostgresBinaries() throws IOException {
        bin = Files.createDirectory(dir.resolve("bin"));
        for (String program : List.of("pg_ctl", "initdb", "postgres", "pg_basebackup", "pg_rewind")) {
            executable(bin.resolve(program), "rwxr-xr-x");
        }
    }

    @Test
    void aNodeWithItsBinariesAndUserPasses() {
        ClusterConfig config = node0(bin, THIS_USER);

        assertThatCode(() -> ConfigLoader.checkLocalNode(config, 0)).doesNotThrowAnyException();
    }

    @Test
    void aMissingBinDirIsNamedWithWhatToDo() {
        Path missing = dir.resolve("no-such-bin");

        assertThatThrownBy(() -> ConfigLoader.checkLocalNode(node0(missing, THIS_USER), 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.yaml: nodes[id=0].postgres.bin_dir: " + missing + " is not a directory; point it at"
                        + " the PostgreSQL binaries (the directory holding pg_ctl), or install them:"
                        + " apt-get install postgresql");
    }

    @Test
    void aBinDirWithoutPgCtlNamesTheMissingProgramAndTheNeededOnes() throws IOException {
        Files.delete(bin.resolve("pg_ctl"));

        assertThatThrownBy(() -> ConfigLoader.checkLocalNode(node0(bin, THIS_USER), 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.yaml: nodes[id=0].postgres.bin_dir: " + bin + " has no executable pg_ctl; it must"
                        + " hold the PostgreSQL server programs " + PROGRAMS
                        + " (Debian: /usr/lib/postgresql/<version>/bin)");
    }

    @Test
    void aProgramThatIsNotExecutableCountsAsMissing() throws IOException {
        executable(bin.resolve("pg_rewind"), "rw-r--r--");
        Files.delete(bin.resolve("initdb"));

        assertThatThrownBy(() -> ConfigLoader.checkLocalNode(node0(bin, THIS_USER), 0))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(" has no executable initdb, pg_rewind; ");
    }

    @Test
    void pgBackRestMustBeInstalledAndItsConfigFileThere() throws IOException {
        PgBackRestSettings main = new PgBackRestSettings("main", java.util.Optional.of(dir.resolve("pgbackrest.conf")));

        assertThat(LocalNodeCheck.pgBackRestProblem(main, List.of(bin))).hasValue("archive.pgbackrest: the pgbackrest"
                + " program is not installed on this host; install it (apt-get install pgbackrest) or remove"
                + " archive.pgbackrest");
        executable(bin.resolve("pgbackrest"), "rwxr-xr-x");
        assertThat(LocalNodeCheck.pgBackRestProblem(main, List.of(bin))).hasValue("archive.pgbackrest.config: "
                + dir.resolve("pgbackrest.conf") + " is not a file; write pgBackRest's configuration there (at least"
                + " repo1-path), or remove the key to use /etc/pgbackrest/pgbackrest.conf");
        Files.writeString(dir.resolve("pgbackrest.conf"), "[global]\nrepo1-path=/srv/backup\n");
        assertThat(LocalNodeCheck.pgBackRestProblem(main, List.of(bin))).isEmpty();
    }

    @Test
    void anOsUserThatDoesNotExistIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.checkLocalNode(node0(bin, "raftpool-no-such-user"), 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.yaml: nodes[id=0].postgres.os_user: 'raftpool-no-such-user' is not a user on this"
                        + " machine; create it (useradd) or name the user that runs PostgreSQL here (PostgreSQL"
                        + " refuses to run as root)");
    }

    @Test
    void bothLocalProblemsAreReportedTogether() {
        assertThatThrownBy(() -> ConfigLoader.checkLocalNode(node0(dir.resolve("nope"), "raftpool-no-such-user"), 0))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .satisfiesExactly(
                                p -> assertThat(p).startsWith("test.yaml: nodes[id=0].postgres.bin_dir: "),
                                p -> assertThat(p).startsWith("test.yaml: nodes[id=0].postgres.os_user: ")));
    }

    @Test
    void aWitnessHasNothingLocalToCheck() {
        ClusterConfig config = node0(dir.resolve("nope"), "raftpool-no-such-user");

        assertThatCode(() -> ConfigLoader.checkLocalNode(config, 2)).doesNotThrowAnyException();
    }

    @Test
    void anUnknownNodeIdListsTheNodes() {
        assertThatThrownBy(() -> ConfigLoader.checkLocalNode(node0(bin, THIS_USER), 7))
                .isInstanceOf(ConfigException.class)
                .hasMessage("node id 7 is not in test.yaml; the nodes are [0 (pg0), 1 (pg1), 2 (witness)]");
    }

    /** Only node 0's server is checked here, so only node 0 points at the directory under test. */
    private static ClusterConfig node0(Path binDir, String osUser) {
        return ConfigYaml.valid()
                .set("nodes[0].postgres.bin_dir", binDir.toString())
                .set("nodes[0].postgres.os_user", osUser)
                .load();
    }

    private static void executable(Path file, String mode) throws IOException {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }
}
