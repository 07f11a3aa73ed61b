-- Each organization's trusted package-signing key (trust.SigningKeyRecord): uploads must be signed by it.
CREATE TABLE signing_key (
    organization  VARCHAR(255) NOT NULL PRIMARY KEY,
    public_key    TEXT         NOT NULL,
    fingerprint   VARCHAR(64)  NOT NULL,
    registered_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Experts uploaded through the API and the workload that serves each (provisioning.DeploymentRecord).
CREATE TABLE expert_deployment (
    id           VARCHAR(255)  NOT NULL PRIMARY KEY,
    owner        VARCHAR(255)  NOT NULL,
    package_hash VARCHAR(64)   NOT NULL,
    state        VARCHAR(16)   NOT NULL CHECK (state IN ('PROVISIONING', 'READY', 'FAILED', 'REMOVED')),
    endpoint     VARCHAR(255),
    pid          BIGINT,
    reason       VARCHAR(4000),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
