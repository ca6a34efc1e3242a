with

source as (

    select * from {{ source('state', 'oneid_changes') }}
    where business_date < {{ business_date() }}

),

previous_night as (

    select max(business_date) as business_date from source

),

final as (

    select
        source.oneid_change_id,
        source.changed_on,
        source.old_oneid,
        source.new_oneid,
        source.change_kind,
        source.cause,
        source.identifiers_moved

    from source
    inner join previous_night on source.business_date = previous_night.business_date

)

select * from final
