-- bench/console_seed.sql -- a real store's history for bench/console_bench.sh.
--
-- psql -v store=S -v members=N -v sales=M -v tz=Z -f bench/console_seed.sql   (Z: the store's zone)
--
-- Set-based (generate_series), on a freshly migrated database holding only
-- the store's row and its owner: members get ids 1..N and sales 1..M (the
-- sequences are moved past them at the end). Sales are spread over the last
-- 395 days, newer ids later, ~70% of them to a member (an earn row each, a
-- lot that expires a year on), 1% refunded by half; vouchers (half redeemed
-- on a sale), one promo claim per promo voucher, reservations for 30 days
-- back and 14 ahead, a notification + outbox row for the newest sales (sent
-- or dead: none pending, so setiad's push worker leaves them alone during
-- the bench), and dead letters.
\set ON_ERROR_STOP on
\timing on

BEGIN;

-- Members: "first last" from 24 x 24 Indonesian names, a phone and a code
-- unique to each, an email for two in three, a birthday for half.
INSERT INTO members (id, store_id, code, name, phone, email, birth_date, created_at)
SELECT i, :'store',
       'M' || lpad(i::text, 8, '0'),
       (ARRAY['Ayu','Budi','Citra','Dewi','Eka','Fajar','Gita','Hendra','Indah','Joko','Kartika','Lestari',
              'Made','Nur','Ocha','Putri','Rizky','Sari','Tono','Utami','Wahyu','Yanti','Yusuf','Zainal'])[1 + i % 24]
       || ' ' ||
       (ARRAY['Santoso','Wijaya','Saputra','Hidayat','Kurniawan','Pratama','Lestari','Nugroho','Siregar','Halim',
              'Gunawan','Setiawan','Wulandari','Permana','Susanto','Rahman','Hasan','Sihombing','Tanjung','Putra',
              'Harahap','Simanjuntak','Anggraini','Firmansyah'])[1 + (i / 24) % 24],
       '08' || (1200000000 + i)::text,
       CASE WHEN i % 3 <> 0 THEN 'member' || i || '@example.com' END,
       CASE WHEN i % 2 = 0 THEN date '1970-01-01' + (i * 37) % 12000 END,
       now() - interval '420 days' + (interval '420 days' * i / :members)
  FROM generate_series(1, :members) AS i;
SELECT setval(pg_get_serial_sequence('members', 'id'), :members);

-- Sales: one every 395 days / M, a subtotal of Rp 15.000 to 150.000.
INSERT INTO sales (id, store_id, event_id, receipt_no, occurred_at, member_id, member_code, cashier, table_no,
                   service, subtotal, total, paid, change, payment_method, points_earned, recorded_at)
SELECT i, :'store', 'seed-' || i, 'R' || lpad(i::text, 9, '0'), t,
       m, CASE WHEN m IS NOT NULL THEN 'M' || lpad(m::text, 8, '0') END,
       (ARRAY['Rina','Dodi','Wati'])[1 + i % 3], (1 + i % 12)::text,
       CASE WHEN i % 4 = 0 THEN 'take_away' ELSE 'dine_in' END,
       amt, amt, amt + (1000 - amt % 1000) % 1000, (1000 - amt % 1000) % 1000,
       (ARRAY['cash','qris','debit'])[1 + i % 3],
       CASE WHEN m IS NOT NULL THEN least(amt / 1000, 500) ELSE 0 END, t
  FROM (SELECT i,
               now() - interval '395 days' + (interval '395 days' * i / :sales) AS t,
               CASE WHEN i % 10 < 7 THEN 1 + (i::bigint * 7919) % :members END AS m,
               15000 + ((i::bigint * 104729) % 136)::int * 1000 AS amt
          FROM generate_series(1, :sales) AS i) s;
SELECT setval(pg_get_serial_sequence('sales', 'id'), :sales);

