-- Entities carry the sequence number of the change set that last wrote them (their version and
-- ETag), so that a node can tell whether its routing snapshot has applied them.
ALTER TABLE accounts ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE accounts DROP COLUMN etag;
ALTER TABLE numbers ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE numbers DROP COLUMN etag;
