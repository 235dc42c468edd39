-- SS58 addresses (computed in Python) for accounts that have none yet (new_ss58).
UPDATE accounts
SET ss58 = n.ss58
FROM new_ss58 AS n
WHERE accounts.account = n.account;