-- Lines: 1 to 3 of five products per sale; the first carries the remainder
-- so the lines add up to the subtotal.
INSERT INTO sale_lines (store_id, sale_id, line_no, sku, name, qty, unit_price, category, amount)
SELECT s.store_id, s.id, n, p.sku, p.name, 1, a, p.category, a
  FROM sales s
 CROSS JOIN LATERAL generate_series(1, 1 + (s.id % 3)::int) AS n
 CROSS JOIN LATERAL (SELECT CASE WHEN n = 1 THEN s.subtotal - (s.id % 3) * 5000 ELSE 5000 END AS a) x
 CROSS JOIN LATERAL (SELECT (ARRAY['KS-01','KL-02','NC-01','TM-01','RB-01'])[1 + ((s.id + n) % 5)::int] AS sku,
                            (ARRAY['Kopi Susu','Kopi Latte','Nasi Cakalang','Teh Manis','Roti Bakar'])[1 + ((s.id + n) % 5)::int] AS name,
                            (ARRAY['coffee','coffee','food','tea','food'])[1 + ((s.id + n) % 5)::int] AS category) p;

-- Earn rows: one lot per member's sale, expiring a year after it.
INSERT INTO points_ledger (member_id, store_id, kind, points, sale_id, event_id, ruleset_version, rule_ids,
                           expires_at, created_at, remaining)
SELECT member_id, store_id, 'earn', points_earned, id, event_id, 'bench', '{points}',
       occurred_at + interval '365 days', occurred_at, points_earned
  FROM sales WHERE member_id IS NOT NULL AND points_earned > 0;

-- Refunds: 1% of the sales, half their total, an hour later.
INSERT INTO refunds (store_id, event_id, sale_id, amount, reason, occurred_at, recorded_at)
SELECT store_id, 'refund-' || id, id, total / 2, 'salah pesan', occurred_at + interval '1 hour',
       occurred_at + interval '1 hour'
  FROM sales WHERE id % 100 = 42;
UPDATE sales s SET refunded = r.amount FROM refunds r WHERE r.sale_id = s.id;

-- Vouchers: one per 50 sales (those to a member), Rp 10.000 off; half redeemed on
-- that sale, the others still active. Promo ones get their claim.
INSERT INTO vouchers (code, store_id, member_id, title, kind, amount_off, min_spend, valid_from, valid_until,
                      status, source, source_id, redeemed_sale_id, redeemed_at, discount, created_at)
SELECT 'V-' || substr(c, 1, 4) || '-' || substr(c, 5, 4) || '-' || substr(c, 9, 4),
       s.store_id, s.member_id, 'Diskon Rp 10.000', 'amount_off', 10000, 20000,
       s.occurred_at - interval '7 days', s.occurred_at + interval '30 days',
       CASE WHEN s.id % 100 < 50 THEN 'redeemed' ELSE 'active' END,
       CASE WHEN s.id % 3 = 0 THEN 'promo' ELSE 'reward' END,
       CASE WHEN s.id % 3 = 0 THEN 'welcome' END,
       CASE WHEN s.id % 100 < 50 THEN s.id END,
       CASE WHEN s.id % 100 < 50 THEN s.occurred_at END,
       CASE WHEN s.id % 100 < 50 THEN 10000 END,
       s.occurred_at - interval '7 days'
  FROM sales s
 CROSS JOIN LATERAL (SELECT upper(lpad(to_hex(s.id * 2654435761 % 281474976710656), 12, '0')) AS c) h
 WHERE s.member_id IS NOT NULL AND s.id % 50 = 3;
INSERT INTO promo_claims (store_id, promo_id, member_id, voucher_id, claimed_at)
SELECT store_id, source_id, member_id, id, created_at FROM vouchers WHERE source = 'promo';
INSERT INTO promo_counters (store_id, promo_id, claimed)
SELECT store_id, promo_id, count(*) FROM promo_claims GROUP BY 1, 2;

