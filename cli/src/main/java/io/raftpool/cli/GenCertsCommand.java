package io.raftpool.cli;

import io.raftpool.config.ClusterConfig;
import io.raftpool.config.NodeConfig;
import io.raftpool.server.security.CertificateAuthority;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "gen-certs", mixinStandardHelpOptions = true,
        description = {"Makes TLS files for a test or small cluster with openssl: a CA (ca.crt, ca.key) and, for each"
                + " node, <name>.crt and <name>.key with the node's host as subject alternative name.",
                "An existing CA in the directory is reused. Keep ca.key offline; copy each node's pair to its host."})
final class GenCertsCommand implements Callable<Integer> {
    @ParentCommand
    RaftpoolCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "where to write the files")
    Path dir;

    @Option(names = "--nodes", paramLabel = "NAME=HOST", split = ",",
            description = "the nodes, e.g. pgsql1=10.0.0.11,pgsql2=10.0.0.12,witness=10.0.0.13"
                    + " (default: the nodes of the config)")
    List<String> nodes;

    @Override
    public Integer call() {
        List<CertificateAuthority.Node> list;
        try {
            list = nodes == null || nodes.isEmpty() ? fromConfig(root.loadConfig())
                    : nodes.stream().map(CertificateAuthority.Node::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--nodes: " + e.getMessage());
        }
        CertificateAuthority ca;
        List<Path> written;
        try {
            ca = new CertificateAuthority(dir);
            written = ca.create(list);
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            throw new CommandFailure(e.getMessage());
        }
        var out = root.environment().out();
        written.forEach(p -> out.println("wrote " + p));
        out.println();
        out.println("security:");
        out.println("  tls: true");
        out.println("  ca_file: " + ca.caCertificate());
        out.println("  cert_file: " + dir.toAbsolutePath().resolve("{name}.crt"));
        out.println("  key_file: " + dir.toAbsolutePath().resolve("{name}.key"));
        out.flush();
        return ExitCodes.OK;
    }

    private static List<CertificateAuthority.Node> fromConfig(ClusterConfig config) {
        return config.nodes().stream().map((NodeConfig n) -> new CertificateAuthority.Node(n.name(), n.host())).toList();
    }
}
