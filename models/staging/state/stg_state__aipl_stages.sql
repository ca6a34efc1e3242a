with

source as (

    select * from {{ source('state', 'aipl_stages') }}
    -- Every earlier night: reruns and backfills see the history that night saw.
    where business_date < {{ business_date() }}

),

final as (

    select
        cast(business_date as date) as business_date,
        oneid,
        brand,
        aipl_stage,
        anchor_identifier_hash

    from source

)

select * from final
