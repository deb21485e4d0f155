#!/usr/bin/env bash
# Validates ops/compose/docker-compose.yml (the whole Orders stack: PostgreSQL tables orders/outbox, Kafka topic
# microshop.order-outbox) against .env.example, for both publishers (profile connect and profile relay). Needs no
# Docker engine: Compose only parses, interpolates and schema-checks the file. Uses `docker compose` (v2) when the
# plugin is there, else Debian's docker-compose (apt-get install docker-compose).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "validate.sh: needs 'docker compose' or 'docker-compose' (apt-get install docker-compose)." >&2
  exit 2
fi

for profile in connect relay; do
  "${compose[@]}" -f "$here/docker-compose.yml" --env-file "$here/.env.example" --profile "$profile" config -q
  echo "validate.sh: docker-compose.yml is valid with profile $profile."
done
