-- Refunds (setia.pos.refund/1) and POS lookups (setia.pos.lookup/1).
--
-- A refund takes back the points its amount no longer earns: the daemon
-- evaluates the sale's rules again on total - refunded and passes the
-- difference (p_reversal). The member's balance never goes below zero: what
-- was already spent is recorded as a shortfall on the refund, not taken.
-- A refund whose sale has not arrived is parked (its event claimed with
-- status 'parked') and applied when the sale comes, or dead-lettered after
-- refunds.park_timeout_s.

ALTER TABLE events DROP CONSTRAINT events_status_check;
ALTER TABLE events ADD CONSTRAINT events_status_check CHECK (status IN ('applied', 'rejected', 'parked'));
ALTER TABLE events ALTER COLUMN result DROP NOT NULL;
ALTER TABLE events ADD COLUMN payload bytea;   -- kept for parked refunds only
ALTER TABLE events ADD COLUMN topic text;
CREATE INDEX events_parked ON events (store_id, received_at) WHERE status = 'parked';

ALTER TABLE sales ADD COLUMN refunded bigint NOT NULL DEFAULT 0;
ALTER TABLE sales ADD COLUMN points_reversed bigint NOT NULL DEFAULT 0;
ALTER TABLE sales ADD CONSTRAINT sales_refunded_check CHECK (refunded BETWEEN 0 AND total);

CREATE TABLE refunds (
  id               bigserial PRIMARY KEY,
  store_id         text NOT NULL,
  event_id         text NOT NULL,
  sale_id          bigint NOT NULL REFERENCES sales(id),
  amount           bigint NOT NULL CHECK (amount > 0),
  reason           text,
  points_reversed  bigint NOT NULL DEFAULT 0,   -- taken from the balance
  shortfall        bigint NOT NULL DEFAULT 0,   -- due but already spent: not taken
  occurred_at      timestamptz NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (store_id, event_id)
);
ALTER TABLE points_ledger ADD COLUMN refund_id bigint REFERENCES refunds(id);

-- What the daemon needs to decide a refund: the stored outcome when the
-- event was decided before; otherwise the sale (as a setia.pos.sale/1-like
-- document for the rules) with what was refunded and reversed so far, or
-- {"no_sale": true}.
CREATE FUNCTION setia_plan_refund(p_store text, p_event_id text, p_receipt text)
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
                  FROM sale_lines l WHERE l.sale_id = s.id)));
END;
$$;

