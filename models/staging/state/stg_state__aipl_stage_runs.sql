with

source as (

    select * from {{ source('state', 'aipl_stage_runs') }}
    -- The newest night before this one: reruns and backfills see what that night saw.
    where business_date < {{ business_date() }}

),

previous_night as (

    select max(business_date) as business_date from source

),

final as (

    select
        source.oneid,
        source.brand,
        source.aipl_stage,
        cast(source.valid_from as date) as valid_from,
        cast(source.valid_to as date) as valid_to,
        source.anchor_identifier_hash,
        cast(source.business_date as date) as recorded_on

    from source
    inner join previous_night on source.business_date = previous_night.business_date

)

select * from final
