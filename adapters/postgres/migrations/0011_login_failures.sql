-- Wrong passwords per login (core::Auth's per-login limit), in the
-- database so that every daemon behind a balancer counts the same ones and
-- a restart forgets nothing. `account` is the login's throttle key: an
-- email in lower case or a phone's digits, then '|' and the store (or '*').
-- Rows older than the window are deleted as new failures come in.
CREATE TABLE login_failures (
  account  text NOT NULL,
  at       timestamptz NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account, at);
CREATE INDEX login_failures_at ON login_failures (at);
