#!/usr/bin/env bash
# Benchmarks of raftpool on a local cluster (real PostgreSQL, agents, proxies on this machine).
# Usage:
#   bench/run.sh raft [runs]               commit latency of one state change; re-election after SIGKILL of the leader
#   bench/run.sh failover [runs] [stop|node|hang-postmaster|kill-postmaster|hang-agent|hang-node|partition|partition-leader]  failover time seen by a client through a proxy, by phase
#   bench/run.sh recovery [runs] [wal_keep_size|-] [archive|pgbackrest]
#                                          recovery-node (no-rewind, pg_rewind and pg_basebackup paths,
#                                          and with archive raftpool backup and the --from-backup path,
#                                          pgbench scale 10) and the switchover write pause
#   bench/run.sh outage [runs] [hold_timeout]  a client reconnecting for every write through switchovers and
#                                          dead-primary failovers: its connection errors, its time without a
#                                          write, and the outage the proxy committed
#   bench/run.sh switchover [runs] [hold_timeout]  the same, switchovers only
#   bench/run.sh proxy [seconds] [sessions] [rounds]
#                                          pgbench direct vs through a proxy; proxy memory with idle sessions
#   bench/run.sh proxy-peers [seconds] [sessions] [rounds]
#                                          the same, with pgbouncer (session mode) and haproxy (tcp mode) in front of
#                                          the same primary, alternating with direct and raftpool's proxy
#   bench/run.sh coldstart [rounds] [busy threads] [election min|default] [election max|default] [grown|together] [jvm|inprocess]
#                                          cold starts of a 3-member Raft group under CPU pressure: how often
#                                          a member is left unable to follow the leader's log (grown: how agents start)
# Results are recorded in docs/benchmarks.md with the command that produced them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/raftpool" --version >/dev/null   # builds the jar when needed
jvm_options=()
case "${1:-}" in
  raft) class=io.raftpool.harness.bench.RaftBench ;;
  failover) class=io.raftpool.harness.bench.FailoverBench
    # a partition needs the chaos tool's cgroups and iptables rules
    case "${3:-}" in partition|partition-leader) class=io.raftpool.chaos.bench.PartitionFailoverBench ;; esac ;;
  recovery) class=io.raftpool.harness.bench.RecoveryBench ;;
  outage) class=io.raftpool.harness.bench.ClientOutageBench ;;
  switchover) class=io.raftpool.harness.bench.ClientOutageBench; set -- switchover "${2:-5}" "${3:-5s}" switchover ;;
  proxy) class=io.raftpool.harness.bench.ProxyBench ;;
  proxy-peers) class=io.raftpool.harness.bench.ProxyBench; jvm_options+=(-Draftpool.bench.peers=true)
    for program in pgbouncer haproxy; do
      if ! command -v "$program" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$program" ]; then
        if [ "$(id -u)" = 0 ]; then
          echo "bench: installing $program ..." >&2
          DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$program" >/dev/null \
            || { echo "bench: could not install $program; run: apt-get install -y $program" >&2; exit 1; }
        else
          echo "bench: $program is missing; install it with: sudo apt-get install -y $program" >&2; exit 1
        fi
      fi
    done ;;
  coldstart) class=io.raftpool.harness.bench.ColdStartBench ;;
  *) echo "usage: bench/run.sh raft|failover|recovery|outage|switchover|proxy|proxy-peers|coldstart [args...]" >&2; exit 2 ;;
esac
shift
exec java "${jvm_options[@]}" -cp "$ROOT/cli/target/raftpool.jar" "$class" "$@"
