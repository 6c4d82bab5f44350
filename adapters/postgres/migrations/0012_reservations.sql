-- Table reservations (core/services/reservations.h). A reservation holds
-- `party` seats over [starts_at, ends_at) while it is pending or confirmed.
-- Whether a new one fits is decided in the adapter under a per-store
-- transaction-level advisory lock (pg_reservation_store.cpp), so that two
-- members booking the last seats at once never both get them.
CREATE TABLE reservations (
  id          bigserial PRIMARY KEY,
  store_id    text NOT NULL,
  member_id   bigint NOT NULL REFERENCES members(id),
  party       int NOT NULL CHECK (party > 0),
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL CHECK (ends_at > starts_at),
  local_date  date NOT NULL,                   -- the store-local day and time it starts,
  local_time  text NOT NULL,                   -- as the member asked ("19:00")
  note        text,
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'cancelled')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- The seats held around an instant (booking, availability).
CREATE INDEX reservations_holding ON reservations (store_id, starts_at) WHERE status <> 'cancelled';
-- An admin's day.
CREATE INDEX reservations_store_day ON reservations (store_id, local_date, starts_at);
-- A member's list, newest start first.
CREATE INDEX reservations_member ON reservations (member_id, starts_at DESC, id DESC);
