-- The stores a hosted Setia serves, as `setiactl store add` provisions
-- them, and the ones an operator disabled (`setiactl store disable`: a
-- stolen or hostile till, a shop that left). A store without a row is
-- served as before: rule files alone still make a store (docs/operations.md,
-- "Adding a shop"). Every setiad reads the disabled rows every few seconds
-- and answers a disabled store's events with a dead letter
-- (store_disabled); nothing of the store is deleted.
CREATE TABLE stores (
  store_id        text PRIMARY KEY CHECK (store_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  disabled_at     timestamptz,
  disabled_reason text,
  CHECK ((disabled_at IS NULL) = (disabled_reason IS NULL))
);
