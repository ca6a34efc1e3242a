{#- A OneID x brand holds one AIPL stage at a time: its runs never overlap,
    each run ends after it starts, and at most one run is open. -#}
with

runs as (

    select
        oneid,
        brand,
        valid_from,
        coalesce(valid_to, cast('9999-12-31' as date)) as valid_to,
        lead(valid_from) over (partition by oneid, brand order by valid_from) as next_valid_from
    from {{ ref('int_engagement__aipl_stage_runs') }}

)

select * from runs
where valid_to <= valid_from
    or valid_to > next_valid_from
