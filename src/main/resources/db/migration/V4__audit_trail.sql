-- The audit trail: one row per entity a committed write changed, with who, when, from where, and
-- the entity before and after (JSON text in the change log's field names; before is null when
-- created, after when deleted). Written in the same transaction as the change. Unlike the change
-- log, which only has to reach every node, this table is meant to be kept (docs/operations.md).
CREATE TABLE audit_trail (
    seq           BIGINT        NOT NULL,
    item          INT           NOT NULL,
    changed_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    actor         VARCHAR(256)  NOT NULL,
    source        VARCHAR(256),
    kind          VARCHAR(16)   NOT NULL,
    entity_key    VARCHAR(100)  NOT NULL,
    account_name  VARCHAR(100)  NOT NULL,
    action        VARCHAR(16)   NOT NULL,
    before_state  VARCHAR(1048576),
    after_state   VARCHAR(1048576),
    PRIMARY KEY (seq, item)
);

CREATE INDEX audit_trail_account ON audit_trail (account_name, seq, item);
CREATE INDEX audit_trail_entity ON audit_trail (entity_key, seq, item);
CREATE INDEX audit_trail_time ON audit_trail (changed_at);
