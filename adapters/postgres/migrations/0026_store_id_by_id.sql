-- Rows found by id once their store is known name the store (issue 13,
-- point 8, the last part; docs/operations.md, "Distributing by store"):
-- the refund and the points functions it calls, and the functions that
-- call those with a store at hand, add `store_id = ...` to each statement
-- that finds a row by its id, and to each join (`a.store_id = b.store_id`),
-- as 0016_store_id_everywhere.sql did for seven tables. Sharded by
-- store_id, each statement then goes to the one shard of its store.
--
-- No table, key or index changes; every function keeps its signature and
-- what it answers. A caller that names no store (p_store NULL: tests, an
-- operator's tools) has it read once from the member's row, by id alone,
-- and every later statement names it. A store that is not the row's finds
-- nothing where it used to find the row of another store: no caller
-- passes one (the sale's and the member's store are the function's
-- p_store), and the refund answers such a sale id as stale, so that the
-- daemon plans it again in its own store (core/pipeline/refund_flow.cpp).
--
-- Each function below is the latest of the migration named above it, with
-- the store named; its comment there says what it does.

-- 0005_points_rewards_promos.sql: the member's row by store and id.
CREATE OR REPLACE FUNCTION setia_credit_points(
  p_member bigint, p_points bigint, p_kind text, p_expires_at timestamptz DEFAULT NULL,
  p_store text DEFAULT NULL, p_sale bigint DEFAULT NULL, p_event text DEFAULT NULL,
  p_adjustment bigint DEFAULT NULL, p_rule_ids text[] DEFAULT '{}', p_ruleset text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_store text := p_store;
  v_id    bigint;
BEGIN
  IF p_points IS NULL OR p_points <= 0 THEN
    RAISE EXCEPTION 'setia_credit_points: points must be above 0, got %', p_points USING ERRCODE = '22023';
  END IF;
  IF v_store IS NULL THEN
    SELECT m.store_id INTO v_store FROM members m WHERE m.id = p_member;  -- a caller without the store
  END IF;
  UPDATE members SET points = points + p_points WHERE store_id = v_store AND id = p_member;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'setia_credit_points: no member %', p_member USING ERRCODE = '22023';
  END IF;
  INSERT INTO points_ledger (member_id, store_id, kind, points, remaining, expires_at, sale_id, event_id,
                             adjustment_id, rule_ids, ruleset_version)
  VALUES (p_member, v_store, p_kind, p_points, p_points, p_expires_at, p_sale, p_event,
          p_adjustment, coalesce(p_rule_ids, '{}'), p_ruleset)
  RETURNING id INTO v_id;
  RETURN v_id;
END;
$$;

-- 0005_points_rewards_promos.sql's setia_consume_lots, with the member's
-- store first: the lots are read and updated in it. Internal: the callers
-- below have the store.
CREATE FUNCTION setia_consume_lots(p_store text, p_member bigint, p_points bigint, p_from_lot bigint)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_left bigint := p_points;
  v_take bigint;
  lot    record;
BEGIN
  FOR lot IN
    SELECT id, remaining FROM points_ledger
     WHERE store_id = p_store AND member_id = p_member AND remaining > 0
     ORDER BY (id IS NOT DISTINCT FROM p_from_lot) DESC, expires_at ASC NULLS LAST, id
       FOR UPDATE
  LOOP
    EXIT WHEN v_left = 0;
    v_take := least(lot.remaining, v_left);
    UPDATE points_ledger SET remaining = remaining - v_take WHERE store_id = p_store AND id = lot.id;
    v_left := v_left - v_take;
  END LOOP;
END;
$$;

-- The one of 0005 (member, points, from lot), kept for what may call it:
-- the member's store read once, then the lots as above.
CREATE OR REPLACE FUNCTION setia_consume_lots(p_member bigint, p_points bigint, p_from_lot bigint DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM setia_consume_lots((SELECT m.store_id FROM members m WHERE m.id = p_member), p_member, p_points, p_from_lot);
END;
$$;

-- 0005_points_rewards_promos.sql.
CREATE OR REPLACE FUNCTION setia_spend_points(
  p_member bigint, p_points bigint, p_kind text,
  p_store text DEFAULT NULL, p_sale bigint DEFAULT NULL, p_event text DEFAULT NULL,
  p_reward text DEFAULT NULL, p_voucher bigint DEFAULT NULL, p_adjustment bigint DEFAULT NULL,
  p_from_lot bigint DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_balance bigint;
  v_store   text := p_store;
BEGIN
  IF p_points IS NULL OR p_points <= 0 THEN
    RAISE EXCEPTION 'setia_spend_points: points must be above 0, got %', p_points USING ERRCODE = '22023';
  END IF;
  IF p_kind NOT IN ('redeem', 'reverse', 'adjust') THEN
    RAISE EXCEPTION 'setia_spend_points: kind must be redeem, reverse or adjust, got %', p_kind USING ERRCODE = '22023';
  END IF;
  IF v_store IS NULL THEN
    SELECT m.store_id INTO v_store FROM members m WHERE m.id = p_member;  -- a caller without the store
  END IF;
  UPDATE members SET points = points - p_points
   WHERE store_id = v_store AND id = p_member AND points >= p_points
  RETURNING points INTO v_balance;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  PERFORM setia_consume_lots(v_store, p_member, p_points, p_from_lot);
  INSERT INTO points_ledger (member_id, store_id, kind, points, sale_id, event_id, reward_id, voucher_id, adjustment_id)
  VALUES (p_member, v_store, p_kind, -p_points, p_sale, p_event, p_reward, p_voucher, p_adjustment);
  RETURN v_balance;
END;
$$;

-- 0005_points_rewards_promos.sql: the refund's hook.
CREATE OR REPLACE FUNCTION setia_take_points(
  p_member bigint, p_points bigint, p_kind text,
  p_store text DEFAULT NULL, p_sale bigint DEFAULT NULL, p_event text DEFAULT NULL,
  p_from_lot bigint DEFAULT NULL)
RETURNS TABLE (taken bigint, shortfall bigint, balance bigint, ledger_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_have  bigint;
  v_store text := p_store;
BEGIN
  IF p_kind NOT IN ('redeem', 'reverse', 'adjust') THEN
    RAISE EXCEPTION 'setia_take_points: kind must be redeem, reverse or adjust, got %', p_kind USING ERRCODE = '22023';
  END IF;
  IF v_store IS NULL THEN
    SELECT m.store_id INTO v_store FROM members m WHERE m.id = p_member;  -- a caller without the store
  END IF;
  SELECT m.points INTO v_have FROM members m WHERE m.store_id = v_store AND m.id = p_member FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'setia_take_points: no member %', p_member USING ERRCODE = '22023';
  END IF;
  taken := least(greatest(coalesce(p_points, 0), 0), v_have);
  shortfall := greatest(coalesce(p_points, 0), 0) - taken;
  balance := v_have - taken;
  IF taken > 0 THEN
    UPDATE members m SET points = m.points - taken WHERE m.store_id = v_store AND m.id = p_member;
    PERFORM setia_consume_lots(v_store, p_member, taken, p_from_lot);
    INSERT INTO points_ledger (member_id, store_id, kind, points, sale_id, event_id)
    VALUES (p_member, v_store, p_kind, -taken, p_sale, p_event)
    RETURNING id INTO ledger_id;
  END IF;
  RETURN NEXT;
END;
$$;

-- 0008_refunds_lookups.sql: the sale's own lot and the new ledger row, in
-- the refund's store.
CREATE OR REPLACE FUNCTION setia_take_back_points(p_member bigint, p_store text, p_points bigint, p_sale bigint,
                                                  p_event_id text, p_refund bigint)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
BEGIN
  SELECT * INTO t FROM setia_take_points(p_member, p_points, 'reverse', p_store => p_store, p_sale => p_sale,
           p_event => p_event_id,
           p_from_lot => (SELECT l.id FROM points_ledger l
                           WHERE l.store_id = p_store AND l.sale_id = p_sale AND l.kind = 'earn'));
  IF t.ledger_id IS NOT NULL THEN
    UPDATE points_ledger SET refund_id = p_refund WHERE store_id = p_store AND id = t.ledger_id;
  END IF;
  RETURN coalesce(t.taken, 0);
END;
$$;

-- 0008_refunds_lookups.sql: the sale, its member, the refund row and the
-- sale's vouchers, each by store and id. A sale id that is not of p_store
-- (setia_plan_refund gives only the store's) is answered stale: the claim
-- is given back and the daemon plans again, which finds the store's sale.
CREATE OR REPLACE FUNCTION setia_apply_refund(
  p_store text, p_event_id text, p_refund jsonb, p_sale_id bigint, p_expected_refunded bigint,
  p_reversal bigint, p_topic text, p_raw_hex text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_result     jsonb;
  v_status     text;
  v_amount     bigint := (p_refund->>'amount')::bigint;
  s            sales%ROWTYPE;
  v_refund_id  bigint;
  v_taken      bigint := 0;
  v_balance    bigint;
  v_code       text;
  v_vouchers   jsonb := '[]';
BEGIN
  INSERT INTO events (store_id, event_id, kind, status, result)
  VALUES (p_store, p_event_id, 'refund', 'applied', '{}')
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    SELECT status, result INTO v_status, v_result FROM events
     WHERE store_id = p_store AND event_id = p_event_id FOR UPDATE;
    IF v_status <> 'parked' THEN
      RETURN v_result || '{"duplicate": true}';
    END IF;
  END IF;

  SELECT * INTO s FROM sales WHERE store_id = p_store AND id = p_sale_id FOR UPDATE;
  IF NOT FOUND OR s.refunded <> p_expected_refunded THEN
    -- Another refund of this sale committed since the daemon planned: give
    -- the claim back (unless the event was parked) and let it plan again.
    DELETE FROM events WHERE store_id = p_store AND event_id = p_event_id AND status = 'applied' AND result = '{}';
    RETURN '{"stale": true}';
  END IF;

  IF s.refunded + v_amount > s.total THEN
    v_result := jsonb_build_object(
      'schema', 'setia.pos.result/1', 'event_id', p_event_id, 'store_id', p_store,
      'receipt_no', s.receipt_no, 'status', 'rejected', 'reason', 'refund_exceeds_sale',
      'detail', format('refunds would add up to %s, more than the sale total %s', s.refunded + v_amount, s.total),
      'duplicate', false);
    UPDATE events SET status = 'rejected', reason = 'refund_exceeds_sale', result = v_result, payload = NULL
     WHERE store_id = p_store AND event_id = p_event_id;
    INSERT INTO dead_letters (store_id, event_id, topic, reason, detail, payload)
    VALUES (p_store, p_event_id, p_topic, 'refund_exceeds_sale', v_result->>'detail', decode(p_raw_hex, 'hex'));
    RETURN v_result;
  END IF;

  INSERT INTO refunds (store_id, event_id, sale_id, amount, reason, occurred_at)
  VALUES (p_store, p_event_id, s.id, v_amount, p_refund->>'reason', (p_refund->>'occurred_at')::timestamptz)
  RETURNING id INTO v_refund_id;

  IF s.member_id IS NOT NULL THEN
    SELECT code INTO v_code FROM members WHERE store_id = p_store AND id = s.member_id;
    v_taken := setia_take_back_points(s.member_id, p_store, greatest(p_reversal, 0), s.id, p_event_id, v_refund_id);
    SELECT points INTO v_balance FROM members WHERE store_id = p_store AND id = s.member_id;
    UPDATE refunds SET points_reversed = v_taken, shortfall = greatest(p_reversal, 0) - v_taken
     WHERE store_id = p_store AND id = v_refund_id;
  END IF;
  UPDATE sales SET refunded = refunded + v_amount, points_reversed = points_reversed + greatest(p_reversal, 0)
   WHERE store_id = p_store AND id = s.id;

  -- A fully refunded sale gives its vouchers back, while they are valid.
  IF s.refunded + v_amount = s.total THEN
    WITH back AS (
      UPDATE vouchers SET status = 'active', redeemed_sale_id = NULL, redeemed_at = NULL, discount = NULL
       WHERE store_id = p_store AND redeemed_sale_id = s.id AND valid_until > now()
      RETURNING code)
    SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'reactivated', true)), '[]') INTO v_vouchers FROM back;
  END IF;

  v_result := jsonb_build_object(
    'schema', 'setia.pos.result/1', 'event_id', p_event_id, 'store_id', p_store, 'receipt_no', s.receipt_no,
    'status', 'applied', 'duplicate', false,
    'refund', jsonb_build_object('amount', v_amount, 'refunded_total', s.refunded + v_amount, 'sale_total', s.total));
  IF v_code IS NOT NULL THEN
    v_result := v_result || jsonb_build_object('member', jsonb_build_object(
      'code', v_code, 'points_reversed', v_taken, 'shortfall', greatest(p_reversal, 0) - v_taken, 'balance', v_balance));
  END IF;
  IF jsonb_array_length(v_vouchers) > 0 THEN
    v_result := v_result || jsonb_build_object('vouchers', v_vouchers);
  END IF;
  UPDATE events SET status = 'applied', result = v_result, sale_id = s.id, payload = NULL
   WHERE store_id = p_store AND event_id = p_event_id;
  RETURN v_result;
END;
$$;

-- 0019_privacy.sql's adjustment: the member is found by code in any store
-- (an operator's `points adjust`, by design); from then on its store is
-- known and named.
CREATE OR REPLACE FUNCTION setia_adjust_points(p_member_code text, p_delta bigint, p_reason text, p_actor text,
                                               p_expires_at timestamptz DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  m      members%ROWTYPE;
  v_adj  bigint;
BEGIN
  SELECT * INTO m FROM members WHERE code = p_member_code AND erased_at IS NULL FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'refused', 'reason', 'no_such_member');
  END IF;
  IF m.points + p_delta < 0 THEN
    RETURN jsonb_build_object('status', 'refused', 'reason', 'insufficient_points', 'balance', m.points);
  END IF;
  INSERT INTO points_adjustments (member_id, store_id, delta, reason, actor, balance_before, balance_after)
  VALUES (m.id, m.store_id, p_delta, p_reason, p_actor, m.points, m.points + p_delta)
  RETURNING id INTO v_adj;
  IF p_delta > 0 THEN
    PERFORM setia_credit_points(m.id, p_delta, 'adjust', p_expires_at, p_store => m.store_id, p_adjustment => v_adj);
  ELSIF setia_spend_points(m.id, -p_delta, 'adjust', p_store => m.store_id, p_adjustment => v_adj) IS NULL THEN
    RAISE EXCEPTION 'setia_adjust_points: balance of member % moved under its lock', m.id;
  END IF;
  RETURN jsonb_build_object('status', 'adjusted', 'adjustment_id', v_adj, 'before', m.points,
                            'after', m.points + p_delta);
END;
$$;

-- 0005_points_rewards_promos.sql: the cost spent in p_store.
CREATE OR REPLACE FUNCTION setia_redeem_reward(p_store text, p_member_code text, p_reward text, p_cost bigint,
                                               p_stock bigint, p_code text, p_title text, p_terms jsonb,
                                               p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  m          members%ROWTYPE;
  v          vouchers%ROWTYPE;
  v_balance  bigint;
BEGIN
  SELECT * INTO m FROM members WHERE code = p_member_code AND store_id = p_store FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'refused', 'reason', 'no_such_member');
  END IF;
  IF m.points < p_cost THEN
    RETURN jsonb_build_object('status', 'refused', 'reason', 'insufficient_points', 'balance', m.points,
                              'cost', p_cost);
  END IF;
  INSERT INTO reward_stock (store_id, reward_id) VALUES (p_store, p_reward) ON CONFLICT DO NOTHING;
  UPDATE reward_stock SET redeemed = redeemed + 1
   WHERE store_id = p_store AND reward_id = p_reward AND (p_stock IS NULL OR redeemed < p_stock);
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'refused', 'reason', 'out_of_stock', 'stock', p_stock);
  END IF;
  v := setia_insert_voucher(p_store, m.id, p_code, p_title, p_terms, 'reward', p_reward, p_now);
  v_balance := setia_spend_points(m.id, p_cost, 'redeem', p_store => p_store, p_reward => p_reward,
                                  p_voucher => v.id);
  IF v_balance IS NULL THEN
    RAISE EXCEPTION 'setia_redeem_reward: balance of member % moved under its lock', m.id;
  END IF;
  RETURN jsonb_build_object('status', 'issued', 'balance', v_balance,
    'voucher', jsonb_build_object('code', v.code, 'valid_from', v.valid_from, 'valid_until', v.valid_until));
END;
$$;

-- 0021_accounts.sql: a member's gift of the year, in the store whose run it is.
CREATE OR REPLACE FUNCTION setia_birthday_candidates(p_store text, p_day date, p_set_before timestamptz)
RETURNS TABLE (member_id bigint, name text)
LANGUAGE sql STABLE AS $$
  SELECT m.id, m.name FROM members m
   WHERE m.store_id = p_store AND setia_celebrates_on(m.birth_date, p_day)
     AND m.birth_date_set_at < p_set_before
     AND NOT EXISTS (SELECT 1 FROM birthday_gifts g
                      WHERE g.store_id = m.store_id AND g.member_id = m.id AND g.year = extract(year FROM p_day)::int)
   ORDER BY m.id;
$$;

CREATE OR REPLACE FUNCTION setia_birthday_gifts(p_store text, p_day date, p_title text, p_terms jsonb, p_gifts jsonb,
                                                p_now timestamptz, p_set_before timestamptz)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  g       jsonb;
  m       members%ROWTYPE;
  v       vouchers%ROWTYPE;
  v_year  int := extract(year FROM p_day)::int;
  v_n     int := 0;
BEGIN
  FOR g IN SELECT e FROM jsonb_array_elements(coalesce(p_gifts, '[]')) AS e LOOP
    SELECT * INTO m FROM members WHERE id = (g->>'member_id')::bigint AND store_id = p_store;
    CONTINUE WHEN NOT FOUND OR NOT setia_celebrates_on(m.birth_date, p_day)
               OR NOT (m.birth_date_set_at < p_set_before);
    INSERT INTO birthday_gifts (member_id, year, store_id, local_date)
    VALUES (m.id, v_year, p_store, p_day)
    ON CONFLICT DO NOTHING;
    CONTINUE WHEN NOT FOUND;
    v := setia_insert_voucher(p_store, m.id, g->>'code', p_title, p_terms, 'birthday', v_year::text, p_now);
    UPDATE birthday_gifts SET voucher_id = v.id WHERE store_id = p_store AND member_id = m.id AND year = v_year;
    PERFORM setia_notify_member(p_store, m.id, 'birthday',
              jsonb_build_object('name', m.name, 'voucher_code', v.code, 'title', p_title,
                                 'message_id', g->>'message_id', 'message_en', g->>'message_en',
                                 'valid_until', extract(epoch FROM v.valid_until)::bigint),
              'birthday:' || m.id || ':' || v_year);
    v_n := v_n + 1;
  END LOOP;
  RETURN v_n;
END;
$$;

-- 0019_privacy.sql's erasure: the member is found by id or code, in p_store
-- or (an operator) in any store; from then on the statements name its
-- store: the emptied row, the refunds' sales, and the failed logins (whose
-- store is the member's, or '*' for a login that named none: 0016).
CREATE OR REPLACE FUNCTION setia_erase_member(p_store text, p_key text, p_by text, p_reason text, p_notify_admins boolean)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  m        members%ROWTYPE;
  e        member_erasures%ROWTYPE;
  v_id     bigint := CASE WHEN p_key ~ '^[0-9]{1,18}$' THEN p_key::bigint END;
  v_code   text;
  v_adj    bigint;
  v_points bigint;
  v_n      bigint;
  v_out    jsonb := '{}';
  v_off    bigint := 0;
  r        record;
BEGIN
  SELECT * INTO m FROM members
   WHERE (id = v_id OR code = p_key) AND (p_store IS NULL OR store_id = p_store)
   ORDER BY id LIMIT 1 FOR UPDATE;
  IF NOT FOUND THEN
    SELECT * INTO e FROM member_erasures
     WHERE code_digest = sha256(convert_to(p_key, 'UTF8')) AND (p_store IS NULL OR store_id = p_store)
     ORDER BY id LIMIT 1;
    IF FOUND THEN
      RETURN setia_erasure_json(e, 'already_erased');
    END IF;
    RETURN jsonb_build_object('status', 'no_such_member');
  END IF;
  IF m.erased_at IS NOT NULL THEN
    SELECT * INTO e FROM member_erasures WHERE store_id = m.store_id AND member_id = m.id;
    RETURN setia_erasure_json(e, 'already_erased');
  END IF;

  -- The balance lapses, audited like any correction (reports count it as
  -- adjusted), and the spend closes the open lots: nothing expires or is
  -- reminded about later.
  v_points := m.points;
  IF v_points > 0 THEN
    INSERT INTO points_adjustments (member_id, store_id, delta, reason, actor, balance_before, balance_after)
    VALUES (m.id, m.store_id, -v_points, 'erasure: the member''s data was erased; the points lapse',
            left(p_by, 200), v_points, 0)
    RETURNING id INTO v_adj;
    IF setia_spend_points(m.id, v_points, 'adjust', p_store => m.store_id, p_adjustment => v_adj) IS NULL THEN
      RAISE EXCEPTION 'setia_erase_member: balance of member % moved under its lock', m.id;
    END IF;
  END IF;

  v_code := 'erased-' || replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');

  UPDATE vouchers SET status = 'void' WHERE store_id = m.store_id AND member_id = m.id AND status = 'active';
  GET DIAGNOSTICS v_n = ROW_COUNT;
  v_out := v_out || jsonb_build_object('vouchers_voided', v_n);

  -- Bookings still to come are cancelled: no one is coming under that
  -- name. Each tells the store's admins, as a member's cancellation does.
  FOR r IN
    UPDATE reservations SET status = 'cancelled', updated_at = now()
     WHERE store_id = m.store_id AND member_id = m.id AND status <> 'cancelled' AND ends_at > now()
    RETURNING id, status, local_date, local_time, party
  LOOP
    v_off := v_off + 1;
    IF p_notify_admins THEN
      PERFORM setia_notify_admins(m.store_id, 'reservation_cancelled',
                jsonb_build_object('reservation_id', r.id, 'status', r.status, 'date', r.local_date::text,
                                   'time', r.local_time, 'party', r.party),
                'reservation:' || r.id || ':cancelled:admins');
    END IF;
  END LOOP;
  v_out := v_out || jsonb_build_object('reservations_cancelled', v_off);
  UPDATE reservations SET note = NULL WHERE store_id = m.store_id AND member_id = m.id AND note IS NOT NULL;

  DELETE FROM outbox o USING notifications n
   WHERE n.store_id = m.store_id AND n.member_id = m.id AND o.store_id = n.store_id AND o.notification_id = n.id;
  GET DIAGNOSTICS v_n = ROW_COUNT;
  v_out := v_out || jsonb_build_object('deliveries', v_n);
  UPDATE points_expiry_reminders x SET notification_id = NULL
    FROM notifications n
   WHERE n.store_id = m.store_id AND n.member_id = m.id AND x.store_id = n.store_id AND x.notification_id = n.id;
  DELETE FROM notifications WHERE store_id = m.store_id AND member_id = m.id;
  GET DIAGNOSTICS v_n = ROW_COUNT;
  v_out := v_out || jsonb_build_object('notifications', v_n);

  DELETE FROM devices WHERE store_id = m.store_id AND member_id = m.id;
  GET DIAGNOSTICS v_n = ROW_COUNT;
  v_out := v_out || jsonb_build_object('devices', v_n);
  DELETE FROM api_tokens WHERE member_id = m.id;
  GET DIAGNOSTICS v_n = ROW_COUNT;
  v_out := v_out || jsonb_build_object('tokens', v_n);
  DELETE FROM member_credentials WHERE store_id = m.store_id AND member_id = m.id;
  GET DIAGNOSTICS v_n = ROW_COUNT;
  v_out := v_out || jsonb_build_object('password', v_n);
  -- A recovery or claim code not yet used (0018) would set a password on
  -- the emptied row: none is left.
  DELETE FROM recovery_codes WHERE store_id = m.store_id AND member_id = m.id;
  DELETE FROM birthday_gifts WHERE store_id = m.store_id AND member_id = m.id;
  -- The throttle's keys of core/services/auth.cpp: a login (email in lower
  -- case, or the phone's digits and '+') with its store or '*', and a
  -- password change. Keys typed another way are the retention purge's.
  DELETE FROM login_failures
   WHERE store_id IN (m.store_id, '*')
     AND account IN (lower(m.email) || '|' || m.store_id, lower(m.email) || '|*',
                     regexp_replace(m.phone, '[^0-9+]', '', 'g') || '|' || m.store_id,
                     regexp_replace(m.phone, '[^0-9+]', '', 'g') || '|*',
                     'password-change|member:' || m.id);
  DELETE FROM dead_letters WHERE store_id = m.store_id AND position(convert_to(m.code, 'UTF8') IN payload) > 0;
  GET DIAGNOSTICS v_n = ROW_COUNT;
  v_out := v_out || jsonb_build_object('dead_letters', v_n);

  -- The record of consent stays; where it came from does not. Each
  -- channel still granted is withdrawn, and says so.
  UPDATE consents SET address = NULL, note = NULL WHERE store_id = m.store_id AND member_id = m.id;
  INSERT INTO consents (store_id, member_id, channel, granted, source)
  SELECT m.store_id, m.id, ch.channel, false, 'erasure'
    FROM (SELECT DISTINCT channel FROM consents WHERE store_id = m.store_id AND member_id = m.id) ch
   WHERE setia_consent_granted(m.store_id, m.id, ch.channel);

  -- The sales stay counted (reports, the e-nota's lines), without the name
  -- the till typed and under the new code, and so do their stored results.
  UPDATE events ev SET result = jsonb_set(ev.result, '{member,code}', to_jsonb(v_code))
   WHERE ev.store_id = m.store_id AND ev.result->'member'->>'code' = m.code
     AND ev.event_id IN (SELECT s.event_id FROM sales s WHERE s.store_id = m.store_id AND s.member_id = m.id
                         UNION ALL
                         SELECT f.event_id FROM refunds f JOIN sales s ON s.store_id = f.store_id AND s.id = f.sale_id
                          WHERE f.store_id = m.store_id AND s.member_id = m.id);
  UPDATE sales SET customer_name = NULL, member_code = v_code WHERE store_id = m.store_id AND member_id = m.id;
  GET DIAGNOSTICS v_n = ROW_COUNT;
  v_out := v_out || jsonb_build_object('sales_kept', v_n);

  UPDATE members SET name = '', email = NULL, birth_date = NULL, code = v_code, phone = v_code, erased_at = now()
   WHERE store_id = m.store_id AND id = m.id;

  INSERT INTO member_erasures (store_id, member_id, code_digest, requested_by, reason, points_forfeited, removed)
  VALUES (m.store_id, m.id, sha256(convert_to(m.code, 'UTF8')), left(p_by, 200), left(p_reason, 500), v_points, v_out)
  RETURNING * INTO e;
  RETURN setia_erasure_json(e, 'erased');
END;
$$;

-- 0025_report_rollups.sql: the job runs over every store (its marks are
-- global ids), and a refund's sale is joined in the refund's store.
CREATE OR REPLACE FUNCTION setia_report_roll_late() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_days integer := 0;
  d record;
BEGIN
  PERFORM 1 FROM report_rollup_marks FOR UPDATE;
  FOR d IN
    WITH mk AS (SELECT source, seen_before FROM report_rollup_marks),
    touched AS (
      SELECT s.store_id, s.occurred_at AS at FROM sales s WHERE s.id > (SELECT seen_before FROM mk WHERE source = 'sales')
      UNION ALL
      SELECT l.store_id, l.created_at FROM points_ledger l
       WHERE l.id > (SELECT seen_before FROM mk WHERE source = 'points_ledger')
      UNION ALL
      SELECT r.store_id, r.occurred_at FROM refunds r WHERE r.id > (SELECT seen_before FROM mk WHERE source = 'refunds')
      UNION ALL
      SELECT m.store_id, m.created_at FROM members m WHERE m.id > (SELECT seen_before FROM mk WHERE source = 'members')
      UNION ALL
      SELECT c.store_id, c.claimed_at FROM promo_claims c
       WHERE c.id > (SELECT seen_before FROM mk WHERE source = 'promo_claims'))
    , days AS (
      SELECT DISTINCT t.store_id, st.tz, (t.at AT TIME ZONE st.tz)::date AS day
        FROM touched t JOIN report_rollups st ON st.store_id = t.store_id
       WHERE (t.at AT TIME ZONE st.tz)::date < st.rolled_until)
    -- Runs of consecutive days, each rolled in one go.
    SELECT store_id, tz, min(day) AS d0, max(day) AS d1
      FROM (SELECT days.*, day - (row_number() OVER (PARTITION BY store_id ORDER BY day))::integer AS run FROM days) x
     GROUP BY store_id, tz, run
  LOOP
    PERFORM setia_report_roll_days(d.store_id, d.tz, d.d0, d.d1);
    v_days := v_days + (d.d1 - d.d0 + 1);
  END LOOP;
  -- Members: a late sale of theirs, or a refund of one of their sales on a
  -- rolled day (it changed sales.refunded).
  FOR d IN
    WITH mk AS (SELECT source, seen_before FROM report_rollup_marks),
    touched AS (
      SELECT s.store_id, s.member_id, s.occurred_at FROM sales s
       WHERE s.id > (SELECT seen_before FROM mk WHERE source = 'sales') AND s.member_id IS NOT NULL
      UNION ALL
      SELECT s.store_id, s.member_id, s.occurred_at FROM refunds r JOIN sales s ON s.store_id = r.store_id AND s.id = r.sale_id
       WHERE r.id > (SELECT seen_before FROM mk WHERE source = 'refunds') AND s.member_id IS NOT NULL)
    SELECT t.store_id, st.tz, st.rolled_until, array_agg(DISTINCT t.member_id) AS members
      FROM touched t JOIN report_rollups st ON st.store_id = t.store_id
     WHERE t.occurred_at < (st.rolled_until::timestamp AT TIME ZONE st.tz)
     GROUP BY t.store_id, st.tz, st.rolled_until
  LOOP
    PERFORM setia_report_roll_members(d.store_id, d.tz, d.members, d.rolled_until::timestamp AT TIME ZONE d.tz);
  END LOOP;
  UPDATE report_rollup_marks k
     SET seen_before = k.seen,
         seen = CASE k.source
                  WHEN 'sales' THEN (SELECT coalesce(max(id), 0) FROM sales)
                  WHEN 'points_ledger' THEN (SELECT coalesce(max(id), 0) FROM points_ledger)
                  WHEN 'refunds' THEN (SELECT coalesce(max(id), 0) FROM refunds)
                  WHEN 'members' THEN (SELECT coalesce(max(id), 0) FROM members)
                  ELSE (SELECT coalesce(max(id), 0) FROM promo_claims)
                END;
  RETURN v_days;
END
$$;
