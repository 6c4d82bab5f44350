-- Pushes the scheduler decides on (core/scheduler/): reminders of points
-- about to expire, promo announcements, and alerts to a store's admins
-- through an FCM topic. Each is recorded under a unique key in the same
-- transaction as its notification and outbox rows, so that several daemons,
-- a restart or a run repeated the same day never send one twice.

-- A lot is reminded about once (the primary key). The notification covers
-- every lot of its member that one run found.
CREATE TABLE points_expiry_reminders (
  lot_id           bigint PRIMARY KEY REFERENCES points_ledger(id),
  notification_id  bigint REFERENCES notifications(id),
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- A store's reminders run once per store-local day: lots earned after the
-- day's run wait for the next day's, so a sale whose points already end
-- inside the window is not followed a minute later by a reminder.
CREATE TABLE points_expiry_reminder_runs (
  store_id    text NOT NULL,
  local_date  date NOT NULL,
  members     int NOT NULL DEFAULT 0,            -- notified
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, local_date)
);

-- The reminder's scan: one store's open lots by expiry (points_lots_due in
-- 0005 has no store, so a vendor's store would read every store's lots).
CREATE INDEX points_lots_due_by_store ON points_ledger (store_id, expires_at)
  WHERE remaining > 0 AND expires_at IS NOT NULL;

-- For p_store on its local day p_day, once: every member with lots that
-- still hold points, expire in (p_now, p_until] and were never reminded
-- about gets one 'points_expiring' notification (dedupe 'expiring:<first
-- lot id>') with the points those lots hold, the earliest expiry instant
-- and the last day they are valid in p_zone (the store's tz database zone:
-- points expiring at 00:00 on 1 June are valid until 31 May). Returns how
-- many members were notified, or NULL when p_day's run was done already.
CREATE FUNCTION setia_remind_expiring(p_store text, p_zone text, p_day date, p_now timestamptz, p_until timestamptz)
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
  -- A concurrent run of the same day (which the advisory lock should
  -- prevent anyway) waits here on the key and then finds it taken.
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
       AND NOT EXISTS (SELECT 1 FROM points_expiry_reminders x WHERE x.lot_id = l.id)
     GROUP BY l.member_id
     ORDER BY l.member_id
  LOOP
    WITH claimed AS (
      INSERT INTO points_expiry_reminders (lot_id) SELECT unnest(r.lots)
      ON CONFLICT DO NOTHING RETURNING lot_id
    )
    SELECT array_agg(lot_id ORDER BY lot_id) INTO v_lots FROM claimed;
    CONTINUE WHEN v_lots IS NULL;
    SELECT sum(remaining)::bigint, min(expires_at) INTO v_points, v_first
      FROM points_ledger WHERE id = ANY (v_lots);
    v_id := setia_notify_member(p_store, r.member_id, 'points_expiring',
              jsonb_build_object('points', v_points, 'lots', cardinality(v_lots),
                                 'expires_at', extract(epoch FROM v_first)::bigint,
                                 'valid_until', to_char((v_first - interval '1 second') AT TIME ZONE p_zone, 'YYYY-MM-DD')),
              'expiring:' || v_lots[1]);
    UPDATE points_expiry_reminders SET notification_id = v_id WHERE lot_id = ANY (v_lots);
    v_n := v_n + 1;
  END LOOP;
  UPDATE points_expiry_reminder_runs SET members = v_n WHERE store_id = p_store AND local_date = p_day;
  RETURN v_n;
END;
$$;

-- Whether a member wants promo announcements (marketing pushes, which need
-- their consent); pushes about their own points and gifts are not marketing.
-- They turn it off in the app (PATCH /v1/me {"promo_pushes": false}).
ALTER TABLE members ADD COLUMN promo_pushes boolean NOT NULL DEFAULT true;

-- A promo is announced once per store and start date (a promo whose dates
-- are moved to a new start is a new campaign and announced again).
CREATE TABLE promo_announcements (
  store_id    text NOT NULL,
  promo_id    text NOT NULL,
  from_date   date NOT NULL,
  members     int NOT NULL DEFAULT 0,            -- notified
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, promo_id, from_date)
);

