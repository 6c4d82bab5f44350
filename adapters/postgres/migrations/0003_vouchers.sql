-- Vouchers: issued by an admin, a promo claim, a reward redemption or a
-- birthday gift; redeemed at the till inside the sale's transaction. A
-- voucher is redeemed at most once: its status moves from 'active' only by
-- a conditional UPDATE ("Nothing is spent twice").

CREATE TABLE vouchers (
  id                bigserial PRIMARY KEY,
  code              text NOT NULL UNIQUE,          -- V-XXXX-XXXX-XXXX, 60 random bits
  store_id          text NOT NULL,
  member_id         bigint REFERENCES members(id), -- NULL: anyone in the store may use it
  title             text NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('percent_off', 'amount_off', 'free_item')),
  percent           int CHECK (percent BETWEEN 1 AND 100),
  max_off           bigint CHECK (max_off >= 0),
  amount_off        bigint CHECK (amount_off >= 0),
  free_category     text,
  free_sku          text,
  free_qty          bigint CHECK (free_qty >= 1),
  min_spend         bigint NOT NULL DEFAULT 0 CHECK (min_spend >= 0),
  valid_from        timestamptz NOT NULL DEFAULT now(),
  valid_until       timestamptz NOT NULL,
  status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'redeemed', 'void')),
  source            text NOT NULL CHECK (source IN ('admin', 'promo', 'reward', 'birthday')),
  source_id         text,
  redeemed_sale_id  bigint REFERENCES sales(id),
  redeemed_at       timestamptz,
  discount          bigint,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'percent_off') = (percent IS NOT NULL)),
  CHECK ((kind = 'amount_off') = (amount_off IS NOT NULL)),
  CHECK ((kind = 'free_item') = (free_qty IS NOT NULL))
);
CREATE INDEX vouchers_member ON vouchers (member_id, created_at DESC) WHERE member_id IS NOT NULL;
CREATE INDEX vouchers_sale ON vouchers (redeemed_sale_id) WHERE redeemed_sale_id IS NOT NULL;

-- Every voucher code a sale carried, redeemed or refused with its reason.
CREATE TABLE sale_vouchers (
  sale_id   bigint NOT NULL REFERENCES sales(id),
  code      text NOT NULL,
  redeemed  boolean NOT NULL,
  reason    text,
  discount  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (sale_id, code)
);

-- What voucher `v` takes off a basket (a setia.pos.sale/1 or lookup body):
-- percent of the subtotal, floored, capped at max_off; a fixed amount,
-- capped at the subtotal; or the cheapest matching line's unit price times
-- the free quantity (at most the quantity bought). The same function
-- answers the POS's lookup and records the redemption.
CREATE FUNCTION setia_voucher_discount(v vouchers, p_basket jsonb)
RETURNS bigint
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  v_subtotal bigint := coalesce((p_basket->>'subtotal')::bigint, 0);
  v_price    bigint;
  v_qty      bigint;
BEGIN
  IF v.kind = 'percent_off' THEN
    RETURN least(v_subtotal * v.percent / 100, coalesce(v.max_off, v_subtotal));
  ELSIF v.kind = 'amount_off' THEN
    RETURN least(v.amount_off, v_subtotal);
  END IF;
  SELECT min((i->>'unit_price')::bigint), sum((i->>'qty')::bigint) INTO v_price, v_qty
    FROM jsonb_array_elements(coalesce(p_basket->'items', '[]')) AS i
   WHERE (v.free_category IS NOT NULL AND i->>'category' = v.free_category)
      OR (v.free_sku IS NOT NULL AND i->>'sku' = v.free_sku);
  RETURN coalesce(v_price * least(v.free_qty, v_qty), 0);
END;
$$;

-- Why `v` cannot be used on this basket by this member in a sale made at
-- `p_at`, or NULL when it can. The reasons are part of the POS contract.
-- Expiry is judged at the sale's time (a till that was offline syncs late
-- and its sale still counts), "not yet valid" at the server's (a till whose
-- clock is behind must not refuse a voucher issued minutes ago).
CREATE FUNCTION setia_voucher_refusal(v vouchers, p_store text, p_member bigint, p_basket jsonb, p_at timestamptz)
RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN v.id IS NULL THEN 'unknown_voucher'
    WHEN v.store_id <> p_store THEN 'other_store'
    WHEN v.status = 'redeemed' THEN 'already_redeemed'
    WHEN v.status = 'void' THEN 'void'
    WHEN now() < v.valid_from THEN 'not_yet_valid'
    WHEN p_at >= v.valid_until THEN 'expired'
    WHEN v.member_id IS NOT NULL AND v.member_id IS DISTINCT FROM p_member THEN 'other_member'
    WHEN coalesce((p_basket->>'subtotal')::bigint, 0) < v.min_spend THEN 'below_min_spend'
    WHEN v.kind = 'free_item' AND setia_voucher_discount(v, p_basket) = 0 THEN 'no_matching_item'
  END;
$$;

-- Redeems the sale's voucher codes in the sale's transaction: each valid one
-- once (the row lock and the status test make a second redemption, even a
-- concurrent one, find it 'redeemed'); each refused one with its reason.
-- Returns the result's "vouchers" array.
CREATE FUNCTION setia_redeem_vouchers(p_store text, p_sale_id bigint, p_member bigint, p_sale jsonb, p_at timestamptz)
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
    SELECT * INTO v FROM vouchers WHERE code = setia_normalize_voucher_code(v_code) FOR UPDATE;
    v_reason := setia_voucher_refusal(v, p_store, p_member, p_sale, p_at);
    IF v_reason IS NULL THEN
      v_off := setia_voucher_discount(v, p_sale);
      UPDATE vouchers SET status = 'redeemed', redeemed_sale_id = p_sale_id, redeemed_at = now(), discount = v_off
       WHERE id = v.id;
      INSERT INTO sale_vouchers (sale_id, code, redeemed, discount) VALUES (p_sale_id, v.code, true, v_off);
      v_out := v_out || jsonb_build_object('code', v.code, 'redeemed', true, 'discount', v_off, 'title', v.title);
    ELSE
      INSERT INTO sale_vouchers (sale_id, code, redeemed, reason) VALUES (p_sale_id, coalesce(v.code, v_code), false, v_reason)
      ON CONFLICT DO NOTHING;
      v_out := v_out || jsonb_build_object('code', coalesce(v.code, v_code), 'redeemed', false, 'reason', v_reason);
    END IF;
  END LOOP;
  RETURN v_out;
END;
$$;

-- Codes are typed by people and scanned by tills: compare them upper-case,
-- without spaces and dashes, then in their canonical V-XXXX-XXXX-XXXX form.
CREATE FUNCTION setia_normalize_voucher_code(p text)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN length(c) = 13 AND left(c, 1) = 'V'
              THEN 'V-' || substr(c, 2, 4) || '-' || substr(c, 6, 4) || '-' || substr(c, 10, 4)
              ELSE p END
    FROM (SELECT upper(regexp_replace(p, '[\s-]', '', 'g')) AS c) t;
$$;
