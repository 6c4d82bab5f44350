-- The per-sale statement, made cheaper where nothing is lost by it
-- (bench/README.md, "setiad's statement against the minimal sale", holds the
-- profile and the figures before and after).
--
-- 1. The helpers setia_apply_sale calls for every sale were LANGUAGE sql
--    functions that PostgreSQL cannot inline (a PERFORM of a void function,
--    an EXISTS subquery), so it parsed and planned their bodies again on
--    every call: a quarter of the statement's time. As plpgsql they keep
--    their plans for the connection's life.
-- 2. The event's row is written once, with its result, at the end of the
--    sale, instead of a claim first and an UPDATE last. Duplicates still meet
--    on a unique key: a copy that arrives after the commit finds the stored
--    result; two copies at the same time meet on the sales keys, where the
--    second waits for the first and then answers as a duplicate.

CREATE OR REPLACE FUNCTION setia_notify_sale(p_store text, p_member bigint, p_sale bigint, p_receipt text,
                                             p_points bigint, p_balance bigint)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM setia_notify_member(p_store, p_member, 'sale_points',
            jsonb_build_object('sale_id', p_sale, 'receipt_no', p_receipt, 'points', p_points,
                               'balance', p_balance),
            'sale:' || p_sale);
END;
$$;

CREATE OR REPLACE FUNCTION setia_has_parked_refunds(p_store text, p_receipt text)
RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM events e WHERE e.status = 'parked' AND e.store_id = p_store
                    AND convert_from(e.payload, 'UTF8')::jsonb->>'receipt_no' = p_receipt);
END;
$$;

-- setia_apply_sale of 0004_apply_sale.sql (its comment says what it does),
-- with the event's row written once.
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
  -- A duplicate is answered from its stored result. The event's own row is
  -- written once, at the end, with its result: a claim written first and
  -- updated last cost a second heap tuple and index entry per sale.
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
    -- The sales keys (store and receipt, store and event id) are where two
    -- copies of one sale meet: this one waited for the other to commit.
    SELECT result INTO v_result FROM events WHERE store_id = p_store AND event_id = p_event_id;
    IF FOUND THEN
      RETURN v_result || '{"duplicate": true}';
    END IF;
    -- Same receipt, another event id: a conflict, never a second sale.
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
        USING ERRCODE = 'serialization_failure';  -- see the end of this function
    END IF;
    INSERT INTO dead_letters (store_id, event_id, topic, reason, detail, payload)
    VALUES (p_store, p_event_id, p_topic, 'receipt_conflict', v_result->>'detail', decode(p_raw_hex, 'hex'));
    RETURN v_result;
  END IF;

  INSERT INTO sale_lines (sale_id, line_no, sku, name, qty, unit_price, category, amount)
  SELECT v_sale_id, t.n, t.item->>'sku', coalesce(t.item->>'name', t.item->>'sku'),
         (t.item->>'qty')::bigint, (t.item->>'unit_price')::bigint, t.item->>'category',
         (t.item->>'qty')::bigint * (t.item->>'unit_price')::bigint
    FROM jsonb_array_elements(p_sale->'items') WITH ORDINALITY AS t(item, n);

  IF v_member_id IS NOT NULL THEN
    -- The row lock taken here orders concurrent sales of one member.
    UPDATE members SET points = points + v_earned WHERE id = v_member_id RETURNING points INTO v_balance;
    IF v_earned > 0 THEN
      -- The earn row is also a points lot (migration 0005): `remaining` is
      -- what spending and expiry have not taken from it yet.
      INSERT INTO points_ledger (member_id, store_id, kind, points, sale_id, event_id, ruleset_version,
                                 rule_ids, expires_at, remaining)
      VALUES (v_member_id, p_store, 'earn', v_earned, v_sale_id, p_event_id, p_ruleset, p_rule_ids,
              p_expires_at,
              v_earned);
    END IF;
    IF v_earned > 0 THEN  -- "+0 points" is not news
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
    -- A refused voucher never stops the sale: the result says which and why.
    v_result := v_result || jsonb_build_object('vouchers',
      setia_redeem_vouchers(p_store, v_sale_id, v_member_id, p_sale, v_occurred));
  END IF;
  INSERT INTO events (store_id, event_id, kind, status, sale_id, result)
  VALUES (p_store, p_event_id, 'sale', 'applied', v_sale_id, v_result)
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    -- Another kind of event (a refund, a rejection) took this id after the
    -- first look: undo all and let the retry answer as a duplicate.
    RAISE EXCEPTION 'event % of store % was claimed meanwhile', p_event_id, p_store
      USING ERRCODE = 'serialization_failure';
  END IF;
  -- Refunds that came before this sale wait for it: tell the daemon (this
  -- key is not part of the stored result the POS sees).
  IF setia_has_parked_refunds(p_store, p_sale->>'receipt_no') THEN
    RETURN v_result || '{"_parked_refunds": true}';
  END IF;
  RETURN v_result;
END;
$$;
