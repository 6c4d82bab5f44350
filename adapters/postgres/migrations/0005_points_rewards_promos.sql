-- Points lots, spending and expiry; the reward catalog's stock; promo
-- claims; audited admin adjustments. docs/points.md tells the model and
-- which test proves each guarantee.
--
-- Every path that changes a member's points locks the member row first
-- (UPDATE members ... or SELECT ... FOR UPDATE) and only then the member's
-- lots or a counter row: one lock order, so these functions never deadlock
-- with each other or with setia_apply_sale.

-- A lot is a ledger row that added points (an earn, a positive adjustment):
-- `remaining` is what spending and expiry have not taken from it yet. The
-- ledger stays append-only in what it says happened (kind, points, source);
-- `remaining` is the lot's state. Invariants, checked by the tests after
-- every operation:
--   members.points = sum(points_ledger.points)     ("Nothing is spent twice")
--   members.points = sum(points_ledger.remaining)  (the lots hold the balance)
ALTER TABLE points_ledger
  ADD COLUMN remaining bigint,
  ADD COLUMN lot_id bigint REFERENCES points_ledger(id),   -- an 'expire' row: the lot it closed
  ADD COLUMN reward_id text,                               -- a 'redeem' row: what it bought
  ADD COLUMN voucher_id bigint REFERENCES vouchers(id),    -- a 'redeem' row: the voucher it became
  ADD CONSTRAINT points_ledger_lot_check CHECK (remaining IS NULL OR (points > 0 AND remaining BETWEEN 0 AND points)),
  ADD CONSTRAINT points_ledger_credit_is_lot CHECK (points <= 0 OR remaining IS NOT NULL);
