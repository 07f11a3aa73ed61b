-- One row per attribution event (one finished response). The primary key on event_id is what makes storing
-- idempotent: a replayed or redelivered event conflicts on it and is not inserted again.
create table attribution_response (
    event_id          text             primary key,
    request_id        text             not null,
    source            text             not null,
    event_time        timestamptz      not null,
    organization      text,
    subject           text,
    model             text             not null,
    trunk_version     text             not null,
    prompt_tokens     integer          not null check (prompt_tokens >= 0),
    completion_tokens integer          not null check (completion_tokens >= 0),
    total_tokens      integer          not null check (total_tokens = prompt_tokens + completion_tokens),
    -- The sum of the experts' weights (1, or 0 when nothing was generated): response-level weight_tokens.
    weight_sum        double precision not null,
    finish_reason     text             not null,
    dropped_experts   jsonb            not null,
    -- When the row was written (inside the storing transaction): the end of the pipeline's lag.
    stored_at         timestamptz      not null default clock_timestamp()
);
create index attribution_response_request_id on attribution_response (request_id);
create index attribution_response_time on attribution_response (event_time);
create index attribution_response_organization_time on attribution_response (organization, event_time);

-- One row per expert listed in an event's attribution block.
create sequence attribution_contribution_seq increment by 50;
create table attribution_contribution (
    id            bigint           primary key,
    event_id      text             not null references attribution_response (event_id),
    expert        text             not null,
    owner         text             not null,
    version       text             not null,
    weight        double precision not null check (weight >= 0 and weight <= 1),
    tokens        integer          not null check (tokens >= 0),
    prompt_tokens integer          not null check (prompt_tokens >= 0),
    unique (event_id, expert)
);
create index attribution_contribution_expert on attribution_contribution (expert);
create index attribution_contribution_owner on attribution_contribution (owner);
