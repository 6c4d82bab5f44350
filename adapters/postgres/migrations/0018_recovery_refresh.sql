-- A member's way back in, and tokens an app can renew (issue 14 point 2,
-- docs/rest-api-auth.md).
--
-- Recovery and claim codes: an owner or staff member issues a one-time
-- code (15 minutes, single use) that lets the member set a new password
-- ('recovery') or a first one for an account enrolled at the till or by
-- setiactl ('claim'). Only the SHA-256 of a code is kept.
CREATE TABLE recovery_codes (
  id          bigserial PRIMARY KEY,
  store_id    text NOT NULL,
  member_id   bigint NOT NULL REFERENCES members(id),
  digest      text NOT NULL UNIQUE CHECK (digest ~ '^[0-9a-f]{64}$'),
  purpose     text NOT NULL CHECK (purpose IN ('recovery', 'claim')),
  issued_by   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX recovery_codes_member ON recovery_codes (store_id, member_id, created_at);

-- Tokens of two more kinds: a member's short-lived 'access' token and its
-- 'refresh' token, which only POST /v1/auth/refresh takes. A refresh
-- token is used once: each use gives a new pair in the same family and
-- marks the old one used, so that a stolen one used after its owner did
-- (or the other way round) is seen, and the whole family ends.
ALTER TABLE api_tokens
  DROP CONSTRAINT api_tokens_kind_check,
  DROP CONSTRAINT api_tokens_kind,
  ADD COLUMN family_id bigint,
  ADD COLUMN used_at timestamptz,
  ADD CONSTRAINT api_tokens_kind CHECK (
    kind IN ('token', 'session', 'apikey', 'access', 'refresh')
    AND (kind = 'session') = (admin_id IS NOT NULL)
    AND (kind = 'apikey') = (admin_role IS NOT NULL)
    AND (kind IN ('token', 'access', 'refresh') OR role = 'admin')
    AND (kind NOT IN ('access', 'refresh') OR (role = 'member' AND family_id IS NOT NULL))
    AND (kind <> 'apikey' OR (admin_role = 'operator') = (store_id IS NULL)));
CREATE INDEX api_tokens_family ON api_tokens (family_id) WHERE family_id IS NOT NULL;
CREATE SEQUENCE api_token_families;
