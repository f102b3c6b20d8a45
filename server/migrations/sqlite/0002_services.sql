-- A person holds a refresh token per service: Microsoft's (sign-in) and Webex's (person mode);
-- the organisation's Webex token (organisation mode) is a row of its own. Each is sealed with
-- associated data naming its owner and its service, so one cannot be opened as the other.

CREATE TABLE refresh_tokens_by_service (
    tenant_id   TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    service     TEXT    NOT NULL,
    key_id      TEXT    NOT NULL,
    sealed      BLOB    NOT NULL,
    version     INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id, service)
);

INSERT INTO refresh_tokens_by_service
    (tenant_id, user_id, service, key_id, sealed, version, lease_until, updated_at)
SELECT tenant_id, user_id, 'microsoft', key_id, sealed, version, lease_until, updated_at
FROM refresh_tokens;

DROP TABLE refresh_tokens;

ALTER TABLE refresh_tokens_by_service RENAME TO refresh_tokens;
