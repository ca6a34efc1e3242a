{#- The open AIPL stage runs are exactly tonight's stages. -#}
with

open_runs as (

    select oneid, brand, aipl_stage
    from {{ ref('int_engagement__aipl_stage_runs') }}
    where valid_to is null

),

tonight as (

    select oneid, brand, aipl_stage from {{ ref('int_engagement__aipl_stages') }}

),

differences as (

    select
        coalesce(open_runs.oneid, tonight.oneid) as oneid,
        coalesce(open_runs.brand, tonight.brand) as brand,
        open_runs.aipl_stage as open_run_stage,
        tonight.aipl_stage as tonight_stage
    from open_runs
    full outer join tonight
        on open_runs.oneid = tonight.oneid
        and open_runs.brand = tonight.brand
    where open_runs.oneid is null
        or tonight.oneid is null
        or open_runs.aipl_stage <> tonight.aipl_stage

)

select * from differences
