-- Which accounts signed extrinsics on which day (one row per account and day and batch; block_number is the
-- first such block in the batch): daily active accounts without scanning every extrinsic.
CREATE TABLE IF NOT EXISTS account_days (
    block_number  BIGINT  NOT NULL,
    day           INTEGER NOT NULL,
    account       VARCHAR NOT NULL
);
