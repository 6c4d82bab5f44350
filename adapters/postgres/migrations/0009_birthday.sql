-- Birthday gifts: once per member and year (the primary key), given in one
-- transaction with the voucher and the 'birthday' notification, so that
-- several daemons, a restart or a run repeated the same day give nothing
-- twice. The daemon (core::birthday_job) decides when a store's send time
-- has come in its time zone and makes the codes and greetings.

CREATE TABLE birthday_gifts (
  member_id   bigint NOT NULL REFERENCES members(id),
  year        int NOT NULL,
  store_id    text NOT NULL,
  local_date  date NOT NULL,                    -- the store-local day it was given for
  voucher_id  bigint REFERENCES vouchers(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (member_id, year)
);

-- Whether a member born on p_birth celebrates on p_day: the same month and
-- day; 29 February birthdays on 28 February in a year without 29 February.
CREATE FUNCTION setia_celebrates_on(p_birth date, p_day date)
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_birth IS NOT NULL AND (
    (extract(month FROM p_birth) = extract(month FROM p_day) AND extract(day FROM p_birth) = extract(day FROM p_day))
    OR (extract(month FROM p_birth) = 2 AND extract(day FROM p_birth) = 29
        AND extract(month FROM p_day) = 2 AND extract(day FROM p_day) = 28
        AND extract(month FROM p_day + 1) = 3));
$$;

-- Members of p_store celebrating on p_day who have not had that year's gift.
CREATE FUNCTION setia_birthday_candidates(p_store text, p_day date)
RETURNS TABLE (member_id bigint, name text)
LANGUAGE sql STABLE AS $$
  SELECT m.id, m.name FROM members m
   WHERE m.store_id = p_store AND setia_celebrates_on(m.birth_date, p_day)
     AND NOT EXISTS (SELECT 1 FROM birthday_gifts g
                      WHERE g.member_id = m.id AND g.year = extract(year FROM p_day)::int)
   ORDER BY m.id;
$$;

-- Gives p_gifts ([{member_id, code, message_id, message_en}], codes and
-- greetings made by the daemon) for store-local day p_day: per member, the
-- gift row first (ON CONFLICT DO NOTHING: a member given already, even by
-- a concurrent transaction, is skipped), then the voucher and the
-- notification (dedupe 'birthday:<member>:<year>'). Members of another
-- store or not celebrating on p_day are skipped. Returns how many were given.
CREATE FUNCTION setia_birthday_gifts(p_store text, p_day date, p_title text, p_terms jsonb, p_gifts jsonb,
                                     p_now timestamptz)
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
    CONTINUE WHEN NOT FOUND OR NOT setia_celebrates_on(m.birth_date, p_day);
    INSERT INTO birthday_gifts (member_id, year, store_id, local_date)
    VALUES (m.id, v_year, p_store, p_day)
    ON CONFLICT DO NOTHING;
    CONTINUE WHEN NOT FOUND;
    v := setia_insert_voucher(p_store, m.id, g->>'code', p_title, p_terms, 'birthday', v_year::text, p_now);
    UPDATE birthday_gifts SET voucher_id = v.id WHERE member_id = m.id AND year = v_year;
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
