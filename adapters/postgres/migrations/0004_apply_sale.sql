-- The whole transaction of one sale as one statement, so that it costs one
-- round trip to the server (docs/architecture.md, The way of a sale): claim the event, record
-- the sale and its lines, credit the member, write the ledger row and the
-- result. Called in autocommit: the call is the commit.
--
-- p_points, p_ruleset and p_rule_ids come from the rules, evaluated in the
-- daemon on the validated sale; the function decides only what needs the
-- database (duplicates, receipt conflicts, the member, the balance).
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
  INSERT INTO events (store_id, event_id, kind, status, result)
  VALUES (p_store, p_event_id, 'sale', 'applied', '{}')
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    SELECT result INTO v_result FROM events WHERE store_id = p_store AND event_id = p_event_id;
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
  ON CONFLICT (store_id, receipt_no) DO NOTHING
  RETURNING id INTO v_sale_id;

  IF v_sale_id IS NULL THEN
    -- Same receipt, another event id: a conflict, never a second sale.
    v_result := jsonb_build_object(
      'schema', 'setia.pos.result/1', 'event_id', p_event_id, 'store_id', p_store,
      'receipt_no', p_sale->>'receipt_no', 'status', 'rejected', 'reason', 'receipt_conflict',
      'detail', format('receipt %s is already recorded under another event_id', p_sale->>'receipt_no'),
      'duplicate', false);
    UPDATE events SET status = 'rejected', reason = 'receipt_conflict', result = v_result
     WHERE store_id = p_store AND event_id = p_event_id;
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
  UPDATE events SET sale_id = v_sale_id, result = v_result WHERE store_id = p_store AND event_id = p_event_id;
  -- Refunds that came before this sale wait for it: tell the daemon (this
  -- key is not part of the stored result the POS sees).
  IF setia_has_parked_refunds(p_store, p_sale->>'receipt_no') THEN
    RETURN v_result || '{"_parked_refunds": true}';
  END IF;
  RETURN v_result;
END;
$$;

-- A message refused before the rules: always a dead letter; with a readable
-- event id also a claim with its rejected result, so that the POS stops
-- republishing it and a duplicate gets the same answer (and no second dead
-- letter).
CREATE OR REPLACE FUNCTION setia_reject_event(
  p_store text, p_event_id text, p_reason text, p_detail text, p_topic text, p_raw_hex text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_result jsonb;
BEGIN
  IF p_event_id IS NOT NULL AND p_store IS NOT NULL THEN
    v_result := jsonb_build_object(
      'schema', 'setia.pos.result/1', 'event_id', p_event_id, 'store_id', p_store,
      'status', 'rejected', 'reason', p_reason, 'detail', p_detail, 'duplicate', false);
    INSERT INTO events (store_id, event_id, kind, status, reason, result)
    VALUES (p_store, p_event_id, 'sale', 'rejected', p_reason, v_result)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
      SELECT result INTO v_result FROM events WHERE store_id = p_store AND event_id = p_event_id;
      RETURN v_result || '{"duplicate": true}';
    END IF;
  END IF;
  INSERT INTO dead_letters (store_id, event_id, topic, reason, detail, payload)
  VALUES (p_store, p_event_id, p_topic, p_reason, p_detail, decode(p_raw_hex, 'hex'));
  RETURN coalesce(v_result, jsonb_build_object('status', 'rejected', 'reason', p_reason,
                                               'detail', p_detail, 'duplicate', false));
END;
$$;
