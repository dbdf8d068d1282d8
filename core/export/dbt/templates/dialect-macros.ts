// macros/session_explorer_dialect.sql: the only place where BigQuery and DuckDB SQL differ.
// Kept as a string module (not a file read at run time) so the export works however the core
// is packaged. String.raw keeps Jinja's backslashes as written.

export const DIALECT_MACROS = String.raw`{#-
  Dialect helpers of the Session Explorer models. The models are written once and compile for
  BigQuery (production) or DuckDB (dbt-duckdb: local runs, and Session Explorer's own tests),
  chosen on target.type. Everything dialect-specific is in this file.
-#}

{#- A SQL string literal of any text: every text value that reaches SQL goes through here. -#}
{% macro session_explorer_literal(value) -%}
  {%- if target.type == 'bigquery' -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") | replace("\n", "\\n") | replace("\r", "\\r") }}'
  {%- else -%}
    '{{ value | string | replace("'", "''") }}'
  {%- endif -%}
{%- endmacro %}

{#- A column of the source, checked to be a plain name and quoted for the target. -#}
{% macro session_explorer_column(name) -%}
  {%- if not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', name | string) -%}
    {{- exceptions.raise_compiler_error("session_explorer: '" ~ name ~ "' is not a plain column name (letters, digits and _ only)") -}}
  {%- endif -%}
  {{- adapter.quote(name) -}}
{%- endmacro %}

{#- Epoch milliseconds of a timestamp, sub-millisecond digits truncated (sessions work in ms). -#}
{% macro session_explorer_millis(column) -%}
  {%- if target.type == 'bigquery' -%} unix_millis({{ column }})
  {%- else -%} epoch_ms(cast({{ column }} as timestamptz))
  {%- endif -%}
{%- endmacro %}

{#- The timestamp of epoch milliseconds. -#}
{% macro session_explorer_timestamp(millis) -%}
  {%- if target.type == 'bigquery' -%} timestamp_millis({{ millis }})
  {%- else -%} (epoch_ms({{ millis }}) at time zone 'UTC')
  {%- endif -%}
{%- endmacro %}

{#- The local calendar date of a timestamp in the definition's IANA zone (DST-correct). -#}
{% macro session_explorer_local_date(column) -%}
  {%- set zone = session_explorer_literal(var('session_explorer_time_zone')) -%}
  {%- if target.type == 'bigquery' -%} date({{ column }}, {{ zone }})
  {%- else -%} cast(timezone({{ zone }}, cast({{ column }} as timestamptz)) as date)
  {%- endif -%}
{%- endmacro %}

{#- Midnight UTC starting a day given as a day ordinal: a constant, so partition pruning applies. -#}
{% macro session_explorer_utc_midnight(day) -%}
  {%- if target.type == 'bigquery' -%} timestamp '{{ session_explorer_iso_date(day) }} 00:00:00+00'
  {%- else -%} timestamptz '{{ session_explorer_iso_date(day) }} 00:00:00+00'
  {%- endif -%}
{%- endmacro %}

{#- A date literal of a day ordinal (the same in both dialects). -#}
{% macro session_explorer_date(day) -%}
  date '{{ session_explorer_iso_date(day) }}'
{%- endmacro %}

{#- A top-level member of a JSON (or JSON text) column as a string; null when absent. -#}
{% macro session_explorer_json_value(column, property) -%}
  {%- set path = session_explorer_literal('$."' ~ property ~ '"') -%}
  {%- if target.type == 'bigquery' -%} json_value({{ column }}, {{ path }})
  {%- else -%} json_extract_string({{ column }}, {{ path }})
  {%- endif -%}
{%- endmacro %}

{#- Any value as JSON text ('null' for null): unambiguous pieces for a content hash. -#}
{% macro session_explorer_json_text(expression) -%}
  {%- if target.type == 'bigquery' -%} coalesce(to_json_string({{ expression }}), 'null')
  {%- else -%} coalesce(cast(to_json({{ expression }}) as varchar), 'null')
  {%- endif -%}
{%- endmacro %}

{#- SHA-256 of a string as lowercase hex. -#}
{% macro session_explorer_sha256_hex(expression) -%}
  {%- if target.type == 'bigquery' -%} to_hex(sha256({{ expression }}))
  {%- else -%} sha256({{ expression }})
  {%- endif -%}
{%- endmacro %}
`;
