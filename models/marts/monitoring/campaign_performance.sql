{#- Owned-channel campaign results per campaign and channel: touches sent,
    delivered, opened, clicked; the persons reached; and the valid purchases
    those persons made within var('monitoring_attribution_days') days after
    a delivered touch of the campaign (every campaign whose window holds an
    order is credited with it: no last-touch arbitration between
    campaigns), with their net revenue. A campaign of the campaigns seed
    carries its name; one the seed does not list (the touch logs hold every
    send of the channel's own tool) has none. -#}

with

touches as (

    select * from {{ ref('int_monitoring__campaign_touches') }}

),

campaigns as (

    select campaign_id, campaign_name from {{ ref('campaigns') }}

),

orders as (

    select * from {{ ref('int_commerce__orders') }}
    where is_valid_purchase and oneid is not null

),

touch_counts as (

    select
        campaign_id,
        channel,
        min(sent_on) as first_sent_on,
        max(sent_on) as last_sent_on,
        count(*) as touches_sent,
        sum(case when is_delivered then 1 else 0 end) as touches_delivered,
        sum(case when opened_at is not null then 1 else 0 end) as touches_opened,
        sum(case when clicked_at is not null then 1 else 0 end) as touches_clicked,
        sum(case when oneid is not null then 1 else 0 end) as touches_matched,
        count(distinct oneid) as persons_touched,
        count(distinct case when is_delivered then oneid end) as persons_reached
    from touches
    group by campaign_id, channel

),

attributed_orders as (

    select distinct
        touches.campaign_id,
        touches.channel,
        orders.order_key,
        orders.oneid,
        orders.net_amount
    from touches
    inner join orders
        on touches.oneid = orders.oneid
        and orders.ordered_at >= touches.sent_at
        and orders.ordered_at < {{ dbt.dateadd('day', var('monitoring_attribution_days'), 'touches.sent_at') }}
    where touches.is_delivered

),

attribution as (

    select
        campaign_id,
        channel,
        count(distinct oneid) as persons_purchased,
        count(*) as orders_attributed,
        sum(net_amount) as revenue
    from attributed_orders
    group by campaign_id, channel

),

final as (

    select
        touch_counts.campaign_id,
        campaigns.campaign_name,
        touch_counts.channel,
        touch_counts.first_sent_on,
        touch_counts.last_sent_on,
        touch_counts.touches_sent,
        touch_counts.touches_delivered,
        touch_counts.touches_opened,
        touch_counts.touches_clicked,
        touch_counts.touches_matched,
        touch_counts.persons_touched,
        touch_counts.persons_reached,
        coalesce(attribution.persons_purchased, 0) as persons_purchased,
        coalesce(attribution.orders_attributed, 0) as orders_attributed,
        cast(coalesce(attribution.revenue, 0) as {{ type_amount() }}) as revenue,
        {{ var('monitoring_attribution_days') }} as attribution_days,
        case when touch_counts.touches_sent > 0
            then cast(touch_counts.touches_delivered as {{ type_ratio() }}) / touch_counts.touches_sent end as delivery_rate,
        case when touch_counts.touches_delivered > 0
            then cast(touch_counts.touches_opened as {{ type_ratio() }}) / touch_counts.touches_delivered end as open_rate,
        case when touch_counts.touches_delivered > 0
            then cast(touch_counts.touches_clicked as {{ type_ratio() }}) / touch_counts.touches_delivered end as click_rate,
        case when touch_counts.persons_reached > 0
            then cast(coalesce(attribution.persons_purchased, 0) as {{ type_ratio() }}) / touch_counts.persons_reached end as conversion_rate
    from touch_counts
    left join campaigns on touch_counts.campaign_id = campaigns.campaign_id
    left join attribution
        on touch_counts.campaign_id = attribution.campaign_id
        and touch_counts.channel = attribution.channel

)

select * from final
