with

source as (

    select * from {{ source('state', 'campaign_assignments') }}
    -- The newest night before this one: reruns and backfills see what that night saw.
    where business_date < {{ business_date() }}

),

previous_night as (

    select max(business_date) as business_date from source

),

final as (

    select
        source.campaign_id,
        source.oneid,
        source.assignment_group,
        cast(source.assigned_on as date) as assigned_on,
        source.anchor_identifier_hash

    from source
    inner join previous_night on source.business_date = previous_night.business_date

)

select * from final
