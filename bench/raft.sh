#!/usr/bin/env bash
# Raft figures of a local cluster: commit latency of one state change and re-election time
# after SIGKILL of the leader agent. Usage: bench/raft.sh [runs]   (default 20)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/raftpool" --version >/dev/null   # builds the jar when needed
exec java -cp "$ROOT/cli/target/raftpool.jar" io.raftpool.harness.bench.RaftBench "${1:-20}"
