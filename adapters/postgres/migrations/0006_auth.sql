-- The REST API's accounts and tokens (adapters/rest, core/services/auth.h),
-- and what its admin views read: logins by email or phone, bearer tokens
-- kept only as digests, dead letters an admin replayed.

-- A member's password, argon2id as libsodium encodes it
-- ("$argon2id$v=19$m=65536,t=2,p=1$..."). Members added at the till have
-- none until they register in the app... which they cannot with the same
-- phone; an admin helps then.
CREATE TABLE member_credentials (
  member_id      bigint PRIMARY KEY REFERENCES members(id),
  password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2%'),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Bearer tokens. Only the SHA-256 of a token is stored: a copy of this table
-- opens no account. A member token speaks for one member; an admin token
-- (made by `setiactl admin token create`) for one store or, with store_id
-- NULL, every store.
CREATE TABLE api_tokens (
  id          bigserial PRIMARY KEY,
  digest      text NOT NULL UNIQUE CHECK (digest ~ '^[0-9a-f]{64}$'),
  role        text NOT NULL CHECK (role IN ('member', 'admin')),
  member_id   bigint REFERENCES members(id),
  store_id    text,
  label       text NOT NULL,
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'member') = (member_id IS NOT NULL)),
  CHECK (role = 'admin' OR store_id IS NOT NULL)
);
CREATE INDEX api_tokens_member ON api_tokens (member_id) WHERE member_id IS NOT NULL;
CREATE INDEX api_tokens_expiry ON api_tokens (expires_at);

-- Login by email (any case) or by phone as digits and '+' only, in any
-- store (the app may not say which).
CREATE INDEX members_login_email ON members (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX members_login_phone ON members (regexp_replace(phone, '[^0-9+]', '', 'g'));

-- Admin lists page by id, newest first.
CREATE INDEX dead_letters_store_id ON dead_letters (store_id, id DESC);
CREATE INDEX vouchers_member_id ON vouchers (member_id, id DESC) WHERE member_id IS NOT NULL;

-- A replay (POST /v1/admin/deadletters/{id}/replay) re-runs the payload
-- through the pipeline; the letter keeps when and what came of it.
ALTER TABLE dead_letters ADD COLUMN replayed_at timestamptz, ADD COLUMN replay_result jsonb;
