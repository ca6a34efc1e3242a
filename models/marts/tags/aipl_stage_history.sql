{#- The AIPL stage history of every OneID and brand: one row per stretch
    of published nights a stage held, under today's OneIDs, tonight
    included (int_engagement__aipl_stage_runs: how merged and split OneIDs
    are restated, what is kept). The base of stage flow (流转, aipl_flow):
    the stage on day X is the run with valid_from <= X < valid_to (or
    valid_to null). previous_aipl_stage is the stage of the run that ended
    the day this one started; null when the person had no stage then. -#}

with

runs as (

    select * from {{ ref('int_engagement__aipl_stage_runs') }}

),

with_previous as (

    select
        runs.*,
        lag(valid_to) over (partition by oneid, brand order by valid_from) as previous_valid_to,
        lag(aipl_stage) over (partition by oneid, brand order by valid_from) as previous_run_stage
    from runs

),

final as (

    select
        {{ generate_surrogate_key(['oneid', 'brand', 'valid_from']) }} as aipl_stage_history_id,
        oneid,
        brand,
        aipl_stage,
        aipl_stage_rank,
        valid_from,
        valid_to,
        valid_to is null as is_current,
        case when previous_valid_to = valid_from then previous_run_stage end as previous_aipl_stage
    from with_previous

)

select * from final
