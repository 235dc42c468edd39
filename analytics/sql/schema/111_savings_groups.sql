-- Savings groups formed (SavingsGroups.GroupCreated); `account` is the creator, group_account holds the
-- fund.
CREATE TABLE IF NOT EXISTS savings_groups (
    block_number     BIGINT NOT NULL,
    extrinsic_index  INTEGER,
    event_index      INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    group_id         BIGINT,
    account          VARCHAR,  -- creator
    asset            BIGINT,
    group_account    VARCHAR,
    members          INTEGER,
    share_price      HUGEINT
);
