{#- Media backflow groups per OneID: everyone an ad platform reported in the
    last var tags_backflow_window_days days whose hashed identifier matched
    exactly one OneID. One group per person, first match wins
    (docs/tags.md, "Media backflow groups"):

    high_repurchase_value   reached by ads and bought on at least var
                            tags_backflow_repurchase_min_days different days
                            in the last var tags_aipl_purchase_window_days
                            days: repeat buyers worth re-marketing to;
    high_conversion_value   a platform-reported conversion, or a valid
                            purchase within var tags_ad_attribution_days
                            after an ad click: ads turn into orders;
    high_reach_value        at least var tags_backflow_reach_min_clicks ad
                            clicks: the person responds to ads;
    potential_reach         at least var tags_backflow_potential_min_impressions
                            impressions and nothing more: reachable, not yet
                            engaged.

    Each rule is also a boolean column, so overlaps can be counted. -#}

with

backflow_events as (

    select * from {{ ref('int_engagement__backflow_events') }}
    where oneid is not null
        and event_on <= {{ business_date() }}
        and {{ dbt.datediff('event_on', business_date(), 'day') }} < {{ var('tags_backflow_window_days') }}

),

purchase_days as (

    select distinct oneid, ordered_on
    from {{ ref('int_commerce__order_lines') }}
    where is_valid_purchase
        and oneid is not null
        and ordered_on <= {{ business_date() }}
        and {{ dbt.datediff('ordered_on', business_date(), 'day') }} < {{ var('tags_aipl_purchase_window_days') }}

),

exposure as (

    select
        oneid,
        sum(case when event_name = 'impression' then 1 else 0 end) as impressions,
        sum(case when event_name = 'click' then 1 else 0 end) as clicks,
        sum(case when event_name = 'conversion' then 1 else 0 end) as conversions,
        count(distinct platform) as platforms,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at
    from backflow_events
    group by oneid

),

purchases as (

    select oneid, count(*) as purchase_days
    from purchase_days
    group by oneid

),

clicks_followed_by_purchase as (

    select distinct backflow_events.oneid
    from backflow_events
    inner join purchase_days
        on backflow_events.oneid = purchase_days.oneid
        and purchase_days.ordered_on >= backflow_events.event_on
        and purchase_days.ordered_on <= {{ dbt.dateadd('day', var('tags_ad_attribution_days'), 'backflow_events.event_on') }}
    where backflow_events.event_name = 'click'

),

flagged as (

    select
        exposure.*,
        coalesce(purchases.purchase_days, 0) as purchase_days,
        clicks_followed_by_purchase.oneid is not null as has_purchase_after_click,
        coalesce(purchases.purchase_days, 0) >= {{ var('tags_backflow_repurchase_min_days') }}
            as is_high_repurchase_value,
        exposure.conversions > 0 or clicks_followed_by_purchase.oneid is not null
            as is_high_conversion_value,
        exposure.clicks >= {{ var('tags_backflow_reach_min_clicks') }}
            as is_high_reach_value,
        exposure.impressions >= {{ var('tags_backflow_potential_min_impressions') }}
            as is_potential_reach
    from exposure
    left join purchases on exposure.oneid = purchases.oneid
    left join clicks_followed_by_purchase on exposure.oneid = clicks_followed_by_purchase.oneid

),

final as (

    select
        oneid,
        case
            when is_high_repurchase_value then 'high_repurchase_value'
            when is_high_conversion_value then 'high_conversion_value'
            when is_high_reach_value then 'high_reach_value'
            when is_potential_reach then 'potential_reach'
            else 'reached_only'
        end as backflow_group,
        cast(impressions as {{ dbt.type_bigint() }}) as impressions,
        cast(clicks as {{ dbt.type_bigint() }}) as clicks,
        cast(conversions as {{ dbt.type_bigint() }}) as conversions,
        cast(case when impressions > 0 then 1.0 * clicks / impressions end as double) as click_through_rate,
        cast(purchase_days as {{ dbt.type_bigint() }}) as purchase_days,
        has_purchase_after_click,
        is_high_repurchase_value,
        is_high_conversion_value,
        is_high_reach_value,
        is_potential_reach,
        cast(platforms as {{ dbt.type_bigint() }}) as platforms,
        first_event_at,
        last_event_at,
        cast({{ business_date() }} as date) as business_date
    from flagged

)

select * from final
