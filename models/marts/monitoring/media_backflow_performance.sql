{#- Paid media results per platform and ad campaign from the platforms'
    backflow: impressions, clicks and the conversions the platform reports,
    cost, how many of the hashed ids matched a person of ours, and the valid
    purchases matched persons made within var('monitoring_attribution_days')
    days after a click (our own orders, not the platform's claim). -#}

with

backflow_events as (

    select * from {{ ref('int_engagement__backflow_events') }}

),

orders as (

    select * from {{ ref('int_commerce__orders') }}
    where is_valid_purchase and oneid is not null

),

event_counts as (

    select
        platform,
        ad_campaign_id,
        min(event_on) as first_event_on,
        max(event_on) as last_event_on,
        sum(case when event_name = 'impression' then 1 else 0 end) as impressions,
        sum(case when event_name = 'click' then 1 else 0 end) as clicks,
        sum(case when event_name = 'conversion' then 1 else 0 end) as platform_conversions,
        cast(coalesce(sum(cost), 0) as {{ type_amount() }}) as cost,
        count(*) as events,
        sum(case when oneid is not null then 1 else 0 end) as events_matched,
        count(distinct oneid) as matched_persons,
        count(distinct case when event_name = 'click' then oneid end) as matched_clickers
    from backflow_events
    group by platform, ad_campaign_id

),

purchases_after_click as (

    select distinct
        backflow_events.platform,
        backflow_events.ad_campaign_id,
        orders.order_key,
        orders.oneid,
        orders.net_amount
    from backflow_events
    inner join orders
        on backflow_events.oneid = orders.oneid
        and orders.ordered_at >= backflow_events.event_at
        and orders.ordered_at < {{ dbt.dateadd('day', var('monitoring_attribution_days'), 'backflow_events.event_at') }}
    where backflow_events.event_name = 'click'

),

attribution as (

    select
        platform,
        ad_campaign_id,
        count(distinct oneid) as persons_purchased,
        count(*) as orders_attributed,
        sum(net_amount) as revenue
    from purchases_after_click
    group by platform, ad_campaign_id

),

final as (

    select
        event_counts.platform,
        event_counts.ad_campaign_id,
        event_counts.first_event_on,
        event_counts.last_event_on,
        event_counts.impressions,
        event_counts.clicks,
        event_counts.platform_conversions,
        event_counts.cost,
        event_counts.events,
        event_counts.events_matched,
        event_counts.matched_persons,
        event_counts.matched_clickers,
        coalesce(attribution.persons_purchased, 0) as persons_purchased,
        coalesce(attribution.orders_attributed, 0) as orders_attributed,
        cast(coalesce(attribution.revenue, 0) as {{ type_amount() }}) as revenue,
        {{ var('monitoring_attribution_days') }} as attribution_days,
        case when event_counts.impressions > 0
            then cast(event_counts.clicks as {{ type_ratio() }}) / event_counts.impressions end as click_through_rate,
        case when event_counts.events > 0
            then cast(event_counts.events_matched as {{ type_ratio() }}) / event_counts.events end as match_rate,
        case when event_counts.matched_persons > 0
            then cast(event_counts.cost / event_counts.matched_persons as {{ type_amount() }}) end as cost_per_matched_person
    from event_counts
    left join attribution
        on event_counts.platform = attribution.platform
        and event_counts.ad_campaign_id = attribution.ad_campaign_id

)

select * from final
