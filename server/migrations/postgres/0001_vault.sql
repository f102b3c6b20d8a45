-- The token vault. It never holds a plaintext token, a message body, or any group or contact
-- membership: refresh tokens are sealed (AES-256-GCM, see src/vault/cipher.rs) and sessions are
-- kept as SHA-256 hashes of their tokens. Times are Unix milliseconds.

CREATE TABLE refresh_tokens (
    tenant_id   TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    key_id      TEXT    NOT NULL,
    sealed      BYTEA   NOT NULL,
    -- Grows by one with every stored token: a refresh compares and swaps on it.
    version     BIGINT  NOT NULL,
    -- A replica refreshing this token holds it until then; others wait instead of racing.
    lease_until BIGINT  NOT NULL DEFAULT 0,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    tenant_id    TEXT    NOT NULL,
    user_id      TEXT    NOT NULL,
    display_name TEXT    NOT NULL,
    username     TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    last_seen_at BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL
);

CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id);
