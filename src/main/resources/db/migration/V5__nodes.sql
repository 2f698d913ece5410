-- The serving nodes of the deployment: each node writes its row (heartbeat) with its region and
-- the change-log sequence its routing snapshot has applied. Status across regions is derived
-- from these rows. last_seen is the database's clock, so nodes' clocks need not agree.
CREATE TABLE nodes (
    name          VARCHAR(200)  NOT NULL PRIMARY KEY,
    region        INT           NOT NULL,
    applied_seq   BIGINT        NOT NULL,
    dns_serving   BOOLEAN       NOT NULL,
    draining      BOOLEAN       NOT NULL,
    version       VARCHAR(64)   NOT NULL,
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen     TIMESTAMP WITH TIME ZONE NOT NULL
);
