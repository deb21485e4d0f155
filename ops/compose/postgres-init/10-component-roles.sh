#!/usr/bin/env bash
# PostgreSQL first-start init (runs only on an empty data volume, as the image's superuser, which nothing else uses):
# one login per component of the Orders stack, each with only what it needs in database orders.
#   orders_api         creates and owns its tables in public (orders, outbox, idempotency_keys) with its migrations
#   orders_processor   owns schema fulfilment (saga, timeouts, Quartz); nothing in public
#   orders_relay       reads public.outbox; writes only its position, in a schema of its own (orders_relay)
#   orders_connect     Kafka Connect's JDBC source: reads public.outbox, nothing else
#   orders_operations  reads the API's tables and fulfilment, repairs fulfilment rows (a re-driven order's restored
#                      timeout and a retried dead timeout are inserted; saga rows updated, dead timeouts deleted)
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=db="$POSTGRES_DB" \
  --set=api_password="$API_DB_PASSWORD" \
  --set=processor_password="$PROCESSOR_DB_PASSWORD" \
  --set=relay_password="$RELAY_DB_PASSWORD" \
  --set=connect_password="$CONNECT_DB_PASSWORD" \
  --set=operations_password="$OPERATIONS_DB_PASSWORD" <<'SQL'
CREATE ROLE orders_api LOGIN PASSWORD :'api_password';
CREATE ROLE orders_processor LOGIN PASSWORD :'processor_password';
CREATE ROLE orders_relay LOGIN PASSWORD :'relay_password';
CREATE ROLE orders_connect LOGIN PASSWORD :'connect_password';
CREATE ROLE orders_operations LOGIN PASSWORD :'operations_password';

REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO orders_api, orders_processor, orders_relay, orders_connect, orders_operations;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO orders_api, orders_relay, orders_connect, orders_operations;
GRANT CREATE ON SCHEMA public TO orders_api;

-- The processor's migrations run CREATE SCHEMA IF NOT EXISTS fulfilment, which PostgreSQL checks against CREATE on
-- the database even when the schema exists.
CREATE SCHEMA fulfilment AUTHORIZATION orders_processor;
GRANT CREATE ON DATABASE :"db" TO orders_processor;
GRANT USAGE ON SCHEMA fulfilment TO orders_operations;

-- The relay creates outbox_relay_position on first start; "$user" comes first in the search path, so it lands here.
CREATE SCHEMA orders_relay AUTHORIZATION orders_relay;

ALTER DEFAULT PRIVILEGES FOR ROLE orders_api IN SCHEMA public GRANT SELECT ON TABLES TO orders_operations;
ALTER DEFAULT PRIVILEGES FOR ROLE orders_processor IN SCHEMA fulfilment
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orders_operations;

-- outbox does not exist yet (the API's first migration creates it); when it is created, the publishers get SELECT on
-- it and on nothing else. Default privileges cannot name one table, so an event trigger does.
CREATE FUNCTION grant_outbox_to_publishers() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()
             WHERE object_type = 'table' AND object_identity = 'public.outbox') THEN
    GRANT SELECT ON public.outbox TO orders_relay, orders_connect;
  END IF;
END $$;
CREATE EVENT TRIGGER grant_outbox_to_publishers ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
  EXECUTE FUNCTION grant_outbox_to_publishers();
SQL
