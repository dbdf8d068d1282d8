// macros/session_explorer_sessions.sql: the session definition itself (SPEC §1), shared by
// the three models so that they can never disagree. Written in the SQL both dialects share:
// no QUALIFY, no IGNORE NULLS, no NULLS FIRST (node-sql-parser's BigQuery grammar rejects
// them, and DuckDB's default null order differs from BigQuery's).

export const SESSION_MACROS = String.raw`{#-
  The session definition as common table expressions, for a model to select from:

    events_with_session   one row per sessionized event, with its session_id
    sessions              one row per session, with its session_id

  A full build reads every source row up to the window's last day and numbers each user's
  sessions from 1. An incremental build reads only the window's days and numbers a user's
  sessions from the count the bridge (bridge_user_day_sessions) holds for the days before the
  window: sessions never cross local midnight, so the window's days can be sessionized on
  their own, and nothing but the bridge's earlier rows is needed for the ids.

  bridge: the relation of the bridge (its own {{ this }} when the bridge is the model).
-#}
{% macro session_explorer_session_ctes(bridge) -%}
{%- set columns = var('session_explorer_source_columns') -%}
{%- set attributes = var('session_explorer_attributes') -%}
{%- set excluded = var('session_explorer_excluded_events') -%}
{%- set threshold_ms = var('session_explorer_threshold_ms') | int -%}
{%- set incremental = is_incremental() -%}
{%- set first_day = session_explorer_first_day() | trim | int -%}
{%- set last_day = session_explorer_last_day() | trim | int -%}
{%- set time_column = session_explorer_column(columns['time']) -%}
source_events as (
    -- Source rows normalised. The time bounds leave a day of margin on each side for the
    -- zone's offset; they are constants, so a source partitioned on its time column is pruned.
    select
        nullif(cast({{ session_explorer_column(columns['user']) }} as string), '') as user_id,
        {{ session_explorer_millis(time_column) }} as time_ms,
        {{ session_explorer_local_date(time_column) }} as local_date,
        coalesce(cast({{ session_explorer_column(columns['event']) }} as string), '') as event,
        {%- if columns['insert_id'] %}
        nullif(cast({{ session_explorer_column(columns['insert_id']) }} as string), '') as source_insert_id,
        {%- else %}
        cast(null as string) as source_insert_id,
        {%- endif %}
        {%- for attribute in attributes %}
        {{ session_explorer_attribute(attribute) }} as attribute_{{ loop.index0 }},
        {%- endfor %}
        -- What a row without an insert id is identified by: exact repeats collapse, distinct rows never do.
        {%- if columns['properties'] %}
        {{ session_explorer_json_text(session_explorer_column(columns['properties'])) }} as content
        {%- else %}
        {{ session_explorer_json_text('source_row') }} as content
        {%- endif %}
    from {{ source('session_explorer', 'events') }} as source_row
    where {{ time_column }} < {{ session_explorer_utc_midnight(last_day + 2) }}
    {%- if incremental %}
        and {{ time_column }} >= {{ session_explorer_utc_midnight(first_day - 1) }}
    {%- endif %}
),

identified_events as (
    -- Rows with no user or no time are not events. A missing insert id is derived from the
    -- row's content; its 'h:' prefix sorts it after hexadecimal ids at equal times, as in
    -- Session Explorer.
    select
        user_id,
        time_ms,
        local_date,
        event,
        case
            when source_insert_id is not null then source_insert_id
            else concat('h:', substr({{ session_explorer_sha256_hex("concat(" ~ session_explorer_json_text('user_id') ~ ", ',', cast(time_ms as string), ',', " ~ session_explorer_json_text('event') ~ ", ',', content)") }}, 1, 24))
        end as insert_id
        {%- for attribute in attributes %},
        attribute_{{ loop.index0 }}
        {%- endfor %}
    from source_events
    where user_id is not null
        and time_ms is not null
        and local_date <= {{ session_explorer_date(last_day) }}
    {%- if incremental %}
        and local_date >= {{ session_explorer_date(first_day) }}
    {%- endif %}
),

unique_events as (
    -- Mixpanel's de-duplication: one event per (insert id, user, event, time). The copy kept
    -- has the smallest attribute values (nulls first), so the result does not depend on the
    -- order rows arrive in. Excluded events take no part in sessions.
    select
        user_id,
        time_ms,
        local_date,
        event,
        insert_id
        {%- for attribute in attributes %},
        attribute_{{ loop.index0 }}
        {%- endfor %}
    from (
        select
            *,
            row_number() over (
                partition by user_id, time_ms, insert_id, event
                order by
                {%- for attribute in attributes %}
                    attribute_{{ loop.index0 }} is not null, attribute_{{ loop.index0 }},
                {%- endfor %}
                    insert_id
            ) as copy_number
        from identified_events
    ) as copies
    where copy_number = 1
    {%- for name in excluded %}
    {%- if loop.first %}
        and event not in (
    {%- endif %}
            {{ session_explorer_literal(name) }}{% if not loop.last %},{% endif %}
    {%- if loop.last %}
        )
    {%- endif %}
    {%- endfor %}
),

ordered_events as (
    -- Session order: time, then insert id (code point order), then event name.
    select
        *,
        row_number() over user_order as event_rank,
        lag(time_ms) over user_order as previous_time_ms,
        lag(local_date) over user_order as previous_local_date
    from unique_events
    window user_order as (partition by user_id order by time_ms, insert_id, event)
),

numbered_events as (
    -- A session starts at a user's first event, on a new local date, or after a gap longer
    -- than the threshold ({{ threshold_ms }} ms; a gap of exactly the threshold continues it).
    select
        *,
        cast(sum(
            case
                when previous_time_ms is null then 1
                when local_date != previous_local_date then 1
                when time_ms - previous_time_ms > {{ threshold_ms }} then 1
                else 0
            end
        ) over (
            partition by user_id
            order by event_rank
            rows between unbounded preceding and current row
        ) as int64) as window_session_number
    from ordered_events
),

marked_events as (
    -- Ranks of each session's first and last event and of the first non-null value of each
    -- attribute (SCD Type 0: the first value seen in the session is kept).
    select
        *,
        min(event_rank) over in_session as first_rank,
        max(event_rank) over in_session as last_rank
        {%- for attribute in attributes %},
        min(case when attribute_{{ loop.index0 }} is not null then event_rank end) over in_session as attribute_{{ loop.index0 }}_rank
        {%- endfor %}
    from numbered_events
    window in_session as (partition by user_id, window_session_number)
),

sessions_before as (
    {%- if incremental %}
    -- Each user's sessions before the window, from the bridge (never from the sessions model).
    select
        user_id,
        max(last_session_id) as session_count
    from {{ bridge }}
    where local_date < {{ session_explorer_date(first_day) }}
    group by user_id
    {%- else %}
    -- A full build numbers every user's sessions from 1.
    select
        cast(null as string) as user_id,
        cast(0 as int64) as session_count
    {%- endif %}
),

events_with_session as (
    select
        marked_events.*,
        coalesce(sessions_before.session_count, 0) + marked_events.window_session_number as session_id,
        marked_events.event_rank - marked_events.first_rank + 1 as session_event_number
    from marked_events
    left join sessions_before
        using (user_id)
),

sessions as (
    select
        user_id,
        session_id,
        min(local_date) as start_date,
        max(local_date) as end_date,
        min(time_ms) as start_ms,
        max(time_ms) as end_ms,
        count(*) as event_count,
        max(case when event_rank = first_rank then event end) as first_event,
        max(case when event_rank = last_rank then event end) as last_event
        {%- for attribute in attributes %},
        max(case when event_rank = attribute_{{ loop.index0 }}_rank then attribute_{{ loop.index0 }} end) as attribute_{{ loop.index0 }}
        {%- endfor %}
    from events_with_session
    group by user_id, session_id
)
{%- endmacro %}

{#-
  The SQL expression of one attribute: its column (flat tables), or the first non-null of its
  properties in the JSON column (Mixpanel's layout: country from mp_country_code, then country).
-#}
{% macro session_explorer_attribute(attribute) -%}
  {%- if 'column' in attribute -%}
    cast({{ session_explorer_column(attribute['column']) }} as string)
  {%- else -%}
    {%- set properties = session_explorer_column(var('session_explorer_source_columns')['properties']) -%}
    {%- if attribute['properties'] | length == 1 -%}
      {{ session_explorer_json_value(properties, attribute['properties'][0]) }}
    {%- else -%}
      coalesce(
      {%- for property in attribute['properties'] -%}
        {{ session_explorer_json_value(properties, property) }}{% if not loop.last %}, {% endif %}
      {%- endfor -%}
      )
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}

{#- The output names of the attributes, checked and quoted. -#}
{% macro session_explorer_attribute_columns() -%}
  {%- for attribute in var('session_explorer_attributes') -%}
    ,
    attribute_{{ loop.index0 }} as {{ session_explorer_column(attribute['name']) }}
  {%- endfor -%}
{%- endmacro %}
`;
