{#- Owned-channel campaign results per campaign and channel: touches sent,
    delivered, opened, clicked; the persons reached; and the valid purchases
    those persons made within var('monitoring_attribution_days') days after
    a delivered touch of the campaign (every campaign whose window holds an
    order is credited with it: no last-touch arbitration between
    campaigns), with their net revenue. A campaign of the campaigns seed
    carries its name; one the seed does not list (the touch logs hold every
    send of the channel's own tool) has none.

    Lift, for every campaign of the seed that has assigned people
    (campaign_assignments, on any channel, media included): the share of
    treatment and of holdout people who made a valid purchase of the
    campaign's brand (any brand for a group-wide campaign) in the
    var('monitoring_attribution_days') days after the night that assigned
    them (that night's files go out the next day), the absolute lift
    (treatment rate - holdout rate), the relative lift (over the holdout
    rate) and the 95% confidence interval of the absolute lift by the
    normal approximation to the difference of two proportions (unpooled
    standard error, bounds to 4 decimals), with the counts used. Intent to treat: a treatment
    person counts whether or not a touch reached them. -#}

with

touches as (

    select * from {{ ref('int_engagement__campaign_touches') }}

),

campaigns as (

    select campaign_id, campaign_name, channel, brand, holdout_share from {{ ref('campaigns') }}

),

assignments as (

    select * from {{ ref('campaign_assignments') }}

),

order_lines as (

    select oneid, brand, ordered_on from {{ ref('int_commerce__order_lines') }}
    where is_valid_purchase and oneid is not null

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

converted_people as (

    select distinct assignments.campaign_id, assignments.oneid
    from assignments
    inner join campaigns on assignments.campaign_id = campaigns.campaign_id
    inner join order_lines
        on assignments.oneid = order_lines.oneid
        and (campaigns.brand is null or order_lines.brand = campaigns.brand)
        and order_lines.ordered_on > assignments.assigned_on
        and order_lines.ordered_on <= {{ dbt.dateadd('day', var('monitoring_attribution_days'), 'assignments.assigned_on') }}

),

group_counts as (

    select
        assignments.campaign_id,
        sum(case when assignments.assignment_group = 'treatment' then 1 else 0 end) as treatment_people,
        sum(case when assignments.assignment_group = 'treatment' and converted_people.oneid is not null then 1 else 0 end)
            as treatment_converted,
        sum(case when assignments.assignment_group = 'holdout' then 1 else 0 end) as holdout_people,
        sum(case when assignments.assignment_group = 'holdout' and converted_people.oneid is not null then 1 else 0 end)
            as holdout_converted
    from assignments
    left join converted_people
        on assignments.campaign_id = converted_people.campaign_id
        and assignments.oneid = converted_people.oneid
    group by assignments.campaign_id

),

group_rates as (

    select
        group_counts.*,
        case when treatment_people > 0
            then cast(treatment_converted as {{ type_ratio() }}) / treatment_people end as treatment_conversion_rate,
        case when holdout_people > 0
            then cast(holdout_converted as {{ type_ratio() }}) / holdout_people end as holdout_conversion_rate
    from group_counts

),

lift as (

    select
        group_rates.*,
        treatment_conversion_rate - holdout_conversion_rate as absolute_lift,
        case when holdout_conversion_rate > 0
            then (treatment_conversion_rate - holdout_conversion_rate) / holdout_conversion_rate end as relative_lift,
        sqrt(
            treatment_conversion_rate * (1 - treatment_conversion_rate) / treatment_people
            + holdout_conversion_rate * (1 - holdout_conversion_rate) / holdout_people
        ) as lift_standard_error
    from group_rates

),

campaign_lift as (

    select
        lift.*,
        campaigns.channel,
        campaigns.holdout_share
    from lift
    inner join campaigns on lift.campaign_id = campaigns.campaign_id

),

touch_results as (

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

),

final as (

    select
        coalesce(touch_results.campaign_id, campaign_lift.campaign_id) as campaign_id,
        coalesce(touch_results.campaign_name, campaigns.campaign_name) as campaign_name,
        coalesce(touch_results.channel, campaign_lift.channel) as channel,
        touch_results.first_sent_on,
        touch_results.last_sent_on,
        coalesce(touch_results.touches_sent, 0) as touches_sent,
        coalesce(touch_results.touches_delivered, 0) as touches_delivered,
        coalesce(touch_results.touches_opened, 0) as touches_opened,
        coalesce(touch_results.touches_clicked, 0) as touches_clicked,
        coalesce(touch_results.touches_matched, 0) as touches_matched,
        coalesce(touch_results.persons_touched, 0) as persons_touched,
        coalesce(touch_results.persons_reached, 0) as persons_reached,
        coalesce(touch_results.persons_purchased, 0) as persons_purchased,
        coalesce(touch_results.orders_attributed, 0) as orders_attributed,
        cast(coalesce(touch_results.revenue, 0) as {{ type_amount() }}) as revenue,
        {{ var('monitoring_attribution_days') }} as attribution_days,
        touch_results.delivery_rate,
        touch_results.open_rate,
        touch_results.click_rate,
        touch_results.conversion_rate,
        campaign_lift.holdout_share,
        coalesce(campaign_lift.treatment_people, 0) as treatment_people,
        coalesce(campaign_lift.treatment_converted, 0) as treatment_converted,
        campaign_lift.treatment_conversion_rate,
        coalesce(campaign_lift.holdout_people, 0) as holdout_people,
        coalesce(campaign_lift.holdout_converted, 0) as holdout_converted,
        campaign_lift.holdout_conversion_rate,
        campaign_lift.absolute_lift,
        campaign_lift.relative_lift,
        round(campaign_lift.absolute_lift - 1.96 * campaign_lift.lift_standard_error, 4) as absolute_lift_ci_low,
        round(campaign_lift.absolute_lift + 1.96 * campaign_lift.lift_standard_error, 4) as absolute_lift_ci_high
    from touch_results
    full outer join campaign_lift
        on touch_results.campaign_id = campaign_lift.campaign_id
        and touch_results.channel = campaign_lift.channel
    left join campaigns on campaign_lift.campaign_id = campaigns.campaign_id

)

select * from final
