#!/usr/bin/env bash
# Registers (creates or updates) the Kafka Connect JDBC source that publishes PostgreSQL table public.outbox to topic
# microshop.order-outbox, then waits until the connector and every task are RUNNING.
#
# Needs bash 5, curl and jq (jq parses the config and the REST answers; nothing else is required on the machine).
# Idempotent: PUT /connectors/{name}/config creates the connector or updates it in place, and Connect keeps its source
# offsets per connector name, so re-running it with the same name resumes where the connector was.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: register-connector.sh [options] [CONFIG_FILE]

Registers the connector described by CONFIG_FILE (a flat Connect config map; default: outbox-source.json beside this
script) with PUT /connectors/{name}/config, then polls GET /connectors/{name}/status until the connector and all its
tasks are RUNNING.

Options:
  -u, --url URL          Connect REST URL (default: $CONNECT_URL, else http://localhost:8083)
  -f, --file FILE        the connector config, same as CONFIG_FILE
  -n, --name NAME        connector name (default: the file's "name" member; the body's "name" is set to it)
  -t, --timeout SECONDS  how long to wait for RUNNING (default: $CONNECT_TIMEOUT, else 120)
  -i, --interval SECONDS pause between status polls (default: 2; fractions allowed)
      --force            register a config that fails the safety checks (literal credentials, the seed's
                         incrementing mode without the xmin-horizon filter, a *seed-unsafe* file)
  -h, --help             show this help

Exit codes: 0 running; 1 connector or a task FAILED, PAUSED or STOPPED; 2 bad usage, missing tool or refused config;
3 HTTP error from Connect or Connect unreachable; 4 not RUNNING within the timeout.
USAGE
}

die() {
  local code=$1
  shift
  printf 'register-connector: %s\n' "$*" >&2
  exit "$code"
}

for tool in curl jq; do
  command -v "$tool" >/dev/null 2>&1 || die 2 "'$tool' is required but not installed (e.g. apt-get install $tool)."
done

connect_url=${CONNECT_URL:-http://localhost:8083}
timeout_s=${CONNECT_TIMEOUT:-120}
interval_s=2
config_file=
name=
force=false

while (($#)); do
  case $1 in
    -u | --url) connect_url=${2:?--url needs a value}; shift 2 ;;
    -f | --file) config_file=${2:?--file needs a value}; shift 2 ;;
    -n | --name) name=${2:?--name needs a value}; shift 2 ;;
    -t | --timeout) timeout_s=${2:?--timeout needs a value}; shift 2 ;;
    -i | --interval) interval_s=${2:?--interval needs a value}; shift 2 ;;
    --force) force=true; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; die 2 "unknown option '$1'." ;;
    *)
      [[ -z $config_file ]] || die 2 "only one config file may be given."
      config_file=$1
      shift
      ;;
  esac
done

config_file=${config_file:-"$(dirname "${BASH_SOURCE[0]}")/outbox-source.json"}
connect_url=${connect_url%/}
[[ $timeout_s =~ ^[0-9]+$ ]] || die 2 "--timeout must be whole seconds, got '$timeout_s'."
[[ $interval_s =~ ^[0-9]+([.][0-9]+)?$ ]] || die 2 "--interval must be a number of seconds, got '$interval_s'."
[[ -r $config_file ]] || die 2 "cannot read config file '$config_file'."
jq -e 'type == "object" and all(.[]; type == "string")' "$config_file" >/dev/null 2>&1 \
  || die 2 "'$config_file' must be a flat JSON object of string values (the body of PUT /connectors/{name}/config)."

name=${name:-$(jq -r '.name // empty' "$config_file")}
[[ -n $name ]] || die 2 "no connector name: give --name or a \"name\" member in '$config_file'."

