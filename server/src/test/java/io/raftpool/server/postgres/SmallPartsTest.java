package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/** Quoting, naming, parsing and error wording: the small pure parts. */
class SmallPartsTest {

    @Test
    void confAndConninfoValuesAreQuotedSoNothingEscapes() {
        assertThat(PgSyntax.confValue("it's a\\b")).isEqualTo("'it''s a\\\\b'");
        assertThat(PgSyntax.conninfoValue("it's a\\b")).isEqualTo("'it\\'s a\\\\b'");
        assertThat(PgSyntax.identifier("we\"ird")).isEqualTo("\"we\"\"ird\"");
        assertThat(PgSyntax.urlHost("::1")).isEqualTo("[::1]");
        assertThat(PgSyntax.urlHost("10.0.0.1")).isEqualTo("10.0.0.1");
    }

    @Test
    void slotNamesComeFromNodeNamesAndBadOnesAreRefused() {
        assertThat(SlotNames.forNode("PgSql-2.east")).isEqualTo("pgsql_2_east");
        assertThat(SlotNames.forNode("n".repeat(80))).hasSize(63);
        assertThatThrownBy(() -> SlotNames.requireValid("pgsql-2")).hasMessageContaining("'pgsql-2' is not allowed");
        assertThatThrownBy(() -> new StandbySource("h", 5432, "")).hasMessageContaining("is not allowed");
        assertThatThrownBy(() -> new StandbySource("h", 0, "s")).hasMessageContaining("outside 1..65535");
    }

    @Test
    void theTimelineIsTheFirstEightHexDigitsOfAWalFileName() {
        assertThat(PgProbe.timelineOfWalFile("00000002000000000000000A")).isEqualTo(2);
        assertThat(PgProbe.timelineOfWalFile("0000001F0000000100000003")).isEqualTo(31);
        assertThatThrownBy(() -> PgProbe.timelineOfWalFile("0002")).hasMessageContaining("is not a WAL file name");
    }

    @Test
    void probeErrorsAreShortAndSayWhatHappened() {
        Duration timeout = Duration.ofMillis(1000);

        assertThat(ProbeErrors.describe(new PSQLException("Connection to 127.0.0.1:1 refused. Check that...",
                PSQLState.CONNECTION_UNABLE_TO_CONNECT, new ConnectException("Connection refused")), timeout))
                .isEqualTo("connection refused");
        assertThat(ProbeErrors.describe(new SQLException("x", new SocketTimeoutException("Read timed out")), timeout))
                .isEqualTo("timeout after 1000ms");
        assertThat(ProbeErrors.describe(new SQLException("lost", new EOFException()), timeout))
                .isEqualTo("connection closed by the server");
        assertThat(ProbeErrors.describe(new SQLException("first line\nsecond line"), timeout)).isEqualTo("first line");
        assertThat(ProbeErrors.describe(new SQLException("y".repeat(500)), timeout)).hasSize(200).endsWith("...");
    }

    @Test
    void aSlotIsMadeWhenMissingAndRemadeOnlyWhenItLostItsWalAndNobodyUsesIt() {
        assertThat(ReplicationSlots.decide(Optional.empty(), false, Optional.empty()))
                .isEqualTo(ReplicationSlots.Action.CREATE);
        assertThat(ReplicationSlots.decide(Optional.of("physical"), false, Optional.of("reserved")))
                .isEqualTo(ReplicationSlots.Action.NONE);
        assertThat(ReplicationSlots.decide(Optional.of("physical"), false, Optional.of("lost")))
                .isEqualTo(ReplicationSlots.Action.RECREATE);
        assertThat(ReplicationSlots.decide(Optional.of("physical"), true, Optional.of("lost")))
                .isEqualTo(ReplicationSlots.Action.NONE);
    }

    @Test
    void secretsNeverShowInTextMeantForLogs() {
        Command command = Command.of(Duration.ofSeconds(1), "pg_basebackup", "-h", "h").withEnv("PGPASSWORD", "hunter2");
        PgEndpoint endpoint = PgEndpoint.of("h", 5432, "u", Optional.of(new Password("hunter2")));

        assertThat(command.toString()).contains("PGPASSWORD").doesNotContain("hunter2");
        assertThat(endpoint.toString()).isEqualTo("u@h:5432/postgres");
        assertThat(new Password("hunter2").toString()).doesNotContain("hunter2");
        assertThatThrownBy(() -> new Password("")).hasMessageContaining("cannot be empty");
    }
}
