// macros/session_explorer_window.sql: which local dates an incremental run recomputes.
// Days travel between macros as Python date ordinals (plain integers) because dbt macros
// return text: an integer survives the round trip, and ordinals make date arithmetic plain.

export const WINDOW_MACROS = String.raw`{#-
  The window of an incremental run: the local dates (in the definition's zone) whose sessions
  are recomputed and whose partitions are replaced. It runs from the first day through
  tomorrow; the first day is session_explorer_lookback_days before today, or the date in
  session_explorer_window_start when that var is set (a backfill).

  "Today" is taken from run_started_at, so every model of one dbt invocation uses the same
  window, even when the run crosses midnight.
-#}

{#- Today in the definition's zone, as a day ordinal. -#}
{% macro session_explorer_today() -%}
  {{- run_started_at.astimezone(modules.pytz.timezone(var('session_explorer_time_zone'))).date().toordinal() -}}
{%- endmacro %}

{#- The first day of the window, as a day ordinal. -#}
{% macro session_explorer_first_day() -%}
  {%- set start = var('session_explorer_window_start', none) -%}
  {%- if start -%}
    {{- modules.datetime.date.fromisoformat(start | string).toordinal() -}}
  {%- else -%}
    {{- (session_explorer_today() | trim | int) - (var('session_explorer_lookback_days') | int) -}}
  {%- endif -%}
{%- endmacro %}

{#-
  The last day of the window, as a day ordinal: tomorrow, so that no event a clock slightly
  ahead stamped is lost. Later dates are left out of every run, full or incremental, so a full
  rebuild and a series of incremental runs always agree.
-#}
{% macro session_explorer_last_day() -%}
  {{- (session_explorer_today() | trim | int) + 1 -}}
{%- endmacro %}

{#- A day ordinal as YYYY-MM-DD. -#}
{% macro session_explorer_iso_date(day) -%}
  {{- modules.datetime.date.fromordinal(day | int).isoformat() -}}
{%- endmacro %}

{#-
  The partitions an incremental run replaces, comma-separated, for insert_overwrite's static
  partitions config. Listing every date of the window (rather than letting dbt take the dates
  present in the new rows) also empties a day whose events have all disappeared.
-#}
{% macro session_explorer_partitions() -%}
  {%- for day in range(session_explorer_first_day() | trim | int, (session_explorer_last_day() | trim | int) + 1) -%}
    {{ session_explorer_date(day) }}{% if not loop.last %},{% endif %}
  {%- endfor -%}
{%- endmacro %}
`;
