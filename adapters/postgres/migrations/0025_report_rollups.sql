-- The console's reports on a real store's history (issue 15 point 9,
-- bench/README.md): the dashboard, the sales report and the customers
-- report aggregated a period's (or every member's) rows on each request,
-- 0.4 to 15 s at 1,000,000 sales. These tables hold the closed days of
-- each store, rolled up by the report-rollup job (core/scheduler/
-- report_rollup_job.h) outside the sale's transaction: the per-sale
-- statement (setia_apply_sale) does no more work than before. A report
-- reads the rolled days of its range from here and the days from
-- report_rollups.rolled_until on (today, up to now) from the live rows
-- (pg_report_queries.cpp); vouchers are always read live, since a full
-- refund un-redeems one (redeemed_at set back to NULL).
--
-- Late rows (a sale dated into a rolled day, a refund of an old sale) are
-- found by id: each run re-rolls the days and members touched by rows
-- newer than the ids the run before last had seen (report_rollup_marks),
-- so a row whose transaction was still open at one run is caught at the
-- next. Until that run a rolled day does not show it.

-- Per store: the time zone its days were rolled in (a report in another
-- zone, after a rule file changed it, reads live until the job rolls the
-- store again) and the first day not rolled (the store's today at the run).
CREATE TABLE report_rollups (
  store_id      text PRIMARY KEY,
  tz            text NOT NULL,
  rolled_until  date NOT NULL,
  rolled_at     timestamptz NOT NULL DEFAULT now()
);

-- A closed store-local day: the sales report's columns but the vouchers'.
CREATE TABLE report_days (
  store_id         text NOT NULL,
  day              date NOT NULL,
  sales            bigint NOT NULL,
  amount           bigint NOT NULL,
  member_sales     bigint NOT NULL,
  member_amount    bigint NOT NULL,
  points_issued    bigint NOT NULL,
  points_redeemed  bigint NOT NULL,
  points_expired   bigint NOT NULL,
  points_reversed  bigint NOT NULL,
  points_adjusted  bigint NOT NULL,
  refunds          bigint NOT NULL,
  refunded         bigint NOT NULL,
  member_refunded  bigint NOT NULL,
  new_members      bigint NOT NULL,
  promo_claims     bigint NOT NULL,
  PRIMARY KEY (store_id, day)
);

-- A closed day's sales of one product (by the name on the receipt).
CREATE TABLE report_day_products (
  store_id  text NOT NULL,
  day       date NOT NULL,
  name      text NOT NULL,
  sku       text,  -- the greatest of its SKUs that day, NULL when none was sent
  qty       bigint NOT NULL,
  amount    bigint NOT NULL,
  PRIMARY KEY (store_id, day, name)
);

-- A member's sales on the store's closed days: count, last, and what they
-- paid less what was refunded (sales.refunded as of the run).
CREATE TABLE report_members (
  store_id   text NOT NULL,
  member_id  bigint NOT NULL,
  purchases  bigint NOT NULL,
  last_at    timestamptz NOT NULL,
  spend      bigint NOT NULL,
  PRIMARY KEY (store_id, member_id)
);
-- The customers report's top (spend down, id up) and its list's pages
-- (spend down, id down: this one read backwards) without reading them all.
CREATE INDEX report_members_spend_top ON report_members (store_id, spend DESC, member_id);
CREATE INDEX report_members_spend ON report_members (store_id, spend, member_id);

-- The store-local months in which a member bought on a closed day (the
-- customers report's active members by month). Only ever added to: a
-- refund does not undo a purchase.
CREATE TABLE report_member_months (
  store_id   text NOT NULL,
  month      date NOT NULL,  -- its first day
  member_id  bigint NOT NULL,
  PRIMARY KEY (store_id, month, member_id)
);

-- How many members bought in each store-local month on rolled days: the
-- rows of report_member_months, counted as they are added.
CREATE TABLE report_months (
  store_id  text NOT NULL,
  month     date NOT NULL,
  buyers    bigint NOT NULL,
  PRIMARY KEY (store_id, month)
);

-- The ids each source table had at the last run (seen) and at the one
-- before (seen_before); a run re-rolls what rows above seen_before touch.
-- Started at today's ids: a store's first roll reads all of its rows.
CREATE TABLE report_rollup_marks (
  source       text PRIMARY KEY CHECK (source IN ('sales', 'points_ledger', 'refunds', 'members', 'promo_claims')),
  seen         bigint NOT NULL,
  seen_before  bigint NOT NULL
);
INSERT INTO report_rollup_marks (source, seen, seen_before)
SELECT source, n, n FROM (
  SELECT 'sales' AS source, coalesce(max(id), 0) AS n FROM sales
  UNION ALL SELECT 'points_ledger', coalesce(max(id), 0) FROM points_ledger
  UNION ALL SELECT 'refunds', coalesce(max(id), 0) FROM refunds
  UNION ALL SELECT 'members', coalesce(max(id), 0) FROM members
  UNION ALL SELECT 'promo_claims', coalesce(max(id), 0) FROM promo_claims) x;

-- Rolls the store's days p_d0 to p_d1 (store-local, inclusive) in p_tz
-- again from the live rows, each source by its (store_id, time) index:
-- the same sums as the live report (pg_report_queries.cpp).
CREATE FUNCTION setia_report_roll_days(p_store text, p_tz text, p_d0 date, p_d1 date) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM report_days WHERE store_id = p_store AND day BETWEEN p_d0 AND p_d1;
  DELETE FROM report_day_products WHERE store_id = p_store AND day BETWEEN p_d0 AND p_d1;
  WITH b AS (SELECT (p_d0::timestamp AT TIME ZONE p_tz) AS lo, ((p_d1 + 1)::timestamp AT TIME ZONE p_tz) AS hi)
  INSERT INTO report_days (store_id, day, sales, amount, member_sales, member_amount, points_issued, points_redeemed,
                           points_expired, points_reversed, points_adjusted, refunds, refunded, member_refunded,
                           new_members, promo_claims)
  SELECT p_store, (x.at AT TIME ZONE p_tz)::date, sum(x.n), sum(x.amount), sum(x.mn), sum(x.mamount), sum(x.issued),
         sum(x.redeemed), sum(x.expired), sum(x.reversed), sum(x.adjusted), sum(x.rn), sum(x.ramount), sum(x.rmamount),
         sum(x.nm), sum(x.pc)
    FROM (SELECT s.occurred_at AS at, 1 AS n, s.total AS amount, (s.member_id IS NOT NULL)::int AS mn,
                 CASE WHEN s.member_id IS NOT NULL THEN s.total ELSE 0 END AS mamount, 0::bigint AS issued,
                 0::bigint AS redeemed, 0::bigint AS expired, 0::bigint AS reversed, 0::bigint AS adjusted, 0 AS rn,
                 0::bigint AS ramount, 0::bigint AS rmamount, 0 AS nm, 0 AS pc
            FROM b JOIN sales s ON s.store_id = p_store AND s.occurred_at >= b.lo AND s.occurred_at < b.hi
          UNION ALL
          SELECT l.created_at, 0, 0, 0, 0, CASE WHEN l.kind = 'earn' THEN l.points ELSE 0 END,
                 CASE WHEN l.kind = 'redeem' THEN -l.points ELSE 0 END, CASE WHEN l.kind = 'expire' THEN -l.points ELSE 0 END,
                 CASE WHEN l.kind = 'reverse' THEN -l.points ELSE 0 END, CASE WHEN l.kind = 'adjust' THEN l.points ELSE 0 END,
                 0, 0, 0, 0, 0
            FROM b JOIN points_ledger l ON l.store_id = p_store AND l.created_at >= b.lo AND l.created_at < b.hi
          UNION ALL
          SELECT r.occurred_at, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, r.amount,
                 CASE WHEN s.member_id IS NOT NULL THEN r.amount ELSE 0 END, 0, 0
            FROM b JOIN refunds r ON r.store_id = p_store AND r.occurred_at >= b.lo AND r.occurred_at < b.hi
            JOIN sales s ON s.id = r.sale_id AND s.store_id = r.store_id
          UNION ALL
          SELECT m.created_at, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0
            FROM b JOIN members m ON m.store_id = p_store AND m.created_at >= b.lo AND m.created_at < b.hi
          UNION ALL
          SELECT c.claimed_at, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
            FROM b JOIN promo_claims c ON c.store_id = p_store AND c.claimed_at >= b.lo AND c.claimed_at < b.hi) x
   GROUP BY 2;
  WITH b AS (SELECT (p_d0::timestamp AT TIME ZONE p_tz) AS lo, ((p_d1 + 1)::timestamp AT TIME ZONE p_tz) AS hi)
  INSERT INTO report_day_products (store_id, day, name, sku, qty, amount)
  SELECT p_store, (s.occurred_at AT TIME ZONE p_tz)::date, l.name, max(l.sku), sum(l.qty), sum(l.amount)
    FROM b JOIN sales s ON s.store_id = p_store AND s.occurred_at >= b.lo AND s.occurred_at < b.hi
    JOIN sale_lines l ON l.sale_id = s.id AND l.store_id = s.store_id
   GROUP BY 2, 3;
$$;

-- Sets the totals of the store's members p_members (NULL: all of them) from
-- their sales before p_until, and adds the months they bought in. A few
-- members are read by sales_member (member_id, occurred_at), one by one;
-- all of them by sales_store_time.
CREATE FUNCTION setia_report_roll_members(p_store text, p_tz text, p_members bigint[], p_until timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_members IS NULL THEN
    INSERT INTO report_members (store_id, member_id, purchases, last_at, spend)
    SELECT p_store, s.member_id, count(*), max(s.occurred_at), sum(s.total - s.refunded)
      FROM sales s
     WHERE s.store_id = p_store AND s.member_id IS NOT NULL AND s.occurred_at < p_until
     GROUP BY s.member_id
    ON CONFLICT (store_id, member_id) DO UPDATE
      SET purchases = EXCLUDED.purchases, last_at = EXCLUDED.last_at, spend = EXCLUDED.spend;
    WITH added AS (
    INSERT INTO report_member_months (store_id, month, member_id)
    SELECT DISTINCT p_store, date_trunc('month', s.occurred_at AT TIME ZONE p_tz)::date, s.member_id
      FROM sales s
     WHERE s.store_id = p_store AND s.member_id IS NOT NULL AND s.occurred_at < p_until
    ON CONFLICT DO NOTHING
    RETURNING month)
    INSERT INTO report_months (store_id, month, buyers)
    SELECT p_store, month, count(*) FROM added GROUP BY month
    ON CONFLICT (store_id, month) DO UPDATE SET buyers = report_months.buyers + EXCLUDED.buyers;
  ELSE
    INSERT INTO report_members (store_id, member_id, purchases, last_at, spend)
    SELECT p_store, s.member_id, count(*), max(s.occurred_at), sum(s.total - s.refunded)
      FROM (SELECT DISTINCT unnest(p_members) AS id) u
      JOIN sales s ON s.member_id = u.id AND s.store_id = p_store AND s.occurred_at < p_until
     GROUP BY s.member_id
    ON CONFLICT (store_id, member_id) DO UPDATE
      SET purchases = EXCLUDED.purchases, last_at = EXCLUDED.last_at, spend = EXCLUDED.spend;
    WITH added AS (
    INSERT INTO report_member_months (store_id, month, member_id)
    SELECT DISTINCT p_store, date_trunc('month', s.occurred_at AT TIME ZONE p_tz)::date, s.member_id
      FROM (SELECT DISTINCT unnest(p_members) AS id) u
      JOIN sales s ON s.member_id = u.id AND s.store_id = p_store AND s.occurred_at < p_until
    ON CONFLICT DO NOTHING
    RETURNING month)
    INSERT INTO report_months (store_id, month, buyers)
    SELECT p_store, month, count(*) FROM added GROUP BY month
    ON CONFLICT (store_id, month) DO UPDATE SET buyers = report_months.buyers + EXCLUDED.buyers;
  END IF;
END
$$;

-- Rolls the store's days from where it stopped to yesterday (its today in
-- p_tz by the database's clock), or all of them when it has no rollup or
-- one in another zone. Returns the days rolled.
CREATE FUNCTION setia_report_roll_store(p_store text, p_tz text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_today date := (now() AT TIME ZONE p_tz)::date;
  v_state report_rollups;
  v_from date;
  v_until timestamptz := v_today::timestamp AT TIME ZONE p_tz;
BEGIN
  SELECT * INTO v_state FROM report_rollups WHERE store_id = p_store FOR UPDATE;
  IF FOUND AND v_state.tz = p_tz THEN
    v_from := v_state.rolled_until;
    IF v_from < v_today THEN
      -- The members who bought on the days now closing.
      PERFORM setia_report_roll_members(p_store, p_tz, ARRAY(
        SELECT DISTINCT s.member_id FROM sales s
         WHERE s.store_id = p_store AND s.member_id IS NOT NULL
           AND s.occurred_at >= (v_from::timestamp AT TIME ZONE p_tz) AND s.occurred_at < v_until), v_until);
    END IF;
  ELSE
    DELETE FROM report_days WHERE store_id = p_store;
    DELETE FROM report_day_products WHERE store_id = p_store;
    DELETE FROM report_members WHERE store_id = p_store;
    DELETE FROM report_member_months WHERE store_id = p_store;
    DELETE FROM report_months WHERE store_id = p_store;
    -- least() skips NULLs: the store's first row of any source.
    v_from := (least((SELECT min(occurred_at) FROM sales WHERE store_id = p_store),
                     (SELECT min(created_at) FROM points_ledger WHERE store_id = p_store),
                     (SELECT min(occurred_at) FROM refunds WHERE store_id = p_store),
                     (SELECT min(created_at) FROM members WHERE store_id = p_store),
                     (SELECT min(claimed_at) FROM promo_claims WHERE store_id = p_store)) AT TIME ZONE p_tz)::date;
    v_from := coalesce(v_from, v_today);
    PERFORM setia_report_roll_members(p_store, p_tz, NULL, v_until);
  END IF;
  IF v_from < v_today THEN
    PERFORM setia_report_roll_days(p_store, p_tz, v_from, v_today - 1);
  END IF;
  INSERT INTO report_rollups (store_id, tz, rolled_until, rolled_at) VALUES (p_store, p_tz, v_today, now())
  ON CONFLICT (store_id) DO UPDATE SET tz = EXCLUDED.tz, rolled_until = EXCLUDED.rolled_until, rolled_at = now();
  RETURN greatest(v_today - v_from, 0);
END
$$;

-- Rolls again every rolled day and member that rows above the marks'
-- seen_before touch (late sales, refunds of old sales, ...), then moves the
-- marks on. Returns the days rolled again.
CREATE FUNCTION setia_report_roll_late() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_days integer := 0;
  d record;
BEGIN
  PERFORM 1 FROM report_rollup_marks FOR UPDATE;
  FOR d IN
    WITH mk AS (SELECT source, seen_before FROM report_rollup_marks),
    touched AS (
      SELECT s.store_id, s.occurred_at AS at FROM sales s WHERE s.id > (SELECT seen_before FROM mk WHERE source = 'sales')
      UNION ALL
      SELECT l.store_id, l.created_at FROM points_ledger l
       WHERE l.id > (SELECT seen_before FROM mk WHERE source = 'points_ledger')
      UNION ALL
      SELECT r.store_id, r.occurred_at FROM refunds r WHERE r.id > (SELECT seen_before FROM mk WHERE source = 'refunds')
      UNION ALL
      SELECT m.store_id, m.created_at FROM members m WHERE m.id > (SELECT seen_before FROM mk WHERE source = 'members')
      UNION ALL
      SELECT c.store_id, c.claimed_at FROM promo_claims c
       WHERE c.id > (SELECT seen_before FROM mk WHERE source = 'promo_claims'))
    , days AS (
      SELECT DISTINCT t.store_id, st.tz, (t.at AT TIME ZONE st.tz)::date AS day
        FROM touched t JOIN report_rollups st ON st.store_id = t.store_id
       WHERE (t.at AT TIME ZONE st.tz)::date < st.rolled_until)
    -- Runs of consecutive days, each rolled in one go.
    SELECT store_id, tz, min(day) AS d0, max(day) AS d1
      FROM (SELECT days.*, day - (row_number() OVER (PARTITION BY store_id ORDER BY day))::integer AS run FROM days) x
     GROUP BY store_id, tz, run
  LOOP
    PERFORM setia_report_roll_days(d.store_id, d.tz, d.d0, d.d1);
    v_days := v_days + (d.d1 - d.d0 + 1);
  END LOOP;
  -- Members: a late sale of theirs, or a refund of one of their sales on a
  -- rolled day (it changed sales.refunded).
  FOR d IN
    WITH mk AS (SELECT source, seen_before FROM report_rollup_marks),
    touched AS (
      SELECT s.store_id, s.member_id, s.occurred_at FROM sales s
       WHERE s.id > (SELECT seen_before FROM mk WHERE source = 'sales') AND s.member_id IS NOT NULL
      UNION ALL
      SELECT s.store_id, s.member_id, s.occurred_at FROM refunds r JOIN sales s ON s.id = r.sale_id
       WHERE r.id > (SELECT seen_before FROM mk WHERE source = 'refunds') AND s.member_id IS NOT NULL)
    SELECT t.store_id, st.tz, st.rolled_until, array_agg(DISTINCT t.member_id) AS members
      FROM touched t JOIN report_rollups st ON st.store_id = t.store_id
     WHERE t.occurred_at < (st.rolled_until::timestamp AT TIME ZONE st.tz)
     GROUP BY t.store_id, st.tz, st.rolled_until
  LOOP
    PERFORM setia_report_roll_members(d.store_id, d.tz, d.members, d.rolled_until::timestamp AT TIME ZONE d.tz);
  END LOOP;
  UPDATE report_rollup_marks k
     SET seen_before = k.seen,
         seen = CASE k.source
                  WHEN 'sales' THEN (SELECT coalesce(max(id), 0) FROM sales)
                  WHEN 'points_ledger' THEN (SELECT coalesce(max(id), 0) FROM points_ledger)
                  WHEN 'refunds' THEN (SELECT coalesce(max(id), 0) FROM refunds)
                  WHEN 'members' THEN (SELECT coalesce(max(id), 0) FROM members)
                  ELSE (SELECT coalesce(max(id), 0) FROM promo_claims)
                END;
  RETURN v_days;
END
$$;
