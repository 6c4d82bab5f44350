-- pgbench script: setiad's own per-sale SQL, the baseline for the end-to-end
-- sale benchmark (bench/README.md). One transaction = the one statement
-- setiad runs in autocommit for each sale (adapters/postgres/pg_pos_ledger.cpp):
-- claim the event, record the sale and its lines, credit the member, write
-- the ledger row and the result.
--
-- Each transaction makes its own event id (gen_random_uuid) and receipt, so
-- every call takes the full path of a new sale, never the duplicate one.
-- The member must be a real member of store bench-pg, so that the member
-- path (row lock, UPDATE members, ledger INSERT) runs as in setiad's sales:
--
--   pgbench -n -M simple -c 1 -j 1 -t N -D member=CODE -f bench/apply_sale.pgbench.sql ...
--
-- -M simple is required as written: pgbench substitutes :member as text,
-- inside the quotes below; the extended modes would turn it into a $1 inside
-- a string literal. bench/run.sh replaces ':member' with an expression and
-- runs it -M prepared, as setiad sends it. The basket is a typical one of sale_bench (3 lines, Rp 61.000);
-- the points (61: Rp 1.000 = 1 point), rule ids and the lot's expiry (a
-- year on) are what the daemon computes from the shipped rules. p_raw_hex
-- is only read on a receipt conflict, so it is left empty.
SELECT setia_apply_sale(
  'bench-pg', e,
  '{"schema":"setia.pos.sale/1","store_id":"bench-pg","occurred_at":"2026-01-15T10:00:00+07:00","cashier":"kasir-1","service":"dine_in","table":"4","items":[{"sku":"KS-01","name":"Kopi Susu Gula Aren","qty":2,"unit_price":18000,"category":"drink"},{"sku":"NC-01","name":"Nasi Cakalang","qty":1,"unit_price":13000,"category":"food"},{"sku":"PG-01","name":"Pisang Goreng","qty":1,"unit_price":12000,"category":"snack"}],"subtotal":61000,"discount":0,"service_charge":0,"tax":0,"total":61000,"payment_method":"qris"}'::jsonb
    || jsonb_build_object('event_id', e, 'receipt_no', 'PG-' || e, 'member', ':member'),
  61, 'bench', '{base}', now() + interval '365 days', 'bench/bench-pg/pos/sale', '')::text
FROM (SELECT gen_random_uuid()::text AS e) AS new_event;
