-- A person holds a refresh token per service: Microsoft's (sign-in) and Webex's (person mode);
-- the organisation's Webex token (organisation mode) is a row of its own. Each is sealed with
-- associated data naming its owner and its service, so one cannot be opened as the other.

ALTER TABLE refresh_tokens ADD COLUMN service TEXT NOT NULL DEFAULT 'microsoft';
ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_pkey;
ALTER TABLE refresh_tokens ADD PRIMARY KEY (tenant_id, user_id, service);
ALTER TABLE refresh_tokens ALTER COLUMN service DROP DEFAULT;
