{#- Interest, no purchase, 30 days: engaged with a brand in the App within 30
    days (var audience_interest_days: viewed, searched, favourited, carted,
    watched live, claimed a coupon) and no valid purchase of that brand in the
    same window in any channel. -#}

with

events as (

    select * from {{ ref('stg_app__events') }}
    where event_name in ('view_item', 'search', 'favorite', 'add_to_cart', 'live_view', 'coupon_claim')
      and brand is not null
      and cast(event_at as date) > {{ dbt.dateadd('day', -var('audience_interest_days'), business_date()) }}
      and cast(event_at as date) <= {{ business_date() }}

),

record_oneids as (

    select * from {{ ref('int_record_oneids') }}
    where source_name = 'app_events'

),

order_lines as (

    select * from {{ ref('int_commerce__order_lines') }}
    where is_valid_purchase
      and oneid is not null
      and ordered_on > {{ dbt.dateadd('day', -var('audience_interest_days'), business_date()) }}
      and ordered_on <= {{ business_date() }}

),

interested as (

    select distinct record_oneids.oneid, events.brand
    from events
    inner join record_oneids on events.event_id = record_oneids.record_key

),

buyers as (

    select distinct oneid, brand from order_lines

),

final as (

    select interested.oneid, interested.brand
    from interested
    left join buyers on interested.oneid = buyers.oneid and interested.brand = buyers.brand
    where buyers.oneid is null

)

select * from final
{{ stored_in_order_of('oneid') }}
