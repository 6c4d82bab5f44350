-- The console on a real store's history (issue 15 point 9,
-- bench/console_bench.sh: 100,000 members, 1,000,000 sales).
--
-- The members search (GET /v1/admin/members?q=, pg_member_directory.cpp)
-- asks for name, code, phone or email containing q in any case (ILIKE
-- '%q%'): no b-tree serves a substring, so without these a search that
-- finds few members reads every member of the store. Trigram GIN indexes
-- serve ILIKE '%q%' for q of 3 characters or more, one per column (the
-- query ORs them: a BitmapOr of the four).
--
-- pg_trgm ships with PostgreSQL (Debian: postgresql-15, its contrib
-- modules) and is a trusted extension: the database's owner (the setia
-- role that runs the migrations) may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX members_name_trgm ON members USING gin (name gin_trgm_ops);
CREATE INDEX members_code_trgm ON members USING gin (code gin_trgm_ops);
CREATE INDEX members_phone_trgm ON members USING gin (phone gin_trgm_ops);
CREATE INDEX members_email_trgm ON members USING gin (email gin_trgm_ops);

-- No JIT for Setia's database. The reports' statements (pg_report_queries.cpp:
-- a row per period LEFT JOINed to seven aggregates) are estimated at
-- billions of rows, far over jit_above_cost, so each one was compiled with
-- inlining and optimisation: 2.2 of the 2.8 s of GET /v1/admin/reports/sales
-- for a month on bench/console_bench.sh's store were the JIT's (its plan's
-- "JIT: ... Total 2251 ms"), for statements that run in milliseconds. The
-- database's owner (the role that migrates) may set its defaults; new
-- connections take it.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
END
$$;
