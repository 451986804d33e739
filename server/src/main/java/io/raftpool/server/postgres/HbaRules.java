package io.raftpool.server.postgres;

/**
 * pg_hba.conf for this node: the configured lines, or a default that lets the superuser and
 * the replication user in from the node's own network with SCRAM passwords. A role without a
 * configured password is trusted instead, which {@link ServerSettings} allows on loopback only.
 */
public final class HbaRules {
    public static final String FILE_NAME = "pg_hba.conf";

    private HbaRules() {
    }

    public static String render(ServerSettings s) {
        StringBuilder out = new StringBuilder();
        out.append("# Written by raftpool for node ").append(s.nodeName()).append(": edits here are lost;")
                .append(" use postgres.hba in the raftpool config.\n");
        out.append("local all all trust\n");
        if (!s.hba().isEmpty()) {
            s.hba().forEach(l -> out.append(l).append('\n'));
            return out.toString();
        }
        String clientMethod = s.superuserPassword().isPresent() ? "scram-sha-256" : "trust";
        String replicationMethod = s.replicationPassword().isPresent() ? "scram-sha-256" : "trust";
        String replicationRole = PgSyntax.identifier(s.replicationUser());
        String[] networks = PgSyntax.isLoopback(s.host()) ? new String[] {"127.0.0.1/32", "::1/128"}
                : new String[] {"samenet"};
        for (String network : networks) {
            out.append("host all all ").append(network).append(' ').append(clientMethod).append('\n');
            out.append("host replication ").append(replicationRole).append(' ').append(network).append(' ')
                    .append(replicationMethod).append('\n');
        }
        return out.toString();
    }
}
