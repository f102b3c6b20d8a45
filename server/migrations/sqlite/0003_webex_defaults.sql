-- Each organiser's Webex options as they last scheduled with them, offered next time: options
-- only (site, template, join before host, lobby, recording, reminder…), never people (no
-- cohosts) and never a password.

CREATE TABLE webex_defaults (
    tenant_id  TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    options    TEXT   NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);
