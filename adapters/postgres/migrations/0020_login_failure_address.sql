-- Wrong passwords are counted per login and client address (issue 14
-- point 3, docs/rest-api-auth.md#wrong-passwords): a guesser at one
-- address is slowed down, the account's owner at another is not, unless
-- guesses for the login come from everywhere at once, and then only by a
-- delay. Rows from before this have no address ('').
ALTER TABLE login_failures ADD COLUMN address text NOT NULL DEFAULT '';
CREATE INDEX login_failures_account_address ON login_failures (store_id, account, address, at);
