-- Dead letters are kept for dead_letters.retention_days of the daemon's
-- config (docs/configuration.md) and then deleted, the oldest first, by
-- the dead-letter-purge job: a till that floods junk must not fill the
-- database for ever. This index serves the purge's "oldest first".
CREATE INDEX dead_letters_received ON dead_letters (received_at);
