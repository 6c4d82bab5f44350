-- The owner's console (issue 15, docs/console.md).
--
-- 1. A booking the shop takes by phone may be for a guest, who is no
--    member: a name and a phone instead of the member.
ALTER TABLE reservations ALTER COLUMN member_id DROP NOT NULL;
ALTER TABLE reservations ADD COLUMN guest_name text CHECK (length(guest_name) BETWEEN 1 AND 100);
ALTER TABLE reservations ADD COLUMN guest_phone text CHECK (length(guest_phone) <= 20);
ALTER TABLE reservations ADD CONSTRAINT reservations_member_or_guest
  CHECK ((member_id IS NULL) = (guest_name IS NOT NULL));

-- 2. The dashboard's counts of one store over a day or a month
--    (pg_report_queries.cpp), each an index range scan of that store and
--    period instead of a scan of the table: sales have sales_store_time
--    (0001); these are the others'.
CREATE INDEX points_ledger_store_time ON points_ledger (store_id, created_at);
CREATE INDEX vouchers_store_redeemed ON vouchers (store_id, redeemed_at) WHERE redeemed_at IS NOT NULL;
CREATE INDEX refunds_store_time ON refunds (store_id, occurred_at);
CREATE INDEX promo_claims_store_time ON promo_claims (store_id, claimed_at);
CREATE INDEX members_store_created ON members (store_id, created_at);
-- Push health of one store (GET /v1/admin/pushes): its deliveries by status.
CREATE INDEX outbox_store_status ON outbox (store_id, status, created_at);
