-- Setia schema, version 1: members, events (the idempotency claims and their
-- results), sales with their lines (the e-nota record), the points ledger,
-- dead letters. Money and points are bigint: never floats.

CREATE TABLE members (
  id          bigserial PRIMARY KEY,
  store_id    text NOT NULL,
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  phone       text NOT NULL,
  email       text,
  birth_date  date,
  points      bigint NOT NULL DEFAULT 0 CHECK (points >= 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (store_id, phone)
);
CREATE UNIQUE INDEX members_store_email ON members (store_id, lower(email)) WHERE email IS NOT NULL;

-- One row per (store, event_id) ever decided: the claim that makes a
-- redelivered or republished event count once, and the result it got.
CREATE TABLE events (
  store_id     text NOT NULL,
  event_id     text NOT NULL,
  kind         text NOT NULL,                -- sale
  status       text NOT NULL CHECK (status IN ('applied', 'rejected')),
  reason       text,
  sale_id      bigint,
  result       jsonb NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, event_id)
);

CREATE TABLE sales (
  id              bigserial PRIMARY KEY,
  store_id        text NOT NULL,
  event_id        text NOT NULL,
  receipt_no      text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  member_id       bigint REFERENCES members(id),
  member_code     text,                      -- as scanned, even when unknown
  customer_name   text,
  cashier         text,
  table_no        text,
  service         text,
  subtotal        bigint NOT NULL,
  discount        bigint NOT NULL DEFAULT 0,
  service_charge  bigint NOT NULL DEFAULT 0,
  tax             bigint NOT NULL DEFAULT 0,
  total           bigint NOT NULL,
  paid            bigint,
  change          bigint,
  payment_method  text,
  vouchers        text[] NOT NULL DEFAULT '{}',
  points_earned   bigint NOT NULL DEFAULT 0,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (store_id, receipt_no),
  UNIQUE (store_id, event_id)
);
CREATE INDEX sales_member ON sales (member_id, occurred_at DESC) WHERE member_id IS NOT NULL;
CREATE INDEX sales_store_time ON sales (store_id, occurred_at);

CREATE TABLE sale_lines (
  sale_id     bigint NOT NULL REFERENCES sales(id),
  line_no     int NOT NULL,
  sku         text,
  name        text NOT NULL,
  qty         bigint NOT NULL CHECK (qty > 0),
  unit_price  bigint NOT NULL CHECK (unit_price >= 0),
  category    text,
  amount      bigint NOT NULL,
  PRIMARY KEY (sale_id, line_no)
);

-- Append-only. A member's balance always equals the sum of their rows.
CREATE TABLE points_ledger (
  id               bigserial PRIMARY KEY,
  member_id        bigint NOT NULL REFERENCES members(id),
  store_id         text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('earn', 'redeem', 'expire', 'reverse', 'adjust')),
  points           bigint NOT NULL,
  sale_id          bigint REFERENCES sales(id),
  event_id         text,
  ruleset_version  text,
  rule_ids         text[] NOT NULL DEFAULT '{}',
  expires_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX points_ledger_member ON points_ledger (member_id, created_at);
-- A sale earns once.
CREATE UNIQUE INDEX points_ledger_earn_once ON points_ledger (sale_id) WHERE kind = 'earn';

CREATE TABLE dead_letters (
  id           bigserial PRIMARY KEY,
  store_id     text,
  event_id     text,
  topic        text NOT NULL,
  reason       text NOT NULL,
  detail       text NOT NULL,
  payload      bytea NOT NULL,               -- as received (bytes: it may not even be UTF-8)
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letters_store ON dead_letters (store_id, received_at DESC);
