-- Operator staff who sign in to the Number Management Portal (local accounts; OpenID Connect
-- users are not stored). The password is a bcrypt hash.
CREATE TABLE portal_users (
    username       VARCHAR(64)   NOT NULL PRIMARY KEY,
    password_hash  VARCHAR(100)  NOT NULL,
    role           VARCHAR(16)   NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
