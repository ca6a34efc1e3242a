{#- 直播未成交: watched a brand's live stream in the App within 30 days (var
    audience_live_days) and bought nothing of that brand since. -#}

with

events as (

    select * from {{ ref('stg_app__events') }}
    where event_name = 'live_view'
      and brand is not null
      and cast(event_at as date) > {{ dbt.dateadd('day', -var('audience_live_days', 30), business_date()) }}
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

viewers as (

    select record_oneids.oneid, events.brand, min(events.event_at) as first_viewed_at
    from events
    inner join record_oneids on events.event_id = record_oneids.record_key
    group by record_oneids.oneid, events.brand

),

final as (

    select viewers.oneid, viewers.brand
    from viewers
    left join order_lines
        on viewers.oneid = order_lines.oneid
        and viewers.brand = order_lines.brand
        and order_lines.ordered_at >= viewers.first_viewed_at
    where order_lines.oneid is null

)

select * from final