-- Reservations: 30 a day from 30 days back to 14 ahead, one in five a
-- guest's, one in ten cancelled.
INSERT INTO reservations (store_id, member_id, guest_name, guest_phone, party, starts_at, ends_at, local_date,
                          local_time, status, created_at, updated_at)
SELECT :'store', CASE WHEN k % 5 <> 0 THEN 1 + (d * 31 + k * 977) % :members END,
       CASE WHEN k % 5 = 0 THEN 'Tamu ' || k END, CASE WHEN k % 5 = 0 THEN '0813' || lpad(k::text, 8, '0') END,
       2 + k % 5, st, st + interval '90 minutes', (st AT TIME ZONE :'tz')::date,
       to_char(st AT TIME ZONE :'tz', 'HH24:MI'),
       CASE WHEN k % 10 = 0 THEN 'cancelled' WHEN k % 2 = 0 THEN 'confirmed' ELSE 'pending' END,
       st - interval '2 days', st - interval '2 days'
  FROM generate_series(-30, 14) AS d, generate_series(1, 30) AS k
 CROSS JOIN LATERAL (SELECT (date_trunc('day', now() AT TIME ZONE :'tz') + d * interval '1 day'
                             + interval '10 hours' + (k % 12) * interval '1 hour') AT TIME ZONE :'tz' AS st) x;

-- Pushes: a notification and an outbox row for each of the newest 100,000
-- member sales; 2% dead, the others sent.
INSERT INTO notifications (id, store_id, member_id, kind, data, dedupe_key, created_at)
SELECT s.id, s.store_id, s.member_id, 'sale_points',
       jsonb_build_object('sale_id', s.id, 'receipt_no', s.receipt_no, 'points', s.points_earned, 'balance', 0),
       'sale:' || s.id, s.occurred_at
  FROM sales s WHERE s.member_id IS NOT NULL ORDER BY s.id DESC LIMIT 100000;
SELECT setval(pg_get_serial_sequence('notifications', 'id'), (SELECT max(id) FROM sales));
INSERT INTO outbox (store_id, notification_id, device_token, status, attempts, next_attempt_at, last_error,
                    created_at, sent_at)
SELECT n.store_id, n.id, 'bench-device-' || n.member_id,
       CASE WHEN n.id % 50 = 0 THEN 'dead' ELSE 'sent' END,
       CASE WHEN n.id % 50 = 0 THEN 8 ELSE 1 END, n.created_at,
       CASE WHEN n.id % 50 = 0 THEN 'UNREGISTERED' END, n.created_at,
       CASE WHEN n.id % 50 <> 0 THEN n.created_at + interval '2 seconds' END
  FROM notifications n;

-- Dead letters: 2,000 rejected POS messages over the year.
INSERT INTO dead_letters (store_id, event_id, topic, reason, detail, payload, received_at, admins_told_at)
SELECT :'store', 'bad-' || i, 'setia/' || :'store' || '/pos/sale', 'invalid_payload', 'total is not a number',
       convert_to('{"event_id":"bad-' || i || '","total":"abc"}', 'UTF8'),
       now() - interval '395 days' * i / 2000, now()
  FROM generate_series(1, 2000) AS i;

-- Lots past their expiry as the points-expiry job leaves them, each on the
-- day it expired: an 'expire' row at its expires_at, nothing remaining.
-- Without this setiad's first run expired the oldest month of lots at
-- once (~55,000 rows dated today), a backlog no running store has.
WITH due AS (UPDATE points_ledger SET remaining = 0
              WHERE kind = 'earn' AND remaining > 0 AND expires_at <= now()
             RETURNING id, member_id, store_id, points, expires_at)
INSERT INTO points_ledger (member_id, store_id, kind, points, lot_id, created_at)
SELECT member_id, store_id, 'expire', -points, id, expires_at FROM due;

-- Balances: each member's unspent lots.
UPDATE members m SET points = l.p
  FROM (SELECT member_id, sum(remaining) AS p FROM points_ledger GROUP BY member_id) l
 WHERE l.member_id = m.id;

COMMIT;
