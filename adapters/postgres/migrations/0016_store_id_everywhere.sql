-- Every row carries its store (issue 13, point 8): the seven tables that
-- reached theirs only through a parent row get a store_id column of their
-- own, filled from that parent, and every function that writes or reads
-- them names it. Sharded by store_id (docs/operations.md, "Distributing by
-- store"), each statement then goes to the one shard of its store.
-- tests/integration/store_id_test.cpp fails on a table without one.
--
-- On a populated database this rewrites the seven tables once (sale_lines
-- is the big one: one row per item sold) inside the migration's
-- transaction; setiad is stopped during it (docs/operations.md, Upgrades).
-- No key, index or foreign key changes: the composite key a child's
-- foreign key (store_id, parent id) needs on its parent would be one more
-- index on sales, members, notifications or points_ledger, which every
-- sale inserts into or updates; what would change under Citus is listed in
-- docs/operations.md.

ALTER TABLE sale_lines ADD COLUMN store_id text;
ALTER TABLE sale_vouchers ADD COLUMN store_id text;
ALTER TABLE devices ADD COLUMN store_id text;
ALTER TABLE outbox ADD COLUMN store_id text;
ALTER TABLE member_credentials ADD COLUMN store_id text;
ALTER TABLE points_expiry_reminders ADD COLUMN store_id text;
ALTER TABLE login_failures ADD COLUMN store_id text;

-- The parent of each row: its foreign key is NOT NULL, so each row finds one.
UPDATE sale_lines l SET store_id = s.store_id FROM sales s WHERE s.id = l.sale_id;
UPDATE sale_vouchers v SET store_id = s.store_id FROM sales s WHERE s.id = v.sale_id;
UPDATE devices d SET store_id = m.store_id FROM members m WHERE m.id = d.member_id;
UPDATE member_credentials c SET store_id = m.store_id FROM members m WHERE m.id = c.member_id;
UPDATE outbox o SET store_id = n.store_id FROM notifications n WHERE n.id = o.notification_id;
-- A reminder is about a lot, and a lot is its member's store's.
UPDATE points_expiry_reminders r SET store_id = l.store_id FROM points_ledger l WHERE l.id = r.lot_id;

-- A login failure has no parent row: its account (core/services/auth.cpp)
-- is "<login>|<store>" for a login, the store being '*' when the login
-- named none (the app may not say which store: every store's members are
-- tried), or "password-change|member:<id>" for a wrong current password,
-- which is that member's store. '*' stays the store of a login that named
-- none: a value like any other to shard by, and never a store's id
-- (stores.store_id is [a-z0-9][a-z0-9-]*). Rows only live for
-- rest.login_failure_window_s, so '*' is also what an account of another
-- shape (none is written) gets.
UPDATE login_failures f
   SET store_id = coalesce(
         CASE WHEN f.account ~ '^password-change\|member:[0-9]{1,18}$'
              THEN (SELECT m.store_id FROM members m
                     WHERE m.id = substring(f.account FROM 'member:([0-9]+)$')::bigint)
              ELSE nullif(substring(f.account FROM '\|([^|]*)$'), '') END,
         '*');

ALTER TABLE sale_lines ALTER COLUMN store_id SET NOT NULL;
ALTER TABLE sale_vouchers ALTER COLUMN store_id SET NOT NULL;
ALTER TABLE devices ALTER COLUMN store_id SET NOT NULL;
ALTER TABLE outbox ALTER COLUMN store_id SET NOT NULL;
ALTER TABLE member_credentials ALTER COLUMN store_id SET NOT NULL;
ALTER TABLE points_expiry_reminders ALTER COLUMN store_id SET NOT NULL;
ALTER TABLE login_failures ALTER COLUMN store_id SET NOT NULL;

-- The functions below are those of the migration named above each, with
-- store_id written and named; their comments there say what they do.

-- 0002_outbox.sql: the member's devices of the notification's store.
CREATE OR REPLACE FUNCTION setia_notify_member(p_store text, p_member bigint, p_kind text, p_data jsonb, p_dedupe text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint;
BEGIN
  INSERT INTO notifications (store_id, member_id, kind, data, dedupe_key)
  VALUES (p_store, p_member, p_kind, p_data, p_dedupe)
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id INTO v_id;
  IF v_id IS NOT NULL THEN
    INSERT INTO outbox (store_id, notification_id, device_token)
    SELECT p_store, v_id, token FROM devices WHERE store_id = p_store AND member_id = p_member;
  END IF;
  RETURN v_id;
END;
$$;

-- 0002_outbox.sql. The one claim of every store's due rows: the
-- dispatcher serves them all (docs/operations.md says what it would be
-- under Citus); the joins to the notification and the member name the row's store.
CREATE OR REPLACE FUNCTION setia_outbox_claim(p_limit int, p_lease_s int)
RETURNS TABLE (id bigint, notification_id bigint, device_token text, fcm_topic text, attempts int,
               store_id text, kind text, data jsonb, lang text, member_name text)
LANGUAGE sql AS $$
  WITH due AS (
    SELECT o.store_id, o.id FROM outbox o
     WHERE o.status = 'pending' AND o.next_attempt_at <= now()
     ORDER BY o.next_attempt_at, o.id
     LIMIT p_limit
     FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE outbox o SET attempts = o.attempts + 1,
                        next_attempt_at = now() + make_interval(secs => p_lease_s)
      FROM due WHERE o.store_id = due.store_id AND o.id = due.id
    RETURNING o.id, o.notification_id, o.device_token, o.fcm_topic, o.attempts, o.store_id
  )
  SELECT c.id, c.notification_id, c.device_token, c.fcm_topic, c.attempts, c.store_id, n.kind, n.data,
         coalesce(m.lang, 'id'), m.name
    FROM claimed c JOIN notifications n ON n.store_id = c.store_id AND n.id = c.notification_id
    LEFT JOIN members m ON m.store_id = n.store_id AND m.id = n.member_id
   ORDER BY c.id;
$$;

-- 0003_vouchers.sql: each code the sale carried, as a row of the sale's store.
CREATE OR REPLACE FUNCTION setia_redeem_vouchers(p_store text, p_sale_id bigint, p_member bigint, p_sale jsonb,
                                                 p_at timestamptz)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_code    text;
  v         vouchers%ROWTYPE;
  v_reason  text;
  v_off     bigint;
  v_out     jsonb := '[]';
BEGIN
  FOR v_code IN SELECT DISTINCT c FROM jsonb_array_elements_text(coalesce(p_sale->'vouchers', '[]')) AS c LOOP
    v := NULL;
    -- By the code alone: a code of another store is answered 'other_store'
    -- (docs/pos-contract.md), which a lookup in this store only could not tell.
    SELECT * INTO v FROM vouchers WHERE code = setia_normalize_voucher_code(v_code) FOR UPDATE;
    v_reason := setia_voucher_refusal(v, p_store, p_member, p_sale, p_at);
    IF v_reason IS NULL THEN
      v_off := setia_voucher_discount(v, p_sale);
      UPDATE vouchers SET status = 'redeemed', redeemed_sale_id = p_sale_id, redeemed_at = now(), discount = v_off
       WHERE store_id = p_store AND id = v.id;  -- v.store_id is p_store: no refusal
      INSERT INTO sale_vouchers (store_id, sale_id, code, redeemed, discount)
      VALUES (p_store, p_sale_id, v.code, true, v_off);
      v_out := v_out || jsonb_build_object('code', v.code, 'redeemed', true, 'discount', v_off, 'title', v.title);
    ELSE
      INSERT INTO sale_vouchers (store_id, sale_id, code, redeemed, reason)
      VALUES (p_store, p_sale_id, coalesce(v.code, v_code), false, v_reason)
      ON CONFLICT DO NOTHING;
      v_out := v_out || jsonb_build_object('code', coalesce(v.code, v_code), 'redeemed', false, 'reason', v_reason);
    END IF;
  END LOOP;
  RETURN v_out;
END;
$$;

-- 0013_sale_statement.sql (the hot path). Two changes: the lines' store_id
-- is p_store, and the member's row is updated by store and id (the member
-- was found in p_store just before: the same row, through the same primary
-- key). No lookup and no round trip more.
CREATE OR REPLACE FUNCTION setia_apply_sale(
  p_store text, p_event_id text, p_sale jsonb, p_points bigint, p_ruleset text,
  p_rule_ids text[], p_expires_at timestamptz, p_topic text, p_raw_hex text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_result    jsonb;
  v_member_id bigint;
  v_code      text := p_sale->>'member';
  v_sale_id   bigint;
  v_balance   bigint;
  v_earned    bigint := 0;
  v_occurred  timestamptz := (p_sale->>'occurred_at')::timestamptz;
BEGIN
  SELECT result INTO v_result FROM events WHERE store_id = p_store AND event_id = p_event_id;
  IF FOUND THEN
    RETURN v_result || '{"duplicate": true}';
  END IF;

  IF v_code IS NOT NULL THEN
    SELECT id INTO v_member_id FROM members WHERE store_id = p_store AND code = v_code;
  END IF;
  IF v_member_id IS NOT NULL THEN
    v_earned := p_points;
  END IF;

  INSERT INTO sales (store_id, event_id, receipt_no, occurred_at, member_id, member_code, customer_name,
                     cashier, table_no, service, subtotal, discount, service_charge, tax, total, paid,
                     change, payment_method, vouchers, points_earned)
  VALUES (p_store, p_event_id, p_sale->>'receipt_no', v_occurred, v_member_id, v_code,
          p_sale->>'customer_name', p_sale->>'cashier', p_sale->>'table', p_sale->>'service',
          (p_sale->>'subtotal')::bigint, coalesce((p_sale->>'discount')::bigint, 0),
          coalesce((p_sale->>'service_charge')::bigint, 0), coalesce((p_sale->>'tax')::bigint, 0),
          (p_sale->>'total')::bigint, (p_sale->>'paid')::bigint, (p_sale->>'change')::bigint,
          p_sale->>'payment_method',
          coalesce(ARRAY(SELECT jsonb_array_elements_text(p_sale->'vouchers')), '{}'), v_earned)
  ON CONFLICT DO NOTHING
  RETURNING id INTO v_sale_id;

  IF v_sale_id IS NULL THEN
    SELECT result INTO v_result FROM events WHERE store_id = p_store AND event_id = p_event_id;
    IF FOUND THEN
      RETURN v_result || '{"duplicate": true}';
    END IF;
    v_result := jsonb_build_object(
      'schema', 'setia.pos.result/1', 'event_id', p_event_id, 'store_id', p_store,
      'receipt_no', p_sale->>'receipt_no', 'status', 'rejected', 'reason', 'receipt_conflict',
      'detail', format('receipt %s is already recorded under another event_id', p_sale->>'receipt_no'),
      'duplicate', false);
    INSERT INTO events (store_id, event_id, kind, status, reason, result)
    VALUES (p_store, p_event_id, 'sale', 'rejected', 'receipt_conflict', v_result)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'event % of store % was claimed meanwhile', p_event_id, p_store
        USING ERRCODE = 'serialization_failure';
    END IF;
    INSERT INTO dead_letters (store_id, event_id, topic, reason, detail, payload)
    VALUES (p_store, p_event_id, p_topic, 'receipt_conflict', v_result->>'detail', decode(p_raw_hex, 'hex'));
    RETURN v_result;
  END IF;

  INSERT INTO sale_lines (store_id, sale_id, line_no, sku, name, qty, unit_price, category, amount)
  SELECT p_store, v_sale_id, t.n, t.item->>'sku', coalesce(t.item->>'name', t.item->>'sku'),
         (t.item->>'qty')::bigint, (t.item->>'unit_price')::bigint, t.item->>'category',
         (t.item->>'qty')::bigint * (t.item->>'unit_price')::bigint
    FROM jsonb_array_elements(p_sale->'items') WITH ORDINALITY AS t(item, n);

  IF v_member_id IS NOT NULL THEN
    UPDATE members SET points = points + v_earned WHERE store_id = p_store AND id = v_member_id
    RETURNING points INTO v_balance;
    IF v_earned > 0 THEN
      INSERT INTO points_ledger (member_id, store_id, kind, points, sale_id, event_id, ruleset_version,
                                 rule_ids, expires_at, remaining)
      VALUES (v_member_id, p_store, 'earn', v_earned, v_sale_id, p_event_id, p_ruleset, p_rule_ids,
              p_expires_at,
              v_earned);
    END IF;
    IF v_earned > 0 THEN
      PERFORM setia_notify_sale(p_store, v_member_id, v_sale_id, p_sale->>'receipt_no', v_earned, v_balance);
    END IF;
  END IF;

  v_result := jsonb_build_object(
    'schema', 'setia.pos.result/1', 'event_id', p_event_id, 'store_id', p_store,
    'receipt_no', p_sale->>'receipt_no', 'status', 'applied', 'duplicate', false);
  IF v_code IS NOT NULL AND v_member_id IS NOT NULL THEN
    v_result := v_result || jsonb_build_object('member',
      jsonb_build_object('code', v_code, 'points_earned', v_earned, 'balance', v_balance));
  ELSIF v_code IS NOT NULL THEN
    v_result := v_result || jsonb_build_object('member',
      jsonb_build_object('code', v_code, 'found', false, 'points_earned', 0));
  END IF;
  IF jsonb_array_length(coalesce(p_sale->'vouchers', '[]')) > 0 THEN
    v_result := v_result || jsonb_build_object('vouchers',
      setia_redeem_vouchers(p_store, v_sale_id, v_member_id, p_sale, v_occurred));
  END IF;
  INSERT INTO events (store_id, event_id, kind, status, sale_id, result)
  VALUES (p_store, p_event_id, 'sale', 'applied', v_sale_id, v_result)
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'event % of store % was claimed meanwhile', p_event_id, p_store
      USING ERRCODE = 'serialization_failure';
  END IF;
  IF setia_has_parked_refunds(p_store, p_sale->>'receipt_no') THEN
    RETURN v_result || '{"_parked_refunds": true}';
  END IF;
  RETURN v_result;
END;
$$;

-- 0008_refunds_lookups.sql: the sale's lines, in the sale's store.
CREATE OR REPLACE FUNCTION setia_plan_refund(p_store text, p_event_id text, p_receipt text)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
  e events%ROWTYPE;
  s sales%ROWTYPE;
BEGIN
  SELECT * INTO e FROM events WHERE store_id = p_store AND event_id = p_event_id;
  IF FOUND AND e.status <> 'parked' THEN
    RETURN jsonb_build_object('decided', e.result || '{"duplicate": true}');
  END IF;
  SELECT * INTO s FROM sales WHERE store_id = p_store AND receipt_no = p_receipt;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('no_sale', true, 'parked', e.event_id IS NOT NULL);
  END IF;
  RETURN jsonb_build_object(
    'sale_id', s.id, 'refunded', s.refunded, 'points_earned', s.points_earned,
    'points_reversed', s.points_reversed, 'member', s.member_id IS NOT NULL,
    'sale', jsonb_build_object(
      'store_id', s.store_id, 'receipt_no', s.receipt_no, 'occurred_at', s.occurred_at,
      'subtotal', s.subtotal, 'total', s.total,
      'items', (SELECT jsonb_agg(jsonb_build_object('sku', l.sku, 'name', l.name, 'qty', l.qty,
                                                    'unit_price', l.unit_price, 'category', l.category)
                                 ORDER BY l.line_no)
                  FROM sale_lines l WHERE l.store_id = s.store_id AND l.sale_id = s.id)));
END;
$$;

-- 0010_scheduled_pushes.sql: the reminders are rows of the store whose run it is.
CREATE OR REPLACE FUNCTION setia_remind_expiring(p_store text, p_zone text, p_day date, p_now timestamptz,
                                                 p_until timestamptz)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  r        record;
  v_lots   bigint[];
  v_points bigint;
  v_first  timestamptz;
  v_id     bigint;
  v_n      int := 0;
BEGIN
  INSERT INTO points_expiry_reminder_runs (store_id, local_date) VALUES (p_store, p_day)
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  FOR r IN
    SELECT l.member_id, array_agg(l.id ORDER BY l.id) AS lots
      FROM points_ledger l
     WHERE l.store_id = p_store AND l.remaining > 0 AND l.expires_at IS NOT NULL
       AND l.expires_at > p_now AND l.expires_at <= p_until
       AND NOT EXISTS (SELECT 1 FROM points_expiry_reminders x WHERE x.store_id = p_store AND x.lot_id = l.id)
     GROUP BY l.member_id
     ORDER BY l.member_id
  LOOP
    WITH claimed AS (
      INSERT INTO points_expiry_reminders (store_id, lot_id) SELECT p_store, unnest(r.lots)
      ON CONFLICT DO NOTHING RETURNING lot_id
    )
    SELECT array_agg(lot_id ORDER BY lot_id) INTO v_lots FROM claimed;
    CONTINUE WHEN v_lots IS NULL;
    SELECT sum(remaining)::bigint, min(expires_at) INTO v_points, v_first
      FROM points_ledger WHERE store_id = p_store AND id = ANY (v_lots);
    v_id := setia_notify_member(p_store, r.member_id, 'points_expiring',
              jsonb_build_object('points', v_points, 'lots', cardinality(v_lots),
                                 'expires_at', extract(epoch FROM v_first)::bigint,
                                 'valid_until', to_char((v_first - interval '1 second') AT TIME ZONE p_zone, 'YYYY-MM-DD')),
              'expiring:' || v_lots[1]);
    UPDATE points_expiry_reminders SET notification_id = v_id WHERE store_id = p_store AND lot_id = ANY (v_lots);
    v_n := v_n + 1;
  END LOOP;
  UPDATE points_expiry_reminder_runs SET members = v_n WHERE store_id = p_store AND local_date = p_day;
  RETURN v_n;
END;
$$;

-- 0010_scheduled_pushes.sql: the store's members' devices.
CREATE OR REPLACE FUNCTION setia_announce_promo(p_store text, p_promo text, p_from date, p_data jsonb)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  v_n int;
BEGIN
  INSERT INTO promo_announcements (store_id, promo_id, from_date) VALUES (p_store, p_promo, p_from)
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  WITH n AS (
    INSERT INTO notifications (store_id, member_id, kind, data, dedupe_key)
    SELECT p_store, m.id, 'promo', p_data, 'promo:' || p_store || ':' || p_promo || ':' || p_from || ':' || m.id
      FROM members m WHERE m.store_id = p_store AND m.promo_pushes
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id, member_id
  ), o AS (
    INSERT INTO outbox (store_id, notification_id, device_token)
    SELECT p_store, n.id, d.token FROM n JOIN devices d ON d.store_id = p_store AND d.member_id = n.member_id
  )
  SELECT count(*) INTO v_n FROM n;
  UPDATE promo_announcements SET members = v_n
   WHERE store_id = p_store AND promo_id = p_promo AND from_date = p_from;
  RETURN v_n;
END;
$$;

-- 0010_scheduled_pushes.sql: the admins' topic row is the store's.
CREATE OR REPLACE FUNCTION setia_notify_admins(p_store text, p_kind text, p_data jsonb, p_dedupe text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint;
BEGIN
  INSERT INTO notifications (store_id, member_id, kind, data, dedupe_key)
  VALUES (p_store, NULL, p_kind, p_data, p_dedupe)
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id INTO v_id;
  IF v_id IS NOT NULL THEN
    INSERT INTO outbox (store_id, notification_id, fcm_topic) VALUES (p_store, v_id, setia_admin_topic(p_store));
  END IF;
  RETURN v_id;
END;
$$;
