-- People who run a store's programme, with roles (docs/admin-accounts.md),
-- instead of one shared admin token per store.
--
-- An owner may do everything in their store and manages its admins; staff
-- may look members up, adjust points up to the limit their owner set, see
-- dead letters and run reservations; an operator (the vendor's, store_id
-- NULL) may do everything in every store. Logins are emails, unique over
-- the whole table (an admin logs in without naming a store). Nobody is
-- deleted: a disabled account keeps its name in the audit trail.
CREATE TABLE admins (
  id             bigserial PRIMARY KEY,
  store_id       text,
  login          text NOT NULL CHECK (login = lower(login) AND login LIKE '%_@_%'),
  name           text NOT NULL,
  role           text NOT NULL CHECK (role IN ('owner', 'staff', 'operator')),
  password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2%'),
  points_limit   bigint CHECK (points_limit >= 0),  -- staff: largest adjustment either way; NULL: none allowed
  disabled_at    timestamptz,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'operator') = (store_id IS NULL))
);
CREATE UNIQUE INDEX admins_login ON admins (login);
CREATE INDEX admins_store ON admins (store_id, id);

-- A bearer token is now one of three kinds: 'token' (a member's, or an
-- admin token of `setiactl admin token create`, which keeps working until
-- it expires: a store's is its owner, an all-store one an operator),
-- 'session' (an admin's login: their account decides, so disabling it or
-- changing its limit takes effect at the next request) or 'apikey' (a
-- named machine credential of at most 90 days with its own role, listed
-- and revoked by the store's owners; an operator's key is for every
-- store).
ALTER TABLE api_tokens
  ADD COLUMN kind text NOT NULL DEFAULT 'token' CHECK (kind IN ('token', 'session', 'apikey')),
  ADD COLUMN admin_id bigint REFERENCES admins(id),
  ADD COLUMN admin_role text CHECK (admin_role IN ('owner', 'staff', 'operator')),
  ADD COLUMN created_by text,
  ADD CONSTRAINT api_tokens_kind CHECK (
    (kind = 'session') = (admin_id IS NOT NULL)
    AND (kind = 'apikey') = (admin_role IS NOT NULL)
    AND (kind = 'token' OR role = 'admin')
    AND (kind <> 'apikey' OR (admin_role = 'operator') = (store_id IS NULL)));
CREATE INDEX api_tokens_admin ON api_tokens (admin_id) WHERE admin_id IS NOT NULL;
CREATE INDEX api_tokens_apikeys ON api_tokens (store_id, id) WHERE kind = 'apikey';
