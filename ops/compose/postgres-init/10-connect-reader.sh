#!/usr/bin/env bash
# PostgreSQL first-start init (runs only on an empty data volume): creates the read-only login that Kafka Connect uses
# to read table public.outbox for topic microshop.order-outbox, so the connector never holds the API's credentials.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=reader="$CONNECT_DB_USER" --set=reader_password="$CONNECT_DB_PASSWORD" \
  --set=owner="$POSTGRES_USER" --set=db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"reader" LOGIN PASSWORD :'reader_password';
GRANT CONNECT ON DATABASE :"db" TO :"reader";
GRANT USAGE ON SCHEMA public TO :"reader";
-- The API's migrations create outbox later, as the owner; read-only access follows whatever the owner creates in public.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT ON TABLES TO :"reader";
SQL