# Safety checks: each names a way the config can lose events or leak the database password.
problems=$(jq -r '
  (to_entries[]
    | select(.key | test("^connection\\.(url|user|password)$"))
    | select(.value | test("^\\$\\{[^}]+\\}$") | not)
    | "\(.key) is a literal value: credentials belong in the worker (config provider placeholders such as ${env:ORDERS_DB_PASSWORD}); a literal is stored in the config topic and shown by GET /connectors/{name}/config."),
  (select((.mode // "") | test("incrementing"))
    | select((.query // "") | test("pg_snapshot_xmin") | not)
    | "mode=\(.mode) without the pg_snapshot_xmin filter skips, forever and silently, an outbox row whose transaction commits after a row with a larger \(.["incrementing.column.name"] // "incrementing column") was published.")
' "$config_file")
if [[ $(basename "$config_file") == *seed-unsafe* ]]; then
  problems=$'the file is marked seed-unsafe: it is the seed\'s original configuration, kept for reference only.\n'"$problems"
fi
if [[ -n $problems ]]; then
  while IFS= read -r problem; do
    [[ -z $problem ]] || printf 'register-connector: unsafe config: %s\n' "$problem" >&2
  done <<<"$problems"
  if [[ $force != true ]]; then
    die 2 "refusing to register '$config_file' (use --force to register it anyway)."
  fi
  printf 'register-connector: --force given, registering it anyway.\n' >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Connect rejects a body whose "name" differs from the URL's, so the body always carries the name being registered.
jq --arg name "$name" '.name = $name' "$config_file" >"$work/body.json"
encoded_name=$(jq -rn --arg name "$name" '$name | @uri')

now_ms() {
  local micros=${EPOCHREALTIME/[.,]/}
  echo $((micros / 1000))
}
deadline_ms=$(($(now_ms) + timeout_s * 1000))

# request METHOD PATH [curl args...]: sets status (HTTP code, or 000 when Connect could not be reached) and body.
status=
body=
request() {
  local method=$1 path=$2
  shift 2
  status=$(curl -sS -o "$work/response" -w '%{http_code}' --connect-timeout 5 --max-time 30 \
    -X "$method" -H 'Accept: application/json' "$@" "$connect_url$path" 2>"$work/curl-error") || status=000
  body=$(cat "$work/response" 2>/dev/null || true)
  : >"$work/response"
}

echo "register-connector: PUT $connect_url/connectors/$encoded_name/config (from $config_file)"
while :; do
  request PUT "/connectors/$encoded_name/config" -H 'Content-Type: application/json' --data-binary "@$work/body.json"
  case $status in
    200) echo "register-connector: updated existing connector '$name'."; break ;;
    201) echo "register-connector: created connector '$name'."; break ;;
    000) die 3 "cannot reach Kafka Connect at $connect_url: $(cat "$work/curl-error")" ;;
    409)
      # A worker that is joining or rebalancing answers 409 until it has caught up with the config topic.
      (($(now_ms) < deadline_ms)) || die 4 "Connect kept answering 409 (rebalancing) for ${timeout_s}s: $body"
      echo "register-connector: Connect is rebalancing (409), retrying." >&2
      sleep "$interval_s"
      ;;
    *) die 3 "PUT config failed with HTTP $status: $body" ;;
  esac
done

print_traces() {
  jq -r '
    (.connector | select(.state == "FAILED") | "connector on \(.worker_id // "?"):\n\(.trace // "(no trace)")"),
    (.tasks[]? | select(.state == "FAILED") | "task \(.id) on \(.worker_id // "?"):\n\(.trace // "(no trace)")")
  ' <<<"$1" >&2
}

last_summary=
while :; do
  request GET "/connectors/$encoded_name/status"
  case $status in
    200)
      # One jq run per poll: the verdict, then a one-line summary of the states.
      {
        IFS= read -r verdict
        IFS= read -r summary
      } < <(jq -r '
        [.connector.state, .tasks[]?.state] as $states
        | if any($states[]; . == "FAILED") then "failed"
          elif any($states[]; . == "PAUSED" or . == "STOPPED") then "halted"
          elif .connector.state == "RUNNING" and (.tasks | length > 0) and all(.tasks[]; .state == "RUNNING") then "running"
          else "waiting" end,
          "connector \(.connector.state), tasks: \([.tasks[]? | "\(.id)=\(.state)"] | if length == 0 then "none yet" else join(" ") end)"
      ' <<<"$body")
      if [[ $summary != "$last_summary" ]]; then
        echo "register-connector: $summary"
        last_summary=$summary
      fi
      case $verdict in
        failed)
          jq . <<<"$body"
          print_traces "$body"
          die 1 "connector '$name' FAILED (traces above)."
          ;;
        halted)
          jq . <<<"$body"
          die 1 "connector '$name' is paused or stopped; resume it with PUT $connect_url/connectors/$encoded_name/resume."
          ;;
        running)
          jq . <<<"$body"
          echo "register-connector: connector '$name' and all its tasks are RUNNING."
          exit 0
          ;;
      esac
      ;;
    404) ;; # the status record is written shortly after the config: not there yet
    000) echo "register-connector: cannot reach $connect_url, retrying: $(cat "$work/curl-error")" >&2 ;;
    5??) echo "register-connector: status answered HTTP $status, retrying: $body" >&2 ;;
    *) die 3 "GET status failed with HTTP $status: $body" ;;
  esac
  if (($(now_ms) >= deadline_ms)); then
    [[ -z $body ]] || jq . <<<"$body" 2>/dev/null || printf '%s\n' "$body"
    die 4 "connector '$name' was not RUNNING within ${timeout_s}s (last: ${last_summary:-no status})."
  fi
  sleep "$interval_s"
done
