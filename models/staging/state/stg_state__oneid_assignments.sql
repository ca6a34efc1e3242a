with

source as (

    select * from {{ source('state', 'oneid_assignments') }}
    -- The newest night before this one: reruns and backfills see what that night saw.
    where business_date < {{ business_date() }}

),

previous_night as (

    select max(business_date) as business_date from source

),

final as (

    select
        source.identifier_hash,
        source.oneid,
        source.oneid_created_on,
        source.business_date as assigned_on

    from source
    inner join previous_night on source.business_date = previous_night.business_date

)

select * from final
