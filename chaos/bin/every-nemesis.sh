#!/usr/bin/env bash
# One chaos run per nemesis, then a mix, and a results table (markdown) for docs/chaos.md.
# Usage: [NEMESES="f1 f2"] chaos/bin/every-nemesis.sh [seconds per run] [mix seconds (0: none)] [out dir]
#   default: 60 s per nemesis, 300 s of mix, runs in /tmp/raftpool-chaos-<time>
# The set workload runs in synchronous mode (no acknowledged insert may be lost); the bank
# and single-primary workloads run in asynchronous mode. The faults of issue #19 (hung
# postmaster, paused primary agent) run in both modes. Direct clients are on (the default).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SECONDS_PER_RUN="${1:-60}"
MIX_SECONDS="${2:-300}"
OUT="${3:-/tmp/raftpool-chaos-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
TABLE="$OUT/results.md"
echo "| nemesis | workload | mode | seconds | faults | ops ok / fail / unknown (direct ok / fail) | lost | overlap commits | anomalies | writes impossible per fault (median / max ms) | healed | result |" > "$TABLE"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |" >> "$TABLE"

run() { # nemesis workload mode seconds
  local nemesis=$1 workload=$2 mode=$3 secs=$4 dir="$OUT/$1-$2-$3"
  local extra=()
  [ "$mode" = sync ] && extra=(--set replication.mode=sync)
  echo "== $nemesis / $workload / $mode / ${secs}s -> $dir"
  "$ROOT/raftpool" chaos run --nodes 3 --workload "$workload" --nemesis "$nemesis" --time-limit "$secs" \
      --seed 20261126 --fault-duration 10 --fault-interval 10 --warmup 5 --dir "$dir" "${extra[@]}" \
      > "$dir.out" 2>&1
  local rc=$?
  python3 - "$dir" "$nemesis" "$workload" "$mode" "$secs" "$rc" >> "$TABLE" <<'PY'
import json, sys
d, nemesis, workload, mode, secs, rc = sys.argv[1:]
try:
    s = json.load(open(d + "/summary.json"))
except Exception as e:
    print(f"| {nemesis} | {workload} | {mode} | {secs} | | | | | | | | no summary (exit {rc}) |"); sys.exit()
parts = {c["checker"]: c for c in s.get("checkers", [])}
def details(name): return parts.get(name, {}).get("details", {})
ops = s.get("operations", {})
faults = sum(1 for f in s.get("faults", []) if f.get("applied"))
lost = details("set").get("lost", "-") if "set" in parts else "-"
overlap = details("overlap").get("overlap_commits", "-")
direct = ops.get("direct", {})
direct_cell = f" ({direct.get('ok', 0)} / {direct.get('fail', 0)})" if direct else ""
anomalies = sum(len(c.get("reasons", [])) for c in parts.values())
cells = [f"{k} {v['median']:.0f} / {v['max']:.0f}" for k, v in details("availability").get("per_kind_ms", {}).items() if v.get("n")]
healed = s.get("healing", {}).get("healed")
print(f"| {nemesis} | {workload} | {mode} | {secs} | {faults} | {ops.get('ok','?')} / {ops.get('fail','?')} / {ops.get('info','?')}{direct_cell} "
      f"| {lost} | {overlap} | {anomalies} | {'; '.join(cells) or '-'} | {'yes' if healed else 'no'} | {s.get('result', '?')} |")
PY
  tail -1 "$TABLE"
}

if [ -n "${NEMESES:-}" ]; then # only these, in both modes: NEMESES="hang-postmaster ..." chaos/bin/every-nemesis.sh
  for n in $NEMESES; do
    run "$n" set sync "$SECONDS_PER_RUN"
    run "$n" set async "$SECONDS_PER_RUN"
  done
else
  for n in kill-primary stop-primary kill-standby stop-standby kill-leader kill-node pause-primary pause-leader \
           partition-primary partition-leader partition-halves partition-one-way switchover; do
    run "$n" set sync "$SECONDS_PER_RUN"
  done
  for n in hang-postmaster pause-primary-agent pause-primary-agent-partitioned; do
    run "$n" set sync "$SECONDS_PER_RUN"
    run "$n" set async "$SECONDS_PER_RUN"
  done
fi
if [ "$MIX_SECONDS" -gt 0 ]; then
  run mix set sync "$MIX_SECONDS"
  run mix bank async "$MIX_SECONDS"
  run mix single-primary async "$MIX_SECONDS"
fi
echo
cat "$TABLE"
