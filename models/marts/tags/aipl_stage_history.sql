{#- The AIPL stage of every OneID and brand on every published night so
    far, tonight included: the base of stage flow (流转) and contribution.
    Earlier nights come from the state snapshots (stg_state__aipl_stages)
    and are restated under today's OneIDs: a OneID is followed through the
    identifier it was anchored to, so the history of OneIDs merged since
    lands on the surviving one. Where two merged OneIDs had a stage for the
    same brand and night, the higher stage is kept. A OneID whose anchor is
    no longer in the graph keeps its old id. -#}

with

earlier_nights as (

    select * from {{ ref('stg_state__aipl_stages') }}

),

tonight as (

    select business_date, oneid, brand, aipl_stage, aipl_stage_rank
    from {{ ref('int_engagement__aipl_stages') }}

),

identifier_oneids as (

    select identifier_hash, oneid from {{ ref('int_identifier_oneids') }}

),

restated as (

    select
        earlier_nights.business_date,
        coalesce(identifier_oneids.oneid, earlier_nights.oneid) as oneid,
        earlier_nights.oneid as recorded_oneid,
        earlier_nights.brand,
        earlier_nights.aipl_stage,
        case earlier_nights.aipl_stage
            when 'aware' then 1
            when 'interest' then 2
            when 'purchase' then 3
            when 'loyal' then 4
        end as aipl_stage_rank
    from earlier_nights
    left join identifier_oneids
        on earlier_nights.anchor_identifier_hash = identifier_oneids.identifier_hash

),

all_nights as (

    select business_date, oneid, recorded_oneid, brand, aipl_stage, aipl_stage_rank from restated
    union all
    select business_date, oneid, oneid as recorded_oneid, brand, aipl_stage, aipl_stage_rank from tonight

),

ranked as (

    select
        all_nights.*,
        row_number() over (
            partition by business_date, oneid, brand
            order by aipl_stage_rank desc, recorded_oneid
        ) as merge_rank
    from all_nights

),

deduplicated as (

    select * from ranked
    where merge_rank = 1

),

final as (

    select
        {{ generate_surrogate_key(['business_date', 'oneid', 'brand']) }} as aipl_stage_history_id,
        business_date,
        oneid,
        brand,
        aipl_stage,
        cast(aipl_stage_rank as {{ dbt.type_int() }}) as aipl_stage_rank,
        recorded_oneid,
        lag(business_date) over (partition by oneid, brand order by business_date) as previous_business_date,
        lag(aipl_stage) over (partition by oneid, brand order by business_date) as previous_aipl_stage
    from deduplicated

)

select * from final
