-- The chain's assets at block $at (snap_assets: Assets.Asset), plus the native token as asset -1.
DELETE FROM assets;
INSERT INTO assets
SELECT -1, $native_symbol, 'Puhui native token', $native_decimals, '', false, NULL
UNION ALL
SELECT asset, symbol, name, decimals, country, is_stable, CAST(supply AS HUGEINT)
FROM snap_assets
ORDER BY 1;
