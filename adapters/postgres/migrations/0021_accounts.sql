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
