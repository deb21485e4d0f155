#!/usr/bin/env bash
# PostgreSQL first-start init (runs only on an empty data volume, as the image's superuser, which nothing else uses):
# the component logins of ops/database/component-roles.sql, mounted at /orders/component-roles.sql, with the
# passwords of ops/compose/.env (ORDERS_ROLES_SCRIPT names another copy of the script, as the tests do).
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=db="$POSTGRES_DB" \
  --set=owner_password="$MIGRATIONS_DB_PASSWORD" \
  --set=api_password="$API_DB_PASSWORD" \
  --set=processor_password="$PROCESSOR_DB_PASSWORD" \
  --set=relay_password="$RELAY_DB_PASSWORD" \
  --set=connect_password="$CONNECT_DB_PASSWORD" \
  --set=operations_password="$OPERATIONS_DB_PASSWORD" \
  --file="${ORDERS_ROLES_SCRIPT:-/orders/component-roles.sql}"
