{#- Campaign touches (sent, whether delivered or not) with the OneID of the
    identifier they went to, for frequency caps. A touch whose identifier
    matches several OneIDs counts for each. -#}

with

touches as (

    select * from {{ ref('stg_campaigns__touches') }}
    where id_value_normalized is not null
      and cast(sent_at as date) <= {{ business_date() }}

),

delivered_identifiers as (

    select * from {{ ref('int_activation__delivered_identifiers') }}

),

final as (

    select distinct
        touches.touch_id,
        touches.campaign_id,
        touches.channel,
        delivered_identifiers.oneid,
        touches.sent_at,
        cast(touches.sent_at as date) as sent_date
    from touches
    inner join delivered_identifiers
        on touches.id_type = delivered_identifiers.delivered_id_type
        and touches.id_value_normalized = delivered_identifiers.delivered_value

)

select * from final
