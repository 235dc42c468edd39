-- Reference (analytics/reference/credit_reasons.csv): credit score reason codes in English and Chinese.
CREATE TABLE IF NOT EXISTS ref_credit_reasons (
    reason   INTEGER,
    text_en  VARCHAR,
    text_zh  VARCHAR
);