-- The open lots of a member in spending order, and the lots due to expire.
CREATE INDEX points_lots_open ON points_ledger (member_id, expires_at, id) WHERE remaining > 0;
CREATE INDEX points_lots_due ON points_ledger (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;
-- A lot expires once, however often (and by however many daemons) the job runs.
CREATE UNIQUE INDEX points_ledger_expire_once ON points_ledger (lot_id) WHERE kind = 'expire';

-- Who changed a member's points by hand, when, why, and from what to what.
CREATE TABLE points_adjustments (
  id              bigserial PRIMARY KEY,
  member_id       bigint NOT NULL REFERENCES members(id),
  store_id        text NOT NULL,
  delta           bigint NOT NULL CHECK (delta <> 0),
  reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  actor           text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  balance_before  bigint NOT NULL,
  balance_after   bigint NOT NULL CHECK (balance_after >= 0 AND balance_after = balance_before + delta),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX points_adjustments_member ON points_adjustments (member_id, id DESC);
ALTER TABLE points_ledger ADD COLUMN adjustment_id bigint REFERENCES points_adjustments(id);

-- Vouchers given per reward and store. The stock itself is the rule file's
-- (it may change at a reload); this row counts what was given against it,
-- and its conditional UPDATE is what makes the last voucher go once.
CREATE TABLE reward_stock (
  store_id   text NOT NULL,
  reward_id  text NOT NULL,
  redeemed   bigint NOT NULL DEFAULT 0 CHECK (redeemed >= 0),
  PRIMARY KEY (store_id, reward_id)
);

-- Claims per promo and store (the total limit), and each claim (the
-- per-member limit and the voucher it gave).
CREATE TABLE promo_counters (
  store_id  text NOT NULL,
  promo_id  text NOT NULL,
  claimed   bigint NOT NULL DEFAULT 0 CHECK (claimed >= 0),
  PRIMARY KEY (store_id, promo_id)
);
CREATE TABLE promo_claims (
  id          bigserial PRIMARY KEY,
  store_id    text NOT NULL,
  promo_id    text NOT NULL,
  member_id   bigint NOT NULL REFERENCES members(id),
  voucher_id  bigint NOT NULL REFERENCES vouchers(id),
  claimed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX promo_claims_member ON promo_claims (member_id, store_id, promo_id);

-- Credits p_points to a member as a new lot expiring at p_expires_at (NULL:
-- never). Returns the ledger row (the lot) id.
CREATE FUNCTION setia_credit_points(
  p_member bigint, p_points bigint, p_kind text, p_expires_at timestamptz DEFAULT NULL,
  p_store text DEFAULT NULL, p_sale bigint DEFAULT NULL, p_event text DEFAULT NULL,
  p_adjustment bigint DEFAULT NULL, p_rule_ids text[] DEFAULT '{}', p_ruleset text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_store text;
  v_id    bigint;
BEGIN
  IF p_points IS NULL OR p_points <= 0 THEN
    RAISE EXCEPTION 'setia_credit_points: points must be above 0, got %', p_points USING ERRCODE = '22023';
  END IF;
  UPDATE members SET points = points + p_points WHERE id = p_member RETURNING store_id INTO v_store;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'setia_credit_points: no member %', p_member USING ERRCODE = '22023';
  END IF;
  INSERT INTO points_ledger (member_id, store_id, kind, points, remaining, expires_at, sale_id, event_id,
                             adjustment_id, rule_ids, ruleset_version)
  VALUES (p_member, coalesce(p_store, v_store), p_kind, p_points, p_points, p_expires_at, p_sale, p_event,
          p_adjustment, coalesce(p_rule_ids, '{}'), p_ruleset)
  RETURNING id INTO v_id;
  RETURN v_id;
END;
$$;

-- Takes p_points from the member's lots: p_from_lot first when given (a
-- refund takes back its own sale's lot before older ones), then the lot
-- that expires soonest (never-expiring lots last), oldest first on a tie.
-- Internal: the caller has already lowered the balance under the member lock.
CREATE FUNCTION setia_consume_lots(p_member bigint, p_points bigint, p_from_lot bigint DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_left bigint := p_points;
  v_take bigint;
  lot    record;
BEGIN
  FOR lot IN
    SELECT id, remaining FROM points_ledger
     WHERE member_id = p_member AND remaining > 0
     ORDER BY (id IS NOT DISTINCT FROM p_from_lot) DESC, expires_at ASC NULLS LAST, id
       FOR UPDATE
  LOOP
    EXIT WHEN v_left = 0;
    v_take := least(lot.remaining, v_left);
    UPDATE points_ledger SET remaining = remaining - v_take WHERE id = lot.id;
    v_left := v_left - v_take;
  END LOOP;
  -- v_left > 0 only if the lots held less than the balance (rows written
  -- around these functions): the balance is the truth, the rest has no lot.
END;
$$;

-- Spends p_points of a member, all or nothing: the balance only moves by
-- UPDATE ... WHERE points >= p_points ("Nothing is spent twice"), then the lots
-- give the points in spending order and one negative ledger row records it.
-- Returns the new balance, or NULL when the balance is short (nothing is
-- written). p_kind is 'redeem', 'reverse' or 'adjust'.
CREATE FUNCTION setia_spend_points(
  p_member bigint, p_points bigint, p_kind text,
  p_store text DEFAULT NULL, p_sale bigint DEFAULT NULL, p_event text DEFAULT NULL,
  p_reward text DEFAULT NULL, p_voucher bigint DEFAULT NULL, p_adjustment bigint DEFAULT NULL,
  p_from_lot bigint DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_balance bigint;
  v_store   text;
BEGIN
  IF p_points IS NULL OR p_points <= 0 THEN
    RAISE EXCEPTION 'setia_spend_points: points must be above 0, got %', p_points USING ERRCODE = '22023';
  END IF;
  IF p_kind NOT IN ('redeem', 'reverse', 'adjust') THEN
    RAISE EXCEPTION 'setia_spend_points: kind must be redeem, reverse or adjust, got %', p_kind USING ERRCODE = '22023';
  END IF;
  UPDATE members SET points = points - p_points
   WHERE id = p_member AND points >= p_points
  RETURNING points, store_id INTO v_balance, v_store;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  PERFORM setia_consume_lots(p_member, p_points, p_from_lot);
  INSERT INTO points_ledger (member_id, store_id, kind, points, sale_id, event_id, reward_id, voucher_id, adjustment_id)
  VALUES (p_member, coalesce(p_store, v_store), p_kind, -p_points, p_sale, p_event, p_reward, p_voucher, p_adjustment);
  RETURN v_balance;
END;
$$;

-- The refund's hook: takes up to p_points (never more than the balance,
-- which never goes below 0) from the lots as setia_spend_points does, and
-- says how much was taken, how much was short (already spent: the caller
-- records the shortfall), the new balance and the ledger row written (NULL
-- when nothing was taken), for the caller to link to its refund. p_from_lot:
-- the refunded sale's own earn row, so that the points it gave go first.
CREATE FUNCTION setia_take_points(
  p_member bigint, p_points bigint, p_kind text,
  p_store text DEFAULT NULL, p_sale bigint DEFAULT NULL, p_event text DEFAULT NULL,
  p_from_lot bigint DEFAULT NULL)
RETURNS TABLE (taken bigint, shortfall bigint, balance bigint, ledger_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_have  bigint;
  v_store text;
BEGIN
  IF p_kind NOT IN ('redeem', 'reverse', 'adjust') THEN
    RAISE EXCEPTION 'setia_take_points: kind must be redeem, reverse or adjust, got %', p_kind USING ERRCODE = '22023';
  END IF;
  SELECT m.points, m.store_id INTO v_have, v_store FROM members m WHERE m.id = p_member FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'setia_take_points: no member %', p_member USING ERRCODE = '22023';
  END IF;
  taken := least(greatest(coalesce(p_points, 0), 0), v_have);
  shortfall := greatest(coalesce(p_points, 0), 0) - taken;
  balance := v_have - taken;
  IF taken > 0 THEN
    UPDATE members m SET points = m.points - taken WHERE m.id = p_member;
    PERFORM setia_consume_lots(p_member, taken, p_from_lot);
    INSERT INTO points_ledger (member_id, store_id, kind, points, sale_id, event_id)
    VALUES (p_member, coalesce(p_store, v_store), p_kind, -taken, p_sale, p_event)
    RETURNING id INTO ledger_id;
  END IF;
  RETURN NEXT;
END;
$$;

-- Closes every lot that expired by p_now (expires_at <= p_now) with points
-- left, in p_store or everywhere (NULL): an 'expire' row per lot, the lot
-- zeroed, the balance lowered (never below 0). Idempotent: a zeroed lot is
-- not due any more and the unique index allows one 'expire' row per lot,
-- so a second run, or a daemon racing this one, writes nothing new. Runs
-- at most p_limit lots (NULL: all) so that a catch-up after downtime is
-- many short transactions, not one that holds member locks for long; the
-- caller repeats until fewer than p_limit came back.
CREATE FUNCTION setia_expire_points(p_now timestamptz, p_store text DEFAULT NULL, p_limit int DEFAULT NULL)
RETURNS TABLE (expired_lots bigint, expired_points bigint)
LANGUAGE plpgsql AS $$
DECLARE
  lot     record;
  v_have  bigint;
  v_left  bigint;
  v_take  bigint;
BEGIN
  expired_lots := 0;
  expired_points := 0;
  FOR lot IN
    SELECT l.id, l.member_id, l.store_id FROM points_ledger l
     WHERE l.remaining > 0 AND l.expires_at IS NOT NULL AND l.expires_at <= p_now
       AND (p_store IS NULL OR l.store_id = p_store)
     ORDER BY l.member_id, l.expires_at, l.id
     LIMIT p_limit
  LOOP
    -- The member first (the one lock order), then the lot again: a spend
    -- may have emptied it since the scan.
    SELECT m.points INTO v_have FROM members m WHERE m.id = lot.member_id FOR UPDATE;
    SELECT l.remaining INTO v_left FROM points_ledger l WHERE l.id = lot.id FOR UPDATE;
    CONTINUE WHEN v_left IS NULL OR v_left = 0;
    v_take := least(v_left, v_have);
    UPDATE points_ledger SET remaining = 0 WHERE id = lot.id;
    IF v_take > 0 THEN
      UPDATE members SET points = points - v_take WHERE id = lot.member_id;
      INSERT INTO points_ledger (member_id, store_id, kind, points, lot_id)
      VALUES (lot.member_id, lot.store_id, 'expire', -v_take, lot.id);
    END IF;
    expired_lots := expired_lots + 1;
    expired_points := expired_points + v_take;
  END LOOP;
  RETURN NEXT;
END;
$$;

-- An admin's correction, audited: a positive delta is a new lot expiring at
-- p_expires_at (the rules' expiry from now), a negative one is spent like a
-- redemption and refused when the balance is short. Returns
-- {"status": "adjusted", "adjustment_id", "before", "after"} or
-- {"status": "refused", "reason": "no_such_member" | "insufficient_points", "balance"}.
CREATE FUNCTION setia_adjust_points(p_member_code text, p_delta bigint, p_reason text, p_actor text,
                                    p_expires_at timestamptz DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  m      members%ROWTYPE;
  v_adj  bigint;
BEGIN
  SELECT * INTO m FROM members WHERE code = p_member_code FOR UPDATE;
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
    PERFORM setia_credit_points(m.id, p_delta, 'adjust', p_expires_at, p_adjustment => v_adj);
  ELSIF setia_spend_points(m.id, -p_delta, 'adjust', p_adjustment => v_adj) IS NULL THEN
    RAISE EXCEPTION 'setia_adjust_points: balance of member % moved under its lock', m.id;
  END IF;
  RETURN jsonb_build_object('status', 'adjusted', 'adjustment_id', v_adj, 'before', m.points,
                            'after', m.points + p_delta);
END;
$$;

-- A voucher given by a reward or a promo, valid for p_terms.valid_days
-- from p_now. p_terms: {kind, percent, max_off, amount_off, free_category,
-- free_sku, free_qty, min_spend, valid_days}. A taken code raises
-- unique_violation (23505): the caller rolls back and tries another code.
CREATE FUNCTION setia_insert_voucher(p_store text, p_member bigint, p_code text, p_title text, p_terms jsonb,
                                     p_source text, p_source_id text, p_now timestamptz)
RETURNS vouchers
LANGUAGE sql AS $$
  INSERT INTO vouchers (code, store_id, member_id, title, kind, percent, max_off, amount_off, free_category,
                        free_sku, free_qty, min_spend, valid_from, valid_until, source, source_id)
  VALUES (p_code, p_store, p_member, p_title, p_terms->>'kind', (p_terms->>'percent')::int,
          (p_terms->>'max_off')::bigint, (p_terms->>'amount_off')::bigint, p_terms->>'free_category',
          p_terms->>'free_sku', (p_terms->>'free_qty')::bigint, coalesce((p_terms->>'min_spend')::bigint, 0),
          p_now, p_now + make_interval(days => (p_terms->>'valid_days')::int), p_source, p_source_id)
  RETURNING *;
$$;

-- Exchanges p_cost points of member p_member_code (of store p_store) for a
-- reward's voucher, in one transaction: the member row locked, the balance
-- checked, one of p_stock counted (NULL: unlimited), the voucher inserted,
-- the cost spent as a 'redeem' row linked to it. The reward's date window is
-- the daemon's to check (rules::reward_available). Returns
-- {"status": "issued", "voucher": {code, valid_from, valid_until}, "balance"} or
-- {"status": "refused", "reason": "no_such_member" | "insufficient_points" | "out_of_stock", ...}.
CREATE FUNCTION setia_redeem_reward(p_store text, p_member_code text, p_reward text, p_cost bigint, p_stock bigint,
                                    p_code text, p_title text, p_terms jsonb, p_now timestamptz)
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
  v_balance := setia_spend_points(m.id, p_cost, 'redeem', p_reward => p_reward, p_voucher => v.id);
  IF v_balance IS NULL THEN
    RAISE EXCEPTION 'setia_redeem_reward: balance of member % moved under its lock', m.id;
  END IF;
  RETURN jsonb_build_object('status', 'issued', 'balance', v_balance,
    'voucher', jsonb_build_object('code', v.code, 'valid_from', v.valid_from, 'valid_until', v.valid_until));
END;
$$;

-- Claims a promo's voucher for member p_member_code of store p_store: at
-- most p_per_member claims per member (counted under the member's row
-- lock) and p_total in all (NULL: unlimited; a conditional UPDATE of the
-- promo's counter row). The promo's dates and audience are the daemon's to
-- check (rules::active_promos). Returns
-- {"status": "issued", "voucher": {code, valid_from, valid_until}} or
-- {"status": "refused", "reason": "no_such_member" | "already_claimed" | "sold_out", ...}.
CREATE FUNCTION setia_claim_promo(p_store text, p_member_code text, p_promo text, p_per_member int,
                                  p_total bigint, p_code text, p_title text, p_terms jsonb, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  m        members%ROWTYPE;
  v        vouchers%ROWTYPE;
  v_mine   bigint;
BEGIN
  SELECT * INTO m FROM members WHERE code = p_member_code AND store_id = p_store FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'refused', 'reason', 'no_such_member');
  END IF;
  -- A new statement after the lock: it sees the claims of every
  -- transaction that held the lock before this one.
  SELECT count(*) INTO v_mine FROM promo_claims
   WHERE member_id = m.id AND store_id = p_store AND promo_id = p_promo;
  IF v_mine >= p_per_member THEN
    RETURN jsonb_build_object('status', 'refused', 'reason', 'already_claimed', 'claimed', v_mine,
                              'per_member', p_per_member);
  END IF;
  INSERT INTO promo_counters (store_id, promo_id) VALUES (p_store, p_promo) ON CONFLICT DO NOTHING;
  UPDATE promo_counters SET claimed = claimed + 1
   WHERE store_id = p_store AND promo_id = p_promo AND (p_total IS NULL OR claimed < p_total);
  IF NOT FOUND THEN
    RETURN jsonb_build_object('status', 'refused', 'reason', 'sold_out', 'total', p_total);
  END IF;
  v := setia_insert_voucher(p_store, m.id, p_code, p_title, p_terms, 'promo', p_promo, p_now);
  INSERT INTO promo_claims (store_id, promo_id, member_id, voucher_id) VALUES (p_store, p_promo, m.id, v.id);
  RETURN jsonb_build_object('status', 'issued',
    'voucher', jsonb_build_object('code', v.code, 'valid_from', v.valid_from, 'valid_until', v.valid_until));
END;
$$;
