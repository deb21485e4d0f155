-- The logins of the Orders stack in one database, each with only what it needs. Run by a superuser with psql, the same
-- way everywhere: by ops/compose's first-start init, and by Orders.SystemHost (local run, tests, benchmark) for every
-- database it creates. Running it again changes nothing but the passwords.
--
--   orders_owner       owns the schema: runs the API's and the processor's migrations, and nothing else
--   orders_api         reads and writes the rows of the API's tables in public (orders, outbox, idempotency_keys)
--   orders_processor   reads and writes the rows of schema fulfilment (saga, history, timeouts, Quartz); nothing in public
--   orders_relay       reads public.outbox; writes only its position, in a schema of its own (orders_relay)
--   orders_connect     Kafka Connect's JDBC source: reads public.outbox, nothing else
--   orders_operations  reads the API's tables and fulfilment, repairs fulfilment rows (a re-driven order's restored
--                      timeout and a retried dead timeout are inserted; saga rows updated, dead timeouts deleted)
--
-- Variables (psql -v): db, and owner_password, api_password, processor_password, relay_password, connect_password,
-- operations_password.
\set ON_ERROR_STOP on

-- Roles belong to the cluster, so a second database of the same cluster finds them made.
SELECT format('CREATE ROLE %I LOGIN', role)
FROM unnest(ARRAY['orders_owner', 'orders_api', 'orders_processor', 'orders_relay', 'orders_connect', 'orders_operations']) AS role
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role) \gexec
ALTER ROLE orders_owner PASSWORD :'owner_password';
ALTER ROLE orders_api PASSWORD :'api_password';
ALTER ROLE orders_processor PASSWORD :'processor_password';
ALTER ROLE orders_relay PASSWORD :'relay_password';
ALTER ROLE orders_connect PASSWORD :'connect_password';
ALTER ROLE orders_operations PASSWORD :'operations_password';

REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db"
  TO orders_owner, orders_api, orders_processor, orders_relay, orders_connect, orders_operations;
-- The processor's migrations run CREATE SCHEMA IF NOT EXISTS fulfilment, which PostgreSQL checks against CREATE on
-- the database even when the schema exists.
GRANT CREATE ON DATABASE :"db" TO orders_owner;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO orders_owner;
GRANT USAGE ON SCHEMA public TO orders_api, orders_relay, orders_connect, orders_operations;
CREATE SCHEMA IF NOT EXISTS fulfilment AUTHORIZATION orders_owner;
GRANT USAGE ON SCHEMA fulfilment TO orders_processor, orders_operations;
-- The relay creates outbox_relay_position on first start; "$user" comes first in the search path, so it lands here.
-- The operations page shows its position, and finds it by its search path.
CREATE SCHEMA IF NOT EXISTS orders_relay AUTHORIZATION orders_relay;
GRANT USAGE ON SCHEMA orders_relay TO orders_operations;
ALTER DEFAULT PRIVILEGES FOR ROLE orders_relay IN SCHEMA orders_relay GRANT SELECT ON TABLES TO orders_operations;
ALTER ROLE orders_operations IN DATABASE :"db" SET search_path = public, orders_relay;

-- What the owner's migrations create is granted as it is created.
ALTER DEFAULT PRIVILEGES FOR ROLE orders_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orders_api;
ALTER DEFAULT PRIVILEGES FOR ROLE orders_owner IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO orders_api;
ALTER DEFAULT PRIVILEGES FOR ROLE orders_owner IN SCHEMA public GRANT SELECT ON TABLES TO orders_operations;
ALTER DEFAULT PRIVILEGES FOR ROLE orders_owner IN SCHEMA fulfilment
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orders_processor, orders_operations;
ALTER DEFAULT PRIVILEGES FOR ROLE orders_owner IN SCHEMA fulfilment
  GRANT USAGE, SELECT ON SEQUENCES TO orders_processor, orders_operations;

-- The publishers read outbox and no other table; default privileges cannot name one table, so an event trigger grants
-- it when the API's first migration creates it (and this grants it if that happened before).
CREATE OR REPLACE FUNCTION public.grant_outbox_to_publishers() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()
             WHERE object_type = 'table' AND object_identity = 'public.outbox') THEN
    GRANT SELECT ON public.outbox TO orders_relay, orders_connect;
  END IF;
END $$;
DROP EVENT TRIGGER IF EXISTS grant_outbox_to_publishers;
CREATE EVENT TRIGGER grant_outbox_to_publishers ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
  EXECUTE FUNCTION public.grant_outbox_to_publishers();
SELECT 'GRANT SELECT ON public.outbox TO orders_relay, orders_connect'
WHERE to_regclass('public.outbox') IS NOT NULL \gexec
