-- The member's data rights (UU PDP, law 27/2022; docs/privacy.md says what
-- is kept, why and for how long): marketing consent recorded per channel,
-- erasure that keeps the books, and an index for the retention purge.

-- Every change of a member's marketing consent, as it happened: what
-- (channel, granted, the version of the wording the app showed: notice),
-- when (at), from where (source; the client's address from the app) and
-- by whom (actor: an admin's audit name). Append-only: a change is a new
-- row, and the row in force for a channel is its last one. Erasure keeps
-- the rows (the record that consent was given and withdrawn) and clears
-- their address and note. 'email_promo' and 'whatsapp_promo' are reserved:
-- Setia sends neither, and the API takes only the channels it uses.
CREATE TABLE consents (
  id         bigserial PRIMARY KEY,
  store_id   text NOT NULL,
  member_id  bigint NOT NULL REFERENCES members(id),
  channel    text NOT NULL CHECK (channel IN ('push_promo', 'email_promo', 'whatsapp_promo')),
  granted    boolean NOT NULL,
  source     text NOT NULL CHECK (source IN ('registration', 'app', 'admin', 'setiactl', 'migration', 'erasure')),
  address    text,
  actor      text,
  notice     text CHECK (length(notice) <= 100),
  note       text CHECK (length(note) <= 500),
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consents_in_force ON consents (store_id, member_id, channel, id DESC);

-- Whether member p_member of p_store consents to p_channel now: the last
-- row of the channel says granted. No row: never asked, so no.
CREATE FUNCTION setia_consent_granted(p_store text, p_member bigint, p_channel text)
RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT c.granted FROM consents c
                    WHERE c.store_id = p_store AND c.member_id = p_member AND c.channel = p_channel
                    ORDER BY c.id DESC LIMIT 1), false);
$$;

-- Promo pushes were on by default (0010) and no one was asked: a default
-- is not consent (UU PDP art. 20-22: consent is given, explicit and
-- recorded). So every existing member starts with push_promo off, and the
-- record says why: those who had turned it off chose so; the others were
-- never asked, and the app asks them (docs/privacy.md, "Consent").
INSERT INTO consents (store_id, member_id, channel, granted, source, note)
SELECT m.store_id, m.id, 'push_promo', false, 'migration',
       CASE WHEN m.promo_pushes
            THEN 'on by default before schema 19, never asked: off until the member opts in'
            ELSE 'turned off by the member before schema 19' END
  FROM members m;
ALTER TABLE members DROP COLUMN promo_pushes;

-- Records p_granted for p_channel of member p_member of p_store, with
-- where it came from, under the member's row lock (the one lock order of
-- 0005_points_rewards_promos.sql): a row only when it changes the state
-- in force, or gives a new notice (the member agreed again to a new
-- wording). Returns true when a row was written, false when nothing
-- changed, NULL when there is no such member (or it was erased).
CREATE FUNCTION setia_record_consent(p_store text, p_member bigint, p_channel text, p_granted boolean,
                                     p_source text, p_address text, p_actor text, p_notice text, p_note text)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  c consents%ROWTYPE;
BEGIN
  PERFORM 1 FROM members WHERE store_id = p_store AND id = p_member AND erased_at IS NULL FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT * INTO c FROM consents
   WHERE store_id = p_store AND member_id = p_member AND channel = p_channel ORDER BY id DESC LIMIT 1;
  IF FOUND AND c.granted = p_granted AND (p_notice IS NULL OR p_notice IS NOT DISTINCT FROM c.notice) THEN
    RETURN false;
  END IF;
  INSERT INTO consents (store_id, member_id, channel, granted, source, address, actor, notice, note)
  VALUES (p_store, p_member, p_channel, p_granted, p_source, p_address, p_actor, p_notice, p_note);
  RETURN true;
END;
$$;

-- 0016_store_id_everywhere.sql's announcement, to the members who
-- consent to promo pushes now (and were not erased).
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
      FROM members m
     WHERE m.store_id = p_store AND m.erased_at IS NULL AND setia_consent_granted(p_store, m.id, 'push_promo')
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

-- Erasure: the person is gone, the books stay. A member row is never
-- deleted (the ledger, sales, vouchers and reservations point at it); it
-- is emptied: erased_at set, name empty, email and birth date NULL, and
-- its code and phone replaced by a random value longer than any code a
-- till may send (core/pipeline/json_fields.h, kMaxIdLength 64), so that an
-- old QR, a typed code or a phone finds no one.
ALTER TABLE members ADD COLUMN erased_at timestamptz;

