-- Savings at meetings (SavingsGroups.SharesBought): shares bought plus the social-fund contribution.
CREATE TABLE IF NOT EXISTS group_contributions (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    group_id         BIGINT,
    account          VARCHAR,  -- member
    meeting          INTEGER,
    shares           INTEGER,
    amount           HUGEINT,  -- for the shares
    social           HUGEINT  -- social fund
);
