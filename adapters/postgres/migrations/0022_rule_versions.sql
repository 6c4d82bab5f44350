-- A store's rule file edited from the owner's console (issue #15 point 5;
-- docs/rules.md, "Rule versions"). Every save is a row: the whole YAML text
-- as the loader validated it, never a patch. A store with rows is ruled by
-- its newest row; a store without rows by its file in rules.dir, as before.
-- Once a store has rows, a content of its file that no row of the store
-- has had is recorded as a row too (source 'file') by the first setiad to
-- load it, so "the newest of a file edit and a console save wins".
CREATE TABLE rule_versions (
  store_id      text NOT NULL CHECK (store_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  version       integer NOT NULL CHECK (version > 0),
  yaml          text NOT NULL,
  hash          text NOT NULL,  -- rules::version_hash of yaml
  source        text NOT NULL CHECK (source IN ('file', 'console', 'restore', 'cli')),
  restored_from integer,        -- source 'restore': the version whose text it took
  saved_by      bigint REFERENCES admins (id),  -- the admin account; NULL: a file, an API key, setiactl
  actor         text NOT NULL,  -- who, as the audit trail names them (admin:7 ani@..., file:/etc/setia/rules/x.yaml)
  note          text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
  saved_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, version),
  CHECK ((source = 'restore') = (restored_from IS NOT NULL))
);
-- "Has the store had this text already?"
CREATE INDEX rule_versions_hash ON rule_versions (store_id, hash);

-- Every setiad LISTENs on setia_rules and reloads when a row is added: the
-- NOTIFY goes out when the saving transaction commits, whoever inserts the
-- row (the REST API, setiactl, a daemon recording a file).
CREATE FUNCTION rule_versions_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('setia_rules', NEW.store_id || ' ' || NEW.version);
  RETURN NEW;
END;
$$;
CREATE TRIGGER rule_versions_notify AFTER INSERT ON rule_versions
  FOR EACH ROW EXECUTE FUNCTION rule_versions_notify();
