package io.raftpool.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdoptionCheckTest {
    static final String HBA = "# Written by raftpool\nlocal all all trust\nhost all all 127.0.0.1/32 trust\n"
            + "host replication replicator 127.0.0.1/32 trust\n";
    static final List<AdoptionCheck.Expected> PAIR = List.of(
            new AdoptionCheck.Expected(0, "pgsql1", "127.0.0.1:5432", "/srv/pg1", HBA, "replicator", true, "pgsql1"),
            new AdoptionCheck.Expected(1, "pgsql2", "127.0.0.1:5433", "/srv/pg2", HBA, "replicator", true, "pgsql2"));

    static ServerFacts primary() {
        return new ServerFacts(false, "/srv/pg1", 150010, "replica", true, false, "127.0.0.1", "", 1,
                List.of("local all all trust", "host  all all 127.0.0.1/32   trust # clients", "",
                        "host replication replicator 127.0.0.1/32 trust"),
                List.of(), Optional.of(new ServerFacts.Role(true, true)), List.of("pgsql2 streaming"), List.of(),
                Optional.empty());
    }

    static ServerFacts standby() {
        return new ServerFacts(true, "/srv/pg2", 150010, "replica", true, false, "127.0.0.1", "", 1,
                primary().hbaLines(), List.of("primary_conninfo"), Optional.of(new ServerFacts.Role(true, true)),
                List.of(), List.of(), Optional.of("127.0.0.1:5432"));
    }

    @Test
    void aHealthyPairIsReadyWithTheRunningPrimaryAndSaysWhatRaftpoolChanges() {
        AdoptionCheck.Report r = AdoptionCheck.check(PAIR, Map.of(0, AdoptionCheck.Answer.of(primary()),
                1, AdoptionCheck.Answer.of(standby())));
        assertThat(r.ready()).isTrue();
        assertThat(r.primary()).hasValue(0);
        assertThat(r.found()).containsExactly(
                "node 0 (pgsql1, 127.0.0.1:5432): primary (streaming to pgsql2 streaming), timeline 1, PostgreSQL 150010",
                "node 1 (pgsql2, 127.0.0.1:5433): standby streaming from 127.0.0.1:5432, timeline 1, PostgreSQL 150010");
        assertThat(String.join("\n", r.changes())).contains("postgresql.auto.conf sets primary_conninfo")
                .contains("replication slot(s) pgsql2 are made on the primary")
                .contains("password of the existing role replicator is set to replication.password");
        assertThat(r.atNextRestart()).isEmpty();
    }

    @Test
    void whatWouldLockClientsOutOrPointAtOtherDataBlocksTheTakeover() {
        ServerFacts p = primary();
        ServerFacts withClients = new ServerFacts(false, "/var/lib/postgresql/15/main", 150010, "replica", false, false,
                "*", "/var/run/postgresql", 1, List.of("local all all trust", "host all app 10.0.0.0/8 scram-sha-256"),
                List.of(), Optional.empty(), List.of(), List.of(new ServerFacts.Slot("pgpool_slot", false)),
                Optional.empty());
        AdoptionCheck.Report r = AdoptionCheck.check(PAIR, Map.of(0, AdoptionCheck.Answer.of(withClients),
                1, AdoptionCheck.Answer.unreachable("connection refused")));
        assertThat(r.ready()).isFalse();
        assertThat(r.blockers()).containsExactly(
                "node 0 (pgsql1, 127.0.0.1:5432) runs on data directory /var/lib/postgresql/15/main but the config says"
                        + " postgres.data_dir: /srv/pg1: point data_dir at the server's directory",
                "node 0 (pgsql1, 127.0.0.1:5432): pg_hba.conf has rules raftpool would drop (it writes pg_hba.conf from"
                        + " postgres.hba): 'host all app 10.0.0.0/8 scram-sha-256'; add them to postgres.hba for this"
                        + " node in the config, or remove them from pg_hba.conf");
        assertThat(r.atNextRestart()).hasSize(3);
        assertThat(String.join("\n", r.changes())).contains("the replication role replicator is created")
                .contains("inactive replication slot pgpool_slot keeps WAL");
        assertThat(r.found().get(1)).contains("not running or not reachable (connection refused)");
        assertThat(p.inRecovery()).isFalse();
    }

    @Test
    void twoPrimariesOrNoneRunningAsPrimaryBlockAndNothingRunningIsAFreshCluster() {
        AdoptionCheck.Report two = AdoptionCheck.check(PAIR, Map.of(0, AdoptionCheck.Answer.of(primary()),
                1, AdoptionCheck.Answer.of(primary())));
        assertThat(two.blockers()).anyMatch(b -> b.startsWith("nodes 0 and 1 all run as primary"));
        AdoptionCheck.Report none = AdoptionCheck.check(PAIR, Map.of(1, AdoptionCheck.Answer.of(standby())));
        assertThat(none.blockers()).contains("no server runs as primary: start the primary, then raftpool finds it");
        AdoptionCheck.Report fresh = AdoptionCheck.check(PAIR, Map.of());
        assertThat(fresh.anyRunning()).isFalse();
        assertThat(fresh.blockers()).isEmpty();
    }
}
