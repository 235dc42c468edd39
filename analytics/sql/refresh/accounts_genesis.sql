-- Genesis endowments (genesis_balances: free PUI at block 0) for accounts not looked up yet;
-- an account endowed at genesis was first seen at block 0.
UPDATE accounts
SET genesis_balance  = CAST(g.amount AS HUGEINT),
    first_seen_block = CASE WHEN CAST(g.amount AS HUGEINT) > 0 THEN 0 ELSE accounts.first_seen_block END
FROM genesis_balances AS g
WHERE accounts.account = g.account;
