-- The router's expert registry (registry.ExpertRecord), on PostgreSQL.
CREATE TABLE expert (
    id            VARCHAR(255)  NOT NULL PRIMARY KEY,
    owner         VARCHAR(255)  NOT NULL,
    slot          INTEGER       NOT NULL UNIQUE,
    package_path  VARCHAR(2000) NOT NULL,
    package_hash  VARCHAR(64)   NOT NULL,
    endpoints     VARCHAR(2000) NOT NULL,
    status        VARCHAR(16)   NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE', 'REVOKED')),
    policy        VARCHAR(8000) NOT NULL,
    router        BYTEA         NOT NULL,
    bias          BYTEA,
    registered_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
