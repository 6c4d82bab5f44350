-- Notifications and the outbox ("Nothing leaves before it is committed": nothing leaves the
-- process before it is committed). A notification is what a member (or a
-- store's admins) is told, recorded in the transaction of the effect that
-- caused it; an outbox row is one delivery of it to one device or FCM
-- topic, claimed by the dispatcher with a lease.

ALTER TABLE members ADD COLUMN lang text NOT NULL DEFAULT 'id' CHECK (lang IN ('id', 'en'));

CREATE TABLE devices (
  token       text PRIMARY KEY,
  member_id   bigint NOT NULL REFERENCES members(id),
  platform    text NOT NULL DEFAULT 'android' CHECK (platform IN ('android', 'ios', 'web')),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_member ON devices (member_id);

CREATE TABLE notifications (
  id          bigserial PRIMARY KEY,
  store_id    text NOT NULL,
  member_id   bigint REFERENCES members(id),   -- NULL: to the store's admins (FCM topic)
  kind        text NOT NULL,                    -- sale_points, ...
  data        jsonb NOT NULL,                   -- what the texts are rendered from
  dedupe_key  text UNIQUE,                      -- e.g. 'sale:<sale id>': an effect notifies once
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_member ON notifications (member_id, id DESC);

CREATE TABLE outbox (
  id               bigserial PRIMARY KEY,
  notification_id  bigint NOT NULL REFERENCES notifications(id),
  device_token     text,                        -- one of device_token / fcm_topic
  fcm_topic        text,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),  -- also the lease: a claim pushes it ahead
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  CHECK ((device_token IS NULL) <> (fcm_topic IS NULL))
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

-- Records a notification for a member and one outbox row per device they
-- have now. Called inside the transaction of the effect.
CREATE FUNCTION setia_notify_member(p_store text, p_member bigint, p_kind text, p_data jsonb, p_dedupe text)
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
    INSERT INTO outbox (notification_id, device_token)
    SELECT v_id, token FROM devices WHERE member_id = p_member;
  END IF;
  RETURN v_id;
END;
$$;

-- Claims up to p_limit due rows for p_lease_s seconds (FOR UPDATE SKIP
-- LOCKED: concurrent workers and daemons never take the same row). A worker
-- that dies mid-send leaves the row to be claimed again when the lease
-- ends; the stable notification id keeps the phone from showing it twice.
CREATE FUNCTION setia_outbox_claim(p_limit int, p_lease_s int)
RETURNS TABLE (id bigint, notification_id bigint, device_token text, fcm_topic text, attempts int,
               store_id text, kind text, data jsonb, lang text, member_name text)
LANGUAGE sql AS $$
  WITH due AS (
    SELECT o.id FROM outbox o
     WHERE o.status = 'pending' AND o.next_attempt_at <= now()
     ORDER BY o.next_attempt_at, o.id
     LIMIT p_limit
     FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE outbox o SET attempts = o.attempts + 1,
                        next_attempt_at = now() + make_interval(secs => p_lease_s)
      FROM due WHERE o.id = due.id
    RETURNING o.id, o.notification_id, o.device_token, o.fcm_topic, o.attempts
  )
  SELECT c.id, c.notification_id, c.device_token, c.fcm_topic, c.attempts, n.store_id, n.kind, n.data,
         coalesce(m.lang, 'id'), m.name
    FROM claimed c JOIN notifications n ON n.id = c.notification_id
    LEFT JOIN members m ON m.id = n.member_id
   ORDER BY c.id;
$$;

-- After each member's sale: the points earned and the new balance (the
-- e-nota link is added by the dispatcher from the config's public URL).
CREATE FUNCTION setia_notify_sale(p_store text, p_member bigint, p_sale bigint, p_receipt text,
                                             p_points bigint, p_balance bigint)
RETURNS void
LANGUAGE sql AS $$
  SELECT setia_notify_member(p_store, p_member, 'sale_points',
           jsonb_build_object('sale_id', p_sale, 'receipt_no', p_receipt, 'points', p_points, 'balance', p_balance),
           'sale:' || p_sale);
$$;
