{#- The brand of every ad campaign seen in media backflow. Backflow rows
    carry no brand: seed tag_ad_campaign_brands (the media plan: platform,
    ad_campaign_id, brand) wins; any other campaign is attributed to the
    brand its conversions bought: the valid purchases that the converting
    OneID made within var tags_ad_attribution_days of each conversion, when
    one brand holds at least var tags_campaign_brand_min_share of those
    conversions. Impressions cannot vote (platforms retarget people of every
    brand), and a campaign with no attributable conversion stays
    unattributed: it still counts for media backflow groups, not for a
    brand's AIPL.

    Incremental (docs/incremental.md): the votes are counted whole each
    night; the slice holds the ad campaigns whose attribution changed, with
    their brand before tonight (`_previous_brand`), so that
    int_engagement__interactions re-derives the people they reached. -#}

{{ config(materialized='keyed_incremental', unique_key=['platform', 'ad_campaign_id'], dedup='replace') }}

with

backflow_events as (

    select platform, ad_campaign_id, event_name, event_on, oneid
    from {{ ref('int_engagement__backflow_events') }}

),

planned_campaigns as (

    select platform, ad_campaign_id, brand from {{ ref('tag_ad_campaign_brands') }}

),

purchase_days as (

    select distinct oneid, brand, ordered_on
    from {{ ref('int_commerce__order_lines') }}
    where is_valid_purchase and oneid is not null

),

conversions as (

    select platform, ad_campaign_id, oneid, event_on,
        row_number() over (partition by platform, ad_campaign_id order by oneid, event_on) as conversion_number
    from backflow_events
    where event_name = 'conversion' and oneid is not null

),

-- One vote per conversion: the brand bought closest to it.
conversion_brands as (

    select
        conversions.platform,
        conversions.ad_campaign_id,
        conversions.conversion_number,
        purchase_days.brand,
        row_number() over (
            partition by conversions.platform, conversions.ad_campaign_id, conversions.conversion_number
            order by abs({{ dbt.datediff('conversions.event_on', 'purchase_days.ordered_on', 'day') }}), purchase_days.brand
        ) as closeness_rank
    from conversions
    inner join purchase_days
        on conversions.oneid = purchase_days.oneid
        and purchase_days.ordered_on between
            {{ dbt.dateadd('day', -1 * var('tags_ad_attribution_days'), 'conversions.event_on') }}
            and {{ dbt.dateadd('day', var('tags_ad_attribution_days'), 'conversions.event_on') }}

),

conversion_counts as (

    select platform, ad_campaign_id, count(*) as conversions
    from conversions
    group by platform, ad_campaign_id

),

votes as (

    select platform, ad_campaign_id, brand, count(*) as voting_conversions,
        row_number() over (partition by platform, ad_campaign_id order by count(*) desc, brand) as vote_rank
    from conversion_brands
    where closeness_rank = 1
    group by platform, ad_campaign_id, brand

),

inferred as (

    select
        votes.platform,
        votes.ad_campaign_id,
        votes.brand,
        1.0 * votes.voting_conversions / conversion_counts.conversions as brand_share
    from votes
    inner join conversion_counts
        on votes.platform = conversion_counts.platform
        and votes.ad_campaign_id = conversion_counts.ad_campaign_id
    where votes.vote_rank = 1
        and 1.0 * votes.voting_conversions / conversion_counts.conversions >= {{ var('tags_campaign_brand_min_share') }}

),

campaigns as (

    select distinct platform, ad_campaign_id from backflow_events
    union
    select platform, ad_campaign_id from planned_campaigns

),

attributed as (

    select
        campaigns.platform,
        campaigns.ad_campaign_id,
        coalesce(planned_campaigns.brand, inferred.brand) as brand,
        case
            when planned_campaigns.brand is not null then 'media_plan'
            when inferred.brand is not null then 'conversion_vote'
        end as attribution_method,
        inferred.brand_share as conversion_brand_share
    from campaigns
    left join planned_campaigns
        on campaigns.platform = planned_campaigns.platform
        and campaigns.ad_campaign_id = planned_campaigns.ad_campaign_id
    left join inferred
        on campaigns.platform = inferred.platform
        and campaigns.ad_campaign_id = inferred.ad_campaign_id
    where coalesce(planned_campaigns.brand, inferred.brand) is not null

),

final as (

    {% if is_incremental() -%}
    {{ whole_table_changes('attributed', ['platform', 'ad_campaign_id'], ['brand', 'attribution_method', 'conversion_brand_share'], previous=['brand']) }}
    {%- else -%}
    select * from attributed
    {%- endif %}

)

select * from final
