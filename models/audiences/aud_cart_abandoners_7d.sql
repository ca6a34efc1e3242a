{#- Cart abandoners of the last 7 days: added an item of the brand to the App
    cart within 7 days (var audience_cart_days) and bought nothing of that
    brand, in any channel, since the first such add. -#}

with

events as (

    select * from {{ ref('stg_app__events') }}
    where event_name = 'add_to_cart'
      and brand is not null
      and cast(event_at as date) > {{ dbt.dateadd('day', -var('audience_cart_days', 7), business_date()) }}
      and cast(event_at as date) <= {{ business_date() }}

),

record_oneids as (

    select * from {{ ref('int_record_oneids') }}
    where source_name = 'app_events'

),

order_lines as (

    select * from {{ ref('int_commerce__order_lines') }}
    where is_valid_purchase and oneid is not null

),

carted as (

    select record_oneids.oneid, events.brand, min(events.event_at) as first_added_at
    from events
    inner join record_oneids on events.event_id = record_oneids.record_key
    group by record_oneids.oneid, events.brand

),

final as (

    select carted.oneid, carted.brand
    from carted
    left join order_lines
        on carted.oneid = order_lines.oneid
        and carted.brand = order_lines.brand
        and order_lines.ordered_at >= carted.first_added_at
    where order_lines.oneid is null

)

select * from final
