package io.raftpool.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.raftpool.config.NodeRules.NodeEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The one way to read a cluster config: parse the YAML, apply defaults, validate every key and
 * the rules between keys, and either return an immutable {@link ClusterConfig} or throw a
 * {@link ConfigException} naming every problem (key, value, what is allowed). It never
 * corrects a bad value.
 */
public final class ConfigLoader {
    private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate field '(.*)'");

    private ConfigLoader() {}

    public static ClusterConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist; give the path of the cluster"
                    + " YAML file (see examples/scenario-2plus1.yaml)");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(text, file);
    }

    public static ClusterConfig parse(String yaml, Path source) {
        JsonNode root;
        try {
            // A key given twice would otherwise keep the last value silently.
            YAMLFactory factory = YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
            root = new ObjectMapper(factory).readTree(yaml);
        } catch (JsonProcessingException e) {
            throw notYaml(source, e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": expected a YAML mapping with the keys cluster, nodes, ...");
        }
        List<String> problems = new ArrayList<>();
        ClusterConfig config = read(new YamlSection("", root, problems), source, problems);
        if (!problems.isEmpty()) {
            List<String> located = problems.stream().map(p -> source + ": " + p).toList();
            throw new ConfigException(located);
        }
        return config;
    }

    /**
     * Where the YAML parser gave up, in one line. The scanner's own mark is preferred: Jackson's
     * location is that of the last token it read, which can be lines earlier.
     */
    private static ConfigException notYaml(Path source, JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                Mark at = marked.getProblemMark();
                String context = marked.getContext() == null || marked.getContextMark() == null ? ""
                        : " (" + marked.getContext() + " from line " + (marked.getContextMark().getLine() + 1) + ")";
                return new ConfigException(source + ": not valid YAML at line " + (at.getLine() + 1) + ", column "
                        + (at.getColumn() + 1) + ": " + marked.getProblem() + context);
            }
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? ""
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String problem = e.getOriginalMessage().strip();
        var duplicate = DUPLICATE_KEY.matcher(problem);
        if (duplicate.matches()) {
            problem = "key '" + duplicate.group(1) + "' is given twice in one mapping; give each key once";
        }
        return new ConfigException(source + ": not valid YAML" + where + ": " + problem);
    }

    /**
     * The checks that only make sense on the node itself: its PostgreSQL binaries exist, its
     * OS user exists. Run by an agent at start, not by the CLI (which may run elsewhere).
     * A witness has nothing to check.
     */
    public static void checkLocalNode(ClusterConfig config, int nodeId) {
        LocalNodeCheck.check(config, nodeId);
    }

    /** Every section in the file's documented order, so that problems are listed in that order too. */
    private static ClusterConfig read(YamlSection root, Path source, List<String> problems) {
        YamlSection cluster = root.sectionOrEmpty("cluster");
        String name = cluster.requiredString("name").orElse("");
        if (!name.isEmpty() && !NodeReader.NAME.matcher(name).matches()) {
            cluster.problem("name", "'" + name + "' is not allowed; " + NodeReader.NAME_ALLOWED);
        }
        Optional<Integer> bootstrapPrimary = cluster.integer("bootstrap_primary", 0, 9999);
        cluster.finish();

        RaftSettings raft = SettingsReader.raft(root.sectionOrEmpty("raft"));
        HealthCheckSettings health = SettingsReader.health(root.sectionOrEmpty("health_check"));
        FailoverSettings failover = SettingsReader.failover(root.sectionOrEmpty("failover"));
        WatchdogSettings watchdog = SettingsReader.watchdog(root.sectionOrEmpty("watchdog"));
        ReplicationSettings replication = SettingsReader.replication(root.sectionOrEmpty("replication"));
        ArchiveSettings archive = SettingsReader.archive(root.sectionOrEmpty("archive"));
        ProxySettings proxy = SettingsReader.proxy(root.sectionOrEmpty("proxy"));
        Optional<VipSettings> vip = root.section("vip").map(VipReader::read);
        AdminSettings admin = SettingsReader.admin(root.sectionOrEmpty("admin"));
        HookSettings hooks = SettingsReader.hooks(root.sectionOrEmpty("hooks"));
        YamlSection securitySection = root.sectionOrEmpty("security");
        PostgresDefaults pgDefaults = PostgresDefaults.read(root.sectionOrEmpty("postgres"));

        List<NodeEntry> entries = new ArrayList<>();
        List<YamlSection> nodeSections = root.sectionList("nodes");
        if (!root.has("nodes")) {
            root.problem("nodes", "is required: a list of at least 3 nodes (agents)");
        } else if (nodeSections.size() < 3) {
            root.problem("nodes", nodeSections.size() + " node(s) given; raft needs at least 3 agents so that a"
                    + " majority survives the loss of one (add a witness: an agent without PostgreSQL)");
        }
        for (YamlSection n : nodeSections) {
            NodeReader.read(n, pgDefaults).ifPresent(entries::add);
        }
        root.finish();
        SecuritySettings security = SecurityReader.read(securitySection,
                entries.stream().anyMatch(e -> e.node().proxy().isPresent()));

        NodeRules.check(entries, problems);
        List<NodeConfig> nodes = entries.stream().map(NodeEntry::node).toList();
        SectionRules.check(bootstrapPrimary, nodes, raft, failover, proxy, replication, problems);

        List<NodeConfig> ordered = new ArrayList<>(nodes);
        ordered.sort(Comparator.comparingInt(NodeConfig::id));
        int primary = bootstrapPrimary.orElse(
                ordered.stream().filter(n -> !n.witness()).map(NodeConfig::id).findFirst().orElse(-1));
        return new ClusterConfig(name, raft, health, failover, watchdog, replication, archive, proxy, vip, admin, hooks, security, ordered,
                source, primary);
    }
}
