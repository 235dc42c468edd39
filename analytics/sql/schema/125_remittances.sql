-- Remittances sent (Remittance.RemittanceSent): corridor, both amounts, the rate used and the oracle mid
-- rate, the fee, FX margin and total cost (bps of the send amount). `account` is the sender; the recipient
-- is an account or an alias (a salted phone hash).
CREATE TABLE IF NOT EXISTS remittances (
    block_number         BIGINT NOT NULL,
    extrinsic_index      INTEGER,
    event_index          INTEGER NOT NULL,
    day                  INTEGER NOT NULL,
    remittance_id        UBIGINT,
    account              VARCHAR,  -- sender
    recipient_account    VARCHAR,
    recipient_alias      VARCHAR,
    source_country       VARCHAR,
    destination_country  VARCHAR,
    send_asset           BIGINT,
    send_amount          HUGEINT,
    receive_asset        BIGINT,
    receive_amount       HUGEINT,
    rate                 HUGEINT,  -- x 10^6
    mid_rate             HUGEINT,  -- x 10^6
    fee                  HUGEINT,  -- in the send asset
    fx_margin_bps        INTEGER,
    total_cost_bps       BIGINT,
    expires_at           BIGINT  -- block
);
