/**
 * Jepsen-style chaos runs against a real local cluster, built on Jepsen's nouns.
 *
 * <ul>
 *   <li>{@code history}: every client and nemesis operation, recorded as an invocation and then
 *       a completion ({@code ok}, {@code fail}, or {@code info} when the outcome is unknown).
 *   <li>{@code nemesis}: faults are data (a {@code Schedule} computed from a seed); the
 *       {@code ClusterNemesis} applies them to real processes and heals them.
 *   <li>{@code net}: partitions with iptables on loopback, per node, by cgroup and connmark.
 *   <li>{@code workload}: what the clients do through the proxies (set, bank, single-primary).
 *   <li>{@code checker}: pure functions from a history to a verdict with reasons; they compose.
 *   <li>{@code report}: the run directory: history, logs, events, summary, HTML with SVG plots.
 *   <li>{@code run}: {@code ChaosRun} wires it all together for one run.
 * </ul>
 */
package io.raftpool.chaos;
