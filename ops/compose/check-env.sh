#!/usr/bin/env bash
# Refuses an ops/compose env file (default ops/compose/.env) that still holds .env.example's placeholders: every
# *_PASSWORD, *_SECRET and the identity provider settings must be set, and none may start with "change-me". Run it
# before `docker compose up`; the stack's services (PostgreSQL tables orders/outbox, Kafka topic
# microshop.order-outbox) would otherwise start with passwords anyone can read in the repository.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
file=${1:-$here/.env}
if [ ! -f "$file" ]; then
  echo "check-env.sh: $file does not exist; copy ops/compose/.env.example to it and set every secret." >&2
  exit 2
fi

refused=()
while IFS= read -r line; do
  [[ $line =~ ^[[:space:]]*# || ! $line =~ = ]] && continue
  name=${line%%=*}
  value=${line#*=}
  if [[ $name =~ (_PASSWORD|_SECRET|_AUTHORITY|_TOKEN_ENDPOINT)$ ]] && [[ -z $value || $value == change-me* ]]; then
    refused+=("$name")
  fi
done <"$file"

if ((${#refused[@]})); then
  echo "check-env.sh: $file still has empty or example values for: ${refused[*]}" >&2
  exit 1
fi
echo "check-env.sh: $file sets every secret."
