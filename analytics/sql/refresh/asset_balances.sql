-- Token balances at block $at (snap_holdings: Assets.Account, zero balances left out).
DELETE FROM asset_balances;
INSERT INTO asset_balances
SELECT account, asset, CAST(amount AS HUGEINT), $at
FROM snap_holdings
ORDER BY account, asset;
