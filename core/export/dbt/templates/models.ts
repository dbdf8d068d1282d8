// The three models and the singular data tests. Each model is configuration plus one select
// from the CTEs of macros/session_explorer_sessions.sql.

/**
 * The insert_overwrite configuration every model shares, partitioned on `partitionColumn`.
 * dbt-duckdb has no insert_overwrite, so on DuckDB the models build as tables (every run a
 * full build, which is always right).
 */
function incrementalConfig(partitionColumn: string): string {
  return String.raw`{{
    config(
        materialized = 'incremental' if target.type == 'bigquery' else 'table',
        incremental_strategy = 'insert_overwrite',
        partition_by = {'field': '${partitionColumn}', 'data_type': 'date', 'granularity': 'day'},
        partitions = (session_explorer_partitions() | trim).split(','),
        cluster_by = ['user_id'],
        on_schema_change = 'fail'
    )
}}`;
}

export const BRIDGE_MODEL = String.raw`${incrementalConfig('local_date')}
{#-
  The bridge: one row per user and local date with sessions. An incremental run replaces the
  window's dates, numbering sessions from this table's own earlier rows, and the other models
  take their session ids from it, so no run ever scans dim_sessions.
-#}

with
{{ session_explorer_session_ctes(this) }}

select
    user_id,
    start_date as local_date,
    count(*) as session_count,
    min(session_id) as first_session_id,
    max(session_id) as last_session_id,
    cast(sum(event_count) as int64) as event_count
from sessions
group by user_id, start_date
`;

export const SESSIONS_MODEL = String.raw`${incrementalConfig('start_date')}
{#- One row per session (columns as Session Explorer's sessions CSV). -#}

with
{{ session_explorer_session_ctes(ref('bridge_user_day_sessions')) }}

select
    user_id,
    session_id,
    start_date,
    end_date,
    {{ session_explorer_timestamp('start_ms') }} as start_time,
    {{ session_explorer_timestamp('end_ms') }} as end_time,
    cast(floor((end_ms - start_ms) / 1000) as int64) as session_duration_secs,
    event_count,
    first_event,
    last_event
    {{- session_explorer_attribute_columns() }}
from sessions
`;

export const JOURNEY_MODEL = String.raw`${incrementalConfig('event_date')}
{#-
  The user journey: every sessionized event with its session_id (columns as Session Explorer's
  events CSV, plus the event's local date and its position in the session). Excluded events
  belong to no session and are left out.
-#}

with
{{ session_explorer_session_ctes(ref('bridge_user_day_sessions')) }}

select
    user_id,
    session_id,
    {{ session_explorer_timestamp('time_ms') }} as event_time,
    insert_id,
    event
    {{- session_explorer_attribute_columns() }},
    local_date as event_date,
    session_event_number
from events_with_session
`;

/** Singular tests (tests/*.sql): each selects the rows that break an invariant. */
export const CONSECUTIVE_IDS_TEST = String.raw`{#-
  Every user's session_ids are 1, 2, 3, ... in start order. A failure means the bridge and the
  sessions drifted apart (for example after a change of definition without --full-refresh).
-#}
select
    user_id,
    session_id,
    expected_session_id
from (
    select
        user_id,
        session_id,
        row_number() over (partition by user_id order by start_time) as expected_session_id
    from {{ ref('dim_sessions') }}
) as numbered
where session_id != expected_session_id
`;

export const BRIDGE_MATCHES_SESSIONS_TEST = String.raw`{#- The bridge counts exactly the sessions of dim_sessions, day by day. -#}
with

by_day as (
    select
        user_id,
        start_date as local_date,
        count(*) as session_count,
        min(session_id) as first_session_id,
        max(session_id) as last_session_id
    from {{ ref('dim_sessions') }}
    group by user_id, start_date
)

select
    coalesce(bridge.user_id, by_day.user_id) as user_id,
    coalesce(bridge.local_date, by_day.local_date) as local_date
from {{ ref('bridge_user_day_sessions') }} as bridge
full outer join by_day
    on bridge.user_id = by_day.user_id
    and bridge.local_date = by_day.local_date
where bridge.user_id is null
    or by_day.user_id is null
    or bridge.session_count != by_day.session_count
    or bridge.first_session_id != by_day.first_session_id
    or bridge.last_session_id != by_day.last_session_id
`;
