-- One row per scheduling from a message (a Webex meeting and an Outlook event made together),
-- by the pane's Idempotency-Key, so any replica can finish or undo what another began. It holds
-- ids, a state and times: no attendees, no subject, no body.

CREATE TABLE schedulings (
    tenant_id        TEXT   NOT NULL,
    user_id          TEXT   NOT NULL,
    idempotency_key  TEXT   NOT NULL,
    -- started → webex_made → done, or undone (the Webex meeting deleted again).
    state            TEXT   NOT NULL,
    webex_meeting_id TEXT,
    event_id         TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, idempotency_key)
);

CREATE INDEX schedulings_by_state ON schedulings (state, updated_at);
