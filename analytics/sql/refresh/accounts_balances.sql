-- Free/reserved PUI and nonce of every account at block $at (snap_accounts: System.Account).
-- Accounts missing from the state (reaped) read as zero.
INSERT INTO accounts (account, free, reserved, nonce, balances_at_block)
WITH state AS (
    SELECT account, CAST(free AS HUGEINT) AS free, CAST(reserved AS HUGEINT) AS reserved, nonce
    FROM snap_accounts
),
known AS (
    SELECT a.account, coalesce(s.free, 0) AS free, coalesce(s.reserved, 0) AS reserved, coalesce(s.nonce, 0) AS nonce
    FROM accounts AS a LEFT JOIN state AS s USING (account)
),
fresh AS (
    SELECT s.account, s.free, s.reserved, s.nonce
    FROM state AS s ANTI JOIN accounts AS a USING (account)
)
SELECT account, free, reserved, nonce, $at FROM known
UNION ALL
SELECT account, free, reserved, nonce, $at FROM fresh
ON CONFLICT (account) DO UPDATE SET
    free = excluded.free,
    reserved = excluded.reserved,
    nonce = excluded.nonce,
    balances_at_block = excluded.balances_at_block;
