-- Returns every macro case that does not compute what macros/_macros.yml says.
-- Plain SQL over literals: costs nothing and runs on every build and adapter.
with

cases as (

    select
        'cst_date: 16:30 UTC is already the next day in China' as case_name,
        {{ cst_date("cast('2026-11-01 16:30:00' as " ~ dbt.type_timestamp() ~ ")") }}
            = cast('2026-11-02' as date) as is_ok

    union all

    select
        'cst_date: 15:59 UTC is still the same day in China',
        {{ cst_date("cast('2026-11-01 15:59:00' as " ~ dbt.type_timestamp() ~ ")") }}
            = cast('2026-11-01' as date)

    union all

    select
        'generate_surrogate_key: a null and an empty string differ',
        {{ generate_surrogate_key(["cast(null as " ~ dbt.type_string() ~ ")", "'a'"]) }}
            <> {{ generate_surrogate_key(["''", "'a'"]) }}

    union all

    select
        'generate_surrogate_key: adjacent columns do not run together',
        {{ generate_surrogate_key(["'ab'", "'c'"]) }}
            <> {{ generate_surrogate_key(["'a'", "'bc'"]) }}

    union all

    select
        'generate_surrogate_key: the same values give the same key',
        {{ generate_surrogate_key(["'a'", "cast(1 as " ~ dbt.type_bigint() ~ ")"]) }}
            = {{ generate_surrogate_key(["'a'", "cast(1 as " ~ dbt.type_bigint() ~ ")"]) }}

    union all

    select
        'clean_text: a blank string becomes null',
        {{ clean_text("'   '") }} is null

    union all

    select
        'clean_text: text is trimmed',
        {{ clean_text("'  x '") }} = 'x'

)

select case_name
from cases
where not coalesce(is_ok, false)
