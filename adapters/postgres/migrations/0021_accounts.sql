-- Accounts people can trust (issue 14).
--
-- A store's phones are unique as they are compared, not as they were
-- typed: login, recovery and the login throttle read a phone as its digits
-- and '+' only (core/domain/member.h, normalized_phone), so
-- "+62 812-3456-7890" and "+6281234567890" are one phone, and one member.
-- Members are stored in that form since this version; older rows keep the
-- text they had, and the key below is on the normalised form of every row.
--
-- Rows that already collide once normalised are never merged, and no
-- winner is picked: which account is the person's (with its points,
-- history, vouchers and password), or whether they are two people who
-- typed one number, is for the shop to decide, not for a migration. So the
-- migration stops, naming the store and the member ids of each group (no
-- phone: the message goes to logs), and changes nothing: the migrator runs
-- each file in one transaction, and setiad and `setiactl db migrate` print
-- the message and exit. docs/operations.md ("Phones that collide") says how
-- to resolve the groups; then the migration is run again.
--
-- Keeping the colliding rows out of the key instead would let the daemon
-- start, but a login with that phone would then match two accounts, a new
-- registration with a third spelling would be refused while the two stay,
-- and nothing would make anyone resolve them: stopping is what an operator
-- cannot miss, and it costs one edit per group.
DO $$
DECLARE
  v_groups int;
  v_list   text;
BEGIN
  SELECT count(*), string_agg(format('store %s: members %s', g.store_id, g.ids), '; ' ORDER BY g.store_id, g.ids)
    INTO v_groups, v_list
    FROM (SELECT store_id, string_agg(id::text, ', ' ORDER BY id) AS ids
            FROM members
           GROUP BY store_id, regexp_replace(phone, '[^0-9+]', '', 'g')
          HAVING count(*) > 1) g;
  IF v_groups > 0 THEN
    RAISE EXCEPTION 'setia 0021: % group(s) of members of one store share a phone once spaces and dashes are removed; nothing was changed. Give each member of a group its own phone, or erase the account that is not the person''s (docs/operations.md, "Phones that collide"), then migrate again. %',
      v_groups, left(v_list, 4000);
  END IF;
END
$$;

ALTER TABLE members DROP CONSTRAINT members_store_id_phone_key;
CREATE UNIQUE INDEX members_store_phone ON members (store_id, regexp_replace(phone, '[^0-9+]', '', 'g'));

-- When a member's birth date was set, and by whom: a date set or changed
-- fewer than birthday.notice_days (rules/birthday.h) before the birthday
-- brings no gift that year, so a birth date typed in at the counter or in
-- the app to catch today's voucher waits a year. `birth_date_set_at` is
-- kept by the trigger below on every path (registration, PATCH, an
-- operator's SQL); `birth_date_set_by` is written by the statements that
-- change it: 'member', or an admin's audit name ("admin:3 owner@...",
-- "apikey:...", "cli:root"); NULL: given when the member joined. Members
-- who had one before this version count from when they joined: the
-- earliest it can have been set, and the date under which the shop had it.
ALTER TABLE members ADD COLUMN birth_date_set_at timestamptz, ADD COLUMN birth_date_set_by text;
UPDATE members SET birth_date_set_at = created_at WHERE birth_date IS NOT NULL;

-- A change of birth date restarts its clock; no birth date (an erasure
-- too) keeps no trace of one. An insert may name its own instant (a
-- member imported with the date the shop has had for years).
CREATE FUNCTION setia_birth_date_stamp()
RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.birth_date IS NULL THEN
    NEW.birth_date_set_at := NULL;
    NEW.birth_date_set_by := NULL;
  ELSIF TG_OP = 'INSERT' THEN
    NEW.birth_date_set_at := coalesce(NEW.birth_date_set_at, now());
  ELSIF NEW.birth_date IS DISTINCT FROM OLD.birth_date THEN
    NEW.birth_date_set_at := now();
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER members_birth_date_stamp BEFORE INSERT OR UPDATE OF birth_date ON members
  FOR EACH ROW EXECUTE FUNCTION setia_birth_date_stamp();

-- 0009's candidates and gifts, with the notice: a member whose birth date
-- was set at or after p_set_before gets nothing this year (the daemon
-- computes the instant in the store's zone, core/scheduler/birthday_job.h).
DROP FUNCTION setia_birthday_candidates(text, date);
CREATE FUNCTION setia_birthday_candidates(p_store text, p_day date, p_set_before timestamptz)
RETURNS TABLE (member_id bigint, name text)
LANGUAGE sql STABLE AS $$
  SELECT m.id, m.name FROM members m
   WHERE m.store_id = p_store AND setia_celebrates_on(m.birth_date, p_day)
     AND m.birth_date_set_at < p_set_before
     AND NOT EXISTS (SELECT 1 FROM birthday_gifts g
                      WHERE g.member_id = m.id AND g.year = extract(year FROM p_day)::int)
   ORDER BY m.id;
$$;

DROP FUNCTION setia_birthday_gifts(text, date, text, jsonb, jsonb, timestamptz);
CREATE FUNCTION setia_birthday_gifts(p_store text, p_day date, p_title text, p_terms jsonb, p_gifts jsonb,
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