-- Announces promo p_promo of p_store (starting p_from) to every member of
-- the store who has not turned promo pushes off: one 'promo' notification each (dedupe
-- 'promo:<store>:<promo>:<from>:<member>') and an outbox row per device, set
-- based so a store with many members is one statement. Returns how many
-- members were notified, or NULL when the promo was announced already.
CREATE FUNCTION setia_announce_promo(p_store text, p_promo text, p_from date, p_data jsonb)
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
    INSERT INTO outbox (notification_id, device_token)
    SELECT n.id, d.token FROM n JOIN devices d ON d.member_id = n.member_id
  )
  SELECT count(*) INTO v_n FROM n;
  UPDATE promo_announcements SET members = v_n
   WHERE store_id = p_store AND promo_id = p_promo AND from_date = p_from;
  RETURN v_n;
END;
$$;

-- The FCM topic of a store's admins; their app subscribes to it. Store ids
-- ([a-z0-9][a-z0-9-]*) are valid in FCM topic names as they are.
CREATE FUNCTION setia_admin_topic(p_store text)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT 'setia-admins-' || p_store;
$$;

-- Records a notification for the admins of p_store (member_id NULL) and
-- its one outbox row, to the store's admin topic. Called inside the
-- transaction of the effect; later features (reservations) use it too.
CREATE FUNCTION setia_notify_admins(p_store text, p_kind text, p_data jsonb, p_dedupe text)
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
    INSERT INTO outbox (notification_id, fcm_topic) VALUES (v_id, setia_admin_topic(p_store));
  END IF;
  RETURN v_id;
END;
$$;

-- Dead letters the store's admins were told about. Those stored before this
-- migration count as told: the first alert must not replay history. A
-- constant default fills the old rows without rewriting the table (no long
-- lock on a big dead_letters); new rows start untold (NULL).
ALTER TABLE dead_letters ADD COLUMN admins_told_at timestamptz DEFAULT '-infinity';
ALTER TABLE dead_letters ALTER COLUMN admins_told_at DROP DEFAULT;
CREATE INDEX dead_letters_untold ON dead_letters (store_id) WHERE admins_told_at IS NULL;

-- When each store's admins were last alerted: a POS that keeps sending bad
-- events costs them one push per p_gap, not one a minute.
CREATE TABLE dead_letter_alerts (
  store_id  text PRIMARY KEY,
  told_at   timestamptz NOT NULL
);

-- Tells the admins of each store with dead letters not told yet, and not
-- alerted within p_gap, about them: one 'dead_letters' notification (the
-- count, the latest reason and id). A store alerted less than p_gap ago
-- keeps its untold dead letters for the next alert, which counts them all.
-- Dead letters without a valid store id (a topic no store owns) are only
-- marked. Returns the stores told.
CREATE FUNCTION setia_alert_dead_letters(p_now timestamptz, p_gap interval)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  r    record;
  v_n  int := 0;
BEGIN
  UPDATE dead_letters SET admins_told_at = p_now
   WHERE admins_told_at IS NULL AND (store_id IS NULL OR store_id !~ '^[a-z0-9][a-z0-9-]{0,62}$');
  FOR r IN
    SELECT d.store_id, count(*) AS n, max(d.id) AS last_id,
           (array_agg(d.reason ORDER BY d.id DESC))[1] AS last_reason
      FROM dead_letters d
     WHERE d.admins_told_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM dead_letter_alerts a
                        -- an alert "in the future" (a clock that went back,
                        -- daemons that disagree) holds nothing back
                        WHERE a.store_id = d.store_id AND a.told_at > p_now - p_gap AND a.told_at <= p_now)
     GROUP BY d.store_id ORDER BY d.store_id
  LOOP
    UPDATE dead_letters SET admins_told_at = p_now
     WHERE store_id = r.store_id AND admins_told_at IS NULL AND id <= r.last_id;
    INSERT INTO dead_letter_alerts (store_id, told_at) VALUES (r.store_id, p_now)
    ON CONFLICT (store_id) DO UPDATE SET told_at = EXCLUDED.told_at;
    PERFORM setia_notify_admins(r.store_id, 'dead_letters',
              jsonb_build_object('count', r.n, 'last_id', r.last_id, 'last_reason', r.last_reason),
              'deadletters:' || r.store_id || ':' || r.last_id);
    v_n := v_n + 1;
  END LOOP;
  RETURN v_n;
END;
$$;