-- Parks a refund that came before its sale. Returns NULL when newly parked
-- (nothing to tell the POS yet: it republishes until the result comes),
-- or the stored result of an event decided before.
CREATE FUNCTION setia_park_refund(p_store text, p_event_id text, p_topic text, p_raw_hex text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_result jsonb;
  v_status text;
BEGIN
  INSERT INTO events (store_id, event_id, kind, status, result, payload, topic)
  VALUES (p_store, p_event_id, 'refund', 'parked', NULL, decode(p_raw_hex, 'hex'), p_topic)
  ON CONFLICT DO NOTHING;
  IF FOUND THEN
    RETURN NULL;
  END IF;
  SELECT status, result INTO v_status, v_result FROM events WHERE store_id = p_store AND event_id = p_event_id;
  IF v_status = 'parked' THEN
    RETURN NULL;
  END IF;
  RETURN v_result || '{"duplicate": true}';
END;
$$;

-- Applies a refund to sale p_sale_id, provided nothing was refunded on it
-- since the daemon planned (p_expected_refunded); returns {"stale": true}
-- otherwise, and the daemon plans again.
CREATE FUNCTION setia_apply_refund(
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

  SELECT * INTO s FROM sales WHERE id = p_sale_id FOR UPDATE;
  IF s.refunded <> p_expected_refunded THEN
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
    SELECT code INTO v_code FROM members WHERE id = s.member_id;
    v_taken := setia_take_back_points(s.member_id, p_store, greatest(p_reversal, 0), s.id, p_event_id, v_refund_id);
    SELECT points INTO v_balance FROM members WHERE id = s.member_id;
    UPDATE refunds SET points_reversed = v_taken, shortfall = greatest(p_reversal, 0) - v_taken WHERE id = v_refund_id;
  END IF;
  UPDATE sales SET refunded = refunded + v_amount, points_reversed = points_reversed + greatest(p_reversal, 0)
   WHERE id = s.id;

  -- A fully refunded sale gives its vouchers back, while they are valid.
  IF s.refunded + v_amount = s.total THEN
    WITH back AS (
      UPDATE vouchers SET status = 'active', redeemed_sale_id = NULL, redeemed_at = NULL, discount = NULL
       WHERE redeemed_sale_id = s.id AND valid_until > now()
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

-- The parked refunds of a receipt (after its sale committed) and those
-- parked longer than p_older_than_s seconds (to be dead-lettered): event
-- id, topic and the payload as received.
CREATE FUNCTION setia_parked_refunds(p_store text, p_receipt text, p_older_than_s int)
RETURNS TABLE (store_id text, event_id text, topic text, payload_hex text)
LANGUAGE sql STABLE AS $$
  SELECT e.store_id, e.event_id, e.topic, encode(e.payload, 'hex')
    FROM events e
   WHERE e.status = 'parked'
     AND ((p_receipt IS NOT NULL AND e.store_id = p_store
           AND convert_from(e.payload, 'UTF8')::jsonb->>'receipt_no' = p_receipt)
          OR (p_older_than_s IS NOT NULL AND e.received_at < now() - make_interval(secs => p_older_than_s)))
   ORDER BY e.received_at;
$$;

-- A parked refund whose sale never came: rejected with its result (the POS
-- stops republishing) and a dead letter.
CREATE FUNCTION setia_reject_parked_refund(p_store text, p_event_id text, p_timeout_s int)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_result jsonb;
  e events%ROWTYPE;
BEGIN
  SELECT * INTO e FROM events WHERE store_id = p_store AND event_id = p_event_id AND status = 'parked' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;  -- applied meanwhile
  END IF;
  v_result := jsonb_build_object(
    'schema', 'setia.pos.result/1', 'event_id', p_event_id, 'store_id', p_store,
    'receipt_no', convert_from(e.payload, 'UTF8')::jsonb->>'receipt_no', 'status', 'rejected',
    'reason', 'refund_without_sale',
    'detail', format('no sale with this receipt arrived within %s seconds', p_timeout_s), 'duplicate', false);
  UPDATE events SET status = 'rejected', reason = 'refund_without_sale', result = v_result, payload = NULL
   WHERE store_id = p_store AND event_id = p_event_id;
  INSERT INTO dead_letters (store_id, event_id, topic, reason, detail, payload)
  VALUES (p_store, p_event_id, e.topic, 'refund_without_sale', v_result->>'detail', e.payload);
  RETURN v_result;
END;
$$;

-- The POS's question before it charges. Changes nothing.
CREATE FUNCTION setia_lookup(p_store text, p_member text, p_voucher text, p_basket jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m        members%ROWTYPE;
  v        vouchers%ROWTYPE;
  v_reply  jsonb := jsonb_build_object('schema', 'setia.pos.lookup-reply/1', 'ok', true);
  v_reason text;
BEGIN
  IF p_member IS NOT NULL THEN
    SELECT * INTO m FROM members WHERE store_id = p_store AND code = p_member;
    v_reply := v_reply || jsonb_build_object('member', CASE WHEN m.id IS NULL
      THEN jsonb_build_object('code', p_member, 'found', false)
      ELSE jsonb_build_object('code', m.code, 'name', m.name, 'points', m.points) END);
  END IF;
  IF p_voucher IS NOT NULL THEN
    SELECT * INTO v FROM vouchers WHERE code = setia_normalize_voucher_code(p_voucher);
    v_reason := setia_voucher_refusal(v, p_store, m.id, p_basket, now());
    v_reply := v_reply || jsonb_build_object('voucher', CASE WHEN v_reason IS NULL
      THEN jsonb_build_object('code', v.code, 'valid', true, 'discount', setia_voucher_discount(v, p_basket),
                              'title', v.title)
      ELSE jsonb_build_object('code', p_voucher, 'valid', false, 'reason', v_reason) END);
  END IF;
  RETURN v_reply;
END;
$$;

-- Tells setia_apply_sale's caller that refunds wait for this receipt.
CREATE FUNCTION setia_has_parked_refunds(p_store text, p_receipt text)
RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM events e WHERE e.status = 'parked' AND e.store_id = p_store
                    AND convert_from(e.payload, 'UTF8')::jsonb->>'receipt_no' = p_receipt);
$$;

-- Takes back up to p_points from a member for a refund: never more than the
-- balance (the rest is the refund's shortfall), from the refunded sale's own
-- lot first (setia_take_points keeps lots and balance equal). Returns what
-- was taken.
CREATE FUNCTION setia_take_back_points(p_member bigint, p_store text, p_points bigint, p_sale bigint,
                                       p_event_id text, p_refund bigint)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  t record;
BEGIN
  SELECT * INTO t FROM setia_take_points(p_member, p_points, 'reverse', p_store => p_store, p_sale => p_sale,
           p_event => p_event_id,
           p_from_lot => (SELECT l.id FROM points_ledger l WHERE l.sale_id = p_sale AND l.kind = 'earn'));
  IF t.ledger_id IS NOT NULL THEN
    UPDATE points_ledger SET refund_id = p_refund WHERE id = t.ledger_id;
  END IF;
  RETURN coalesce(t.taken, 0);
END;
$$;
