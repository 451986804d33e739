#!/usr/bin/env bash
# pgbench-proxy.sh: what the raftpool proxy costs, measured with pgbench: the same
# workloads run straight against the primary and through the proxy's read-write port.
#
# Matrix: workload {select-only (-S), tpcb-like (default)} x clients {8, 64} x target
# {direct, proxy}; optionally (CONNECT=1) a connection per transaction (-S -C, 8 clients),
# which measures the proxy's connection start (routing, connecting, relaying the startup).
# Prints one line per run and a table of tps, mean latency and the proxy's overhead.
#
# Before you run it:
#   1. A running cluster with a proxy: e.g. `raftpool demo` or agents + `raftpool proxy
#      --config F --node-id N`. The proxy must route (a primary ACTIVE in the committed state).
#   2. pgbench and psql on PATH (Debian: postgresql-client), and a role that may create the
#      pgbench tables (the script runs `pgbench -i` against the primary, directly).
#   3. max_connections on the primary above 64 + a few (the default 100 will do).
#   Run it on a machine other than the database's if you can: on one machine, pgbench, the
#   proxy and PostgreSQL share the cores and the numbers say more about the scheduler.
#
# Usage (every setting is an environment variable; defaults in brackets):
#   PRIMARY_HOST [127.0.0.1] PRIMARY_PORT [5432]   the primary, directly
#   PROXY_HOST [127.0.0.1]   PROXY_PORT [9999]     the proxy's read-write port
#   PGUSER [postgres] PGDATABASE [postgres]         PGPASSWORD or ~/.pgpass as usual
#   SCALE [10]        pgbench -i scale (10 = 1M rows in pgbench_accounts)
#   DURATION [30]     seconds per run
#   THREADS [nproc]   pgbench -j (capped at the number of clients)
#   SSLMODE [disable] libpq sslmode for both targets (TLS passes through the proxy)
#   CONNECT [0]       1: also run the connection-per-transaction row
#   SKIP_INIT [0]     1: keep existing pgbench tables
#
#   PRIMARY_PORT=5432 PROXY_PORT=9999 DURATION=60 proxy/bench/pgbench-proxy.sh
#
# Exit status: non-zero when a run fails (pgbench error, the proxy refused, ...).
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PROXY_HOST=${PROXY_HOST:-127.0.0.1}
PROXY_PORT=${PROXY_PORT:-9999}
export PGUSER=${PGUSER:-postgres}
export PGDATABASE=${PGDATABASE:-postgres}
export PGSSLMODE=${SSLMODE:-disable}
SCALE=${SCALE:-10}
DURATION=${DURATION:-30}
THREADS=${THREADS:-$(nproc)}
CONNECT=${CONNECT:-0}
SKIP_INIT=${SKIP_INIT:-0}

for tool in pgbench psql; do
  command -v "$tool" >/dev/null || { echo "pgbench-proxy: $tool is not on PATH; install postgresql-client" >&2; exit 2; }
done

check() { # name host port
  if ! out=$(psql -h "$2" -p "$3" -XAtqc 'SELECT pg_is_in_recovery()' 2>&1); then
    echo "pgbench-proxy: cannot query the $1 at $2:$3: $out" >&2
    exit 2
  fi
  if [[ $out != f ]]; then
    echo "pgbench-proxy: the $1 at $2:$3 is in recovery (a standby); point it at the primary" >&2
    exit 2
  fi
}
check primary "$PRIMARY_HOST" "$PRIMARY_PORT"
check proxy "$PROXY_HOST" "$PROXY_PORT"

if [[ $SKIP_INIT != 1 ]]; then
  echo "pgbench -i -s $SCALE on the primary $PRIMARY_HOST:$PRIMARY_PORT"
  pgbench -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -i -q -s "$SCALE" >/dev/null
fi

results=()
run() { # label target host port clients extra-args...
  local label=$1 target=$2 host=$3 port=$4 clients=$5
  shift 5
  local jobs=$(( THREADS < clients ? THREADS : clients ))
  local out
  if ! out=$(pgbench -h "$host" -p "$port" -c "$clients" -j "$jobs" -T "$DURATION" -n "$@" 2>&1); then
    echo "pgbench-proxy: $label $target c=$clients failed:" >&2
    echo "$out" | tail -5 >&2
    exit 1
  fi
  local tps lat
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out" | tail -1)
  lat=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' <<<"$out" | tail -1)
  printf '%-12s %-7s c=%-3s tps=%-12s latency=%s ms\n' "$label" "$target" "$clients" "$tps" "$lat"
  results+=("$label $clients $target $tps $lat")
}

for clients in 8 64; do
  for target in direct proxy; do
    if [[ $target == direct ]]; then h=$PRIMARY_HOST p=$PRIMARY_PORT; else h=$PROXY_HOST p=$PROXY_PORT; fi
    run select-only "$target" "$h" "$p" "$clients" -S
    run tpcb-like "$target" "$h" "$p" "$clients"
  done
done
if [[ $CONNECT == 1 ]]; then
  run connect-S direct "$PRIMARY_HOST" "$PRIMARY_PORT" 8 -S -C
  run connect-S proxy "$PROXY_HOST" "$PROXY_PORT" 8 -S -C
fi

echo
printf '%-12s %-7s %14s %14s %12s %12s %9s\n' workload clients "direct tps" "proxy tps" "direct ms" "proxy ms" overhead
printf '%s\n' "${results[@]}" | awk '
  { key = $1 " " $2; if ($3 == "direct") { dt[key] = $4; dl[key] = $5 } else { pt[key] = $4; pl[key] = $5 }
    if (!(key in seen)) { seen[key] = 1; order[n++] = key } }
  END { for (i = 0; i < n; i++) { k = order[i]; split(k, f, " ")
          over = dt[k] > 0 ? (1 - pt[k] / dt[k]) * 100 : 0
          printf "%-12s %-7s %14.1f %14.1f %12.3f %12.3f %8.1f%%\n", f[1], f[2], dt[k], pt[k], dl[k], pl[k], over } }'
