-- One schema for H2 and PostgreSQL: portable types and statements only.

CREATE TABLE accounts (
    name              VARCHAR(100)  NOT NULL PRIMARY KEY,
    correlation_id    VARCHAR(256),
    teams_tenant_id   VARCHAR(36),
    dr_sync_enabled   BOOLEAN       NOT NULL,
    dr_enabled        BOOLEAN       NOT NULL,
    call_screening    BOOLEAN,
    subdomain         VARCHAR(10),
    subdomain_key     VARCHAR(10),
    region1_token     VARCHAR(100),
    region2_token     VARCHAR(100),
    other_services    VARCHAR(65536),
    dr_number_count   BIGINT        NOT NULL DEFAULT 0,
    etag              VARCHAR(32)   NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Labels are unique as DNS compares them: case-insensitively.
CREATE UNIQUE INDEX accounts_subdomain_key ON accounts (subdomain_key);

CREATE TABLE numbers (
    telephone_number  VARCHAR(16)   NOT NULL PRIMARY KEY,
    account_name      VARCHAR(100)  NOT NULL REFERENCES accounts (name),
    dr_enabled        BOOLEAN       NOT NULL,
    custom_sip_header VARCHAR(100),
    other_services    VARCHAR(65536),
    etag              VARCHAR(32)   NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX numbers_account ON numbers (account_name, telephone_number);

-- The change log: one row per committed write transaction. change_head hands out sequence
-- numbers under a row lock held until commit, so sequences are gap-free and in commit order.
CREATE TABLE change_head (
    id   INT    NOT NULL PRIMARY KEY,
    seq  BIGINT NOT NULL
);
INSERT INTO change_head (id, seq) VALUES (1, 0);

CREATE TABLE change_log (
    seq           BIGINT        NOT NULL PRIMARY KEY,
    committed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    account_name  VARCHAR(100)  NOT NULL,
    actor         VARCHAR(256)  NOT NULL,
    source        VARCHAR(256),
    changes       VARCHAR(10485760) NOT NULL
);

CREATE INDEX change_log_account ON change_log (account_name, seq);

-- Repeatable requests (Repeatability-Request-ID), kept for a bounded time.
CREATE TABLE repeatable_requests (
    client_id         VARCHAR(256)  NOT NULL,
    request_id        VARCHAR(128)  NOT NULL,
    fingerprint       VARCHAR(64)   NOT NULL,
    started_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    status_code       INT,
    response_headers  VARCHAR(8192),
    response_body     VARCHAR(10485760),
    PRIMARY KEY (client_id, request_id)
);

CREATE INDEX repeatable_requests_expiry ON repeatable_requests (expires_at);
