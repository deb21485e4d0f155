\set user random(1, 100000)
BEGIN;
INSERT INTO orders (id, user_id, currency, lines, total, status, sequence, created_at, updated_at)
VALUES (gen_random_uuid(), :user, 'EUR', '[{"sku":"BOOK-1","quantity":2,"unitPrice":12.50}]', 25.00, 'Submitted', 1, now(), now());
INSERT INTO outbox (user_id, aggregate_id, type, payload)
VALUES (:user, gen_random_uuid(), 'OrderSubmitted', '{"orderId":"x","sequence":1}');
COMMIT;