-- One row per erased member: who asked, when, why, what was removed
-- (counts), the points that lapsed. No personal data: `code_digest` is the
-- SHA-256 of the old member code, so that a repeated request naming that
-- code answers "erased already" (it tells nothing to anyone without the
-- code); `reason` is an admin's words (docs/privacy.md asks for no names).
CREATE TABLE member_erasures (
  id                bigserial PRIMARY KEY,
  store_id          text NOT NULL,
  member_id         bigint NOT NULL REFERENCES members(id),
  code_digest       bytea NOT NULL,
  requested_by      text NOT NULL CHECK (length(requested_by) BETWEEN 1 AND 200),
  reason            text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  points_forfeited  bigint NOT NULL CHECK (points_forfeited >= 0),
  removed           jsonb NOT NULL,
  at                timestamptz NOT NULL DEFAULT now(),
  UNIQUE (store_id, member_id)
);
CREATE INDEX member_erasures_code ON member_erasures (code_digest);

-- The erasure's outcome as the daemon reads it.
CREATE FUNCTION setia_erasure_json(e member_erasures, p_status text)
RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('status', p_status, 'id', e.id, 'store_id', e.store_id, 'member_id', e.member_id,
                            'requested_by', e.requested_by, 'reason', e.reason,
                            'points_forfeited', e.points_forfeited, 'removed', e.removed,
                            'at', floor(extract(epoch FROM e.at))::bigint);
$$;

-- Erases member p_key (an id or a member code) of p_store (NULL: any
-- store, for an operator) at the request of p_by, for p_reason, in one
-- transaction under the member's row lock:
--   kept, anonymous: the member row (emptied, see above), the points
--     ledger (the balance lapses through an audited adjustment, so the
--     balance still equals the ledger's sum and the lots are closed),
--     sales with their lines (without the customer name the till typed,
--     their member code the new one), vouchers (the usable ones void),
--     reservations (without their notes; those still to come cancelled,
--     the store's admins told with p_notify_admins), promo claims, points
--     adjustments, refunds, consents (without address and note; each
--     granted channel withdrawn by a row of source 'erasure');
--   removed: the password, every token, the devices, the member's
--     notifications and every delivery of them (pending ones too),
--     birthday gifts (their dates are the birthday), failed logins under
--     the member's email and phone, dead letters that carry the member
--     code (the POS's raw messages), and the old code in the events'
--     stored results.
-- Returns setia_erasure_json(...) with status 'erased', or 'already_erased'
-- with the first erasure's record (found by id, or by the old code's
-- digest), or {"status": "no_such_member"}.
CREATE FUNCTION setia_erase_member(p_store text, p_key text, p_by text, p_reason text, p_notify_admins boolean)
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
   WHERE account IN (lower(m.email) || '|' || m.store_id, lower(m.email) || '|*',
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
                         SELECT f.event_id FROM refunds f JOIN sales s ON s.id = f.sale_id
                          WHERE f.store_id = m.store_id AND s.member_id = m.id);
  UPDATE sales SET customer_name = NULL, member_code = v_code WHERE store_id = m.store_id AND member_id = m.id;
  GET DIAGNOSTICS v_n = ROW_COUNT;
  v_out := v_out || jsonb_build_object('sales_kept', v_n);

  UPDATE members SET name = '', email = NULL, birth_date = NULL, code = v_code, phone = v_code, erased_at = now()
   WHERE id = m.id;

  INSERT INTO member_erasures (store_id, member_id, code_digest, requested_by, reason, points_forfeited, removed)
  VALUES (m.store_id, m.id, sha256(convert_to(m.code, 'UTF8')), left(p_by, 200), left(p_reason, 500), v_points, v_out)
  RETURNING * INTO e;
  RETURN setia_erasure_json(e, 'erased');
END;
$$;

-- 0005_points_rewards_promos.sql's adjustment: an erased member (found
-- only by the random code no till can send) is no member.
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
    PERFORM setia_credit_points(m.id, p_delta, 'adjust', p_expires_at, p_adjustment => v_adj);
  ELSIF setia_spend_points(m.id, -p_delta, 'adjust', p_adjustment => v_adj) IS NULL THEN
    RAISE EXCEPTION 'setia_adjust_points: balance of member % moved under its lock', m.id;
  END IF;
  RETURN jsonb_build_object('status', 'adjusted', 'adjustment_id', v_adj, 'before', m.points,
                            'after', m.points + p_delta);
END;
$$;

-- The retention purge (core/scheduler/retention_purge_job.h) deletes
-- notifications by age, the oldest first, and expired tokens by expiry.
CREATE INDEX notifications_created ON notifications (created_at);
