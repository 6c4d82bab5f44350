-- The customers report's segments (recency, frequency, spend) without
-- classifying every buyer on each request (issue 15 point 9: at 1,000,000
-- sales the report read the store's ~70,000 report_members rows each time,
-- p99 400-500 ms; bench/README.md). Per store, its rolled buyers (the rows
-- of report_members, 0025) counted per frequency bucket, per spend bucket
-- and per day of their last purchase. Statement triggers on report_members
-- keep the counts in the transaction that changes it, which is always the
-- report-rollup job's (setia_report_roll_store, setia_report_roll_late):
-- nothing is added to the sale's statement (setia_apply_sale). A report
-- corrects the counts with the buyers since the rollup's end
-- (pg_report_queries.cpp): each one's rolled row out, their merged
-- totals in.

-- The buckets of a buyer's purchases and spend (rupiah paid less refunded),
-- in one place: the triggers count rolled rows with them and the report
-- classifies today's buyers with them. Labels in pg_report_queries.cpp and
-- docs/openapi.yaml. numeric: the report's live sums are numeric.
CREATE FUNCTION setia_frequency_bucket(n numeric) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE WHEN n = 1 THEN 1 WHEN n <= 4 THEN 2 WHEN n <= 9 THEN 3 ELSE 4 END)::smallint
$$;

CREATE FUNCTION setia_spend_bucket(spend numeric) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE WHEN spend = 0 THEN 0 WHEN spend < 100000 THEN 1 WHEN spend < 500000 THEN 2
               WHEN spend < 2000000 THEN 3 ELSE 4 END)::smallint
$$;

-- A store's rolled buyers per bucket of a segment. Every buyer is in one
-- frequency bucket and one spend bucket: each segment's sum is the count
-- of the store's report_members rows.
CREATE TABLE report_segments (
  store_id  text NOT NULL,
  segment   text NOT NULL CHECK (segment IN ('frequency', 'spend')),
  bucket    smallint NOT NULL,
  buyers    bigint NOT NULL,
  PRIMARY KEY (store_id, segment, bucket)
);

-- A store's rolled buyers per UTC day of their last purchase (last_at):
-- recency's bounds are instants (now less 30, 90, 180 days), so a count
-- "last at or after a bound" is the days after the bound's day plus that
-- day's buyers read by report_members_last. UTC, not the store's zone:
-- any fixed zone would do, and the triggers need none.
CREATE TABLE report_last_days (
  store_id  text NOT NULL,
  day       date NOT NULL,
  buyers    bigint NOT NULL,
  PRIMARY KEY (store_id, day)
);
CREATE INDEX report_members_last ON report_members (store_id, last_at);

-- Adds p_rows to their stores' counts, p_sign 1, or takes them away, -1.
CREATE FUNCTION setia_report_segments_add(p_rows report_members[], p_sign integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO report_segments (store_id, segment, bucket, buyers)
  SELECT x.store_id, b.segment, b.bucket, p_sign * count(*)
    FROM unnest(p_rows) x
    CROSS JOIN LATERAL (VALUES ('frequency', setia_frequency_bucket(x.purchases)),
                               ('spend', setia_spend_bucket(x.spend))) b(segment, bucket)
   GROUP BY 1, 2, 3
  ON CONFLICT (store_id, segment, bucket) DO UPDATE SET buyers = report_segments.buyers + EXCLUDED.buyers;
  INSERT INTO report_last_days (store_id, day, buyers)
  SELECT x.store_id, (x.last_at AT TIME ZONE 'UTC')::date, p_sign * count(*)
    FROM unnest(p_rows) x
   GROUP BY 1, 2
  ON CONFLICT (store_id, day) DO UPDATE SET buyers = report_last_days.buyers + EXCLUDED.buyers;
  -- Days left without a buyer (everyone's last purchase moved on).
  DELETE FROM report_last_days d
   WHERE d.buyers = 0 AND d.store_id IN (SELECT DISTINCT x.store_id FROM unnest(p_rows) x);
$$;

-- The counts follow report_members statement by statement: an INSERT ...
-- ON CONFLICT DO UPDATE fires the insert trigger with the rows it inserted
-- and the update trigger with the rows it updated (old out, new in).
CREATE FUNCTION setia_report_members_counted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM setia_report_segments_add(ARRAY(SELECT o::report_members FROM old_rows o), -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM setia_report_segments_add(ARRAY(SELECT n::report_members FROM new_rows n), 1);
  END IF;
  RETURN NULL;
END
$$;

-- The stores rolled before this migration.
SELECT setia_report_segments_add(ARRAY(SELECT t FROM report_members t), 1);

CREATE TRIGGER report_members_counted_insert AFTER INSERT ON report_members
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION setia_report_members_counted();
CREATE TRIGGER report_members_counted_update AFTER UPDATE ON report_members
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION setia_report_members_counted();
CREATE TRIGGER report_members_counted_delete AFTER DELETE ON report_members
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION setia_report_members_counted();
