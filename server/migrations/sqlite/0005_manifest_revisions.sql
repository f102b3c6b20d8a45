-- Each manifest format's content, by digest, and the revision its version carries: a new
-- content (another public address, a new release) gets the next revision, so the version an
-- admin uploads rises whenever the manifest changes, on every replica alike.

CREATE TABLE manifest_revisions (
    format     TEXT   NOT NULL,
    revision   BIGINT NOT NULL,
    digest     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (format, revision)
);
