#!/usr/bin/env bash
# What the outbox trigger's NOTIFY costs writers (docs/benchmark.md, "Commit notification cost"). Starts a throw-away
# PostgreSQL cluster, then runs pgbench rounds of the API's write (an orders row and an outbox row in one transaction),
# alternating without and with the trigger of migration NotifyOutboxCommits, while one session listens like the relay.
# Usage: bench/notify-cost/run.sh [clients] [seconds per round] [rounds]
set -euo pipefail
clients=${1:-8}
seconds=${2:-15}
rounds=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

data=$(mktemp -d /tmp/notify-cost-XXXXXX)
port=$(( 20000 + RANDOM % 20000 ))
chown postgres "$data" 2>/dev/null || true
as_postgres "$bin/initdb" -D "$data" -U postgres -A trust --no-sync >/dev/null
cat >>"$data/postgresql.auto.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
shared_buffers = '256MB'
synchronous_commit = off
CONF
as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -o "-p $port" -w start >/dev/null
listener=
cleanup() {
  [ -n "$listener" ] && kill "$listener" 2>/dev/null || true
  as_postgres "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

psql=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres)
"${psql[@]}" -f "$here/schema.sql"

# A listener that keeps reading its notifications, as the relay does: psql reads them after every command.
(while sleep 0.05; do echo "SELECT 1;"; done | "${psql[@]}" -c "LISTEN outbox_committed" -f - >/dev/null 2>&1) &
listener=$!

round() {
  "${psql[@]}" -c "$1"
  pgbench -n -h 127.0.0.1 -p "$port" -U postgres -c "$clients" -j 2 -T "$seconds" -f "$here/write.sql" postgres \
    | awk '/^tps/ {printf "%.0f", $3}'
}

printf 'round  without trigger (tps)  with trigger (tps)  ratio\n'
for r in $(seq 1 "$rounds"); do
  without=$(round "ALTER TABLE outbox DISABLE TRIGGER outbox_notify_committed; TRUNCATE orders, outbox;")
  with=$(round "ALTER TABLE outbox ENABLE TRIGGER outbox_notify_committed; TRUNCATE orders, outbox;")
  printf '%5d  %21s  %18s  %5.2f\n' "$r" "$without" "$with" "$(echo "$with / $without" | bc -l)"
done
