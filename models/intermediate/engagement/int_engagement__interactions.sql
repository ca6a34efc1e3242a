{#- Every brand interaction of every OneID, one row per OneID x brand x
    day x source x interaction type, from every behaviour source: App
    events, official-account follows, mini-program sign-ups, programme
    joins, delivered / opened / clicked campaign touches, ad impressions,
    clicks and conversions (media backflow through hashed identifiers) and
    valid purchases. Days are China Standard Time dates. Each type carries
    the AIPL signal that seed tag_aipl_interaction_signals gives it.

    Records reach their OneID through int_record_oneids; touches and
    backflow through int_engagement__campaign_touches and
    int_engagement__backflow_events (matched by identifier, ambiguous
    matches dropped); purchases through int_commerce__order_lines; programme
    joins through int_person_memberships. Touches and ads carry no brand:
    they count here only when their campaign's brand is known
    (int_engagement__campaign_brands, int_engagement__ad_campaign_brands).

    Incremental (docs/incremental.md): keyed by OneID, a night re-derives
    the interactions of int_engagement__reconsidered_oneids from the whole
    history of those people; a reconsidered OneID without interactions
    leaves a tombstone. -#}

{{ config(materialized='keyed_incremental', unique_key=['oneid'], dedup='replace') }}
-- depends_on: {{ ref('int_engagement__reconsidered_oneids') }}

with

app_events as (

    select * from {{ ref('stg_app__events') }}

),

oa_followers as (

    select * from {{ ref('stg_wechat__oa_followers') }}

),

miniapp_users as (

    select * from {{ ref('stg_wechat__miniapp_users') }}

),

record_oneids as (

    select source_name, record_key, oneid from {{ ref('int_record_oneids') }}
    {%- if is_incremental() %}
    where oneid in (select oneid from {{ ref('int_engagement__reconsidered_oneids') }})
    {%- endif %}

),

memberships as (

    select * from {{ ref('int_person_memberships') }}
    {%- if is_incremental() %}
    where oneid in (select oneid from {{ ref('int_engagement__reconsidered_oneids') }})
    {%- endif %}

),

touches as (

    select * from {{ ref('int_engagement__campaign_touches') }}
    where oneid is not null
    {%- if is_incremental() %}
        and oneid in (select oneid from {{ ref('int_engagement__reconsidered_oneids') }})
    {%- endif %}

),

campaign_brands as (

    select campaign_id, brand from {{ ref('int_engagement__campaign_brands') }}

),

backflow_events as (

    select * from {{ ref('int_engagement__backflow_events') }}
    where oneid is not null
    {%- if is_incremental() %}
        and oneid in (select oneid from {{ ref('int_engagement__reconsidered_oneids') }})
    {%- endif %}

),

ad_campaign_brands as (

    select platform, ad_campaign_id, brand from {{ ref('int_engagement__ad_campaign_brands') }}

),

order_lines as (

    select * from {{ ref('int_commerce__order_lines') }}
    where is_valid_purchase and oneid is not null
    {%- if is_incremental() %}
        and oneid in (select oneid from {{ ref('int_engagement__reconsidered_oneids') }})
    {%- endif %}

),

signals as (

    select source_name, interaction_type, aipl_signal from {{ ref('tag_aipl_interaction_signals') }}

),

brand_names as (

    select name_as_delivered, brand from {{ ref('int_brand_names') }}

),

app_interactions as (

    select
        record_oneids.oneid,
        app_events.brand,
        'app_events' as source_name,
        case
            when app_events.event_name = 'review'
                and app_events.review_rating >= {{ var('tags_aipl_good_review_rating') }} then 'good_review'
            else app_events.event_name
        end as interaction_type,
        app_events.event_at as interaction_at,
        app_events.event_id as interaction_key
    from app_events
    inner join record_oneids
        on record_oneids.source_name = 'app_events'
        and record_oneids.record_key = cast(app_events.event_id as {{ dbt.type_string() }})
    where app_events.event_at is not null

),

follow_interactions as (

    select
        record_oneids.oneid,
        oa_followers.brand,
        'wechat_oa_followers' as source_name,
        'follow' as interaction_type,
        oa_followers.subscribed_at as interaction_at,
        cast(oa_followers.oa_follower_id as {{ dbt.type_string() }}) as interaction_key
    from oa_followers
    inner join record_oneids
        on record_oneids.source_name = 'wechat_oa_followers'
        and record_oneids.record_key = cast(oa_followers.oa_follower_id as {{ dbt.type_string() }})
    where oa_followers.subscribed_at is not null

),

miniapp_interactions as (

    select
        record_oneids.oneid,
        miniapp_users.brand,
        'wechat_miniapp_users' as source_name,
        'miniapp_register' as interaction_type,
        miniapp_users.created_at as interaction_at,
        cast(miniapp_users.miniapp_user_id as {{ dbt.type_string() }}) as interaction_key
    from miniapp_users
    inner join record_oneids
        on record_oneids.source_name = 'wechat_miniapp_users'
        and record_oneids.record_key = cast(miniapp_users.miniapp_user_id as {{ dbt.type_string() }})
    where miniapp_users.created_at is not null

),

programme_interactions as (

    select
        oneid,
        brand,
        source_name,
        'programme_join' as interaction_type,
        joined_at as interaction_at,
        cast(membership_id as {{ dbt.type_string() }}) as interaction_key
    from memberships
    where joined_at is not null and oneid is not null

),

touch_events as (

    select touch_id, campaign_id, oneid, 'touch_delivered' as interaction_type, sent_at as interaction_at
    from touches
    where is_delivered and sent_at is not null
    union all
    select touch_id, campaign_id, oneid, 'touch_opened' as interaction_type, opened_at as interaction_at
    from touches
    where opened_at is not null
    union all
    select touch_id, campaign_id, oneid, 'touch_clicked' as interaction_type, clicked_at as interaction_at
    from touches
    where clicked_at is not null

),

touch_interactions as (

    select
        touch_events.oneid,
        campaign_brands.brand,
        'campaign_touches' as source_name,
        touch_events.interaction_type,
        touch_events.interaction_at,
        touch_events.touch_id as interaction_key
    from touch_events
    inner join campaign_brands on touch_events.campaign_id = campaign_brands.campaign_id

),

ad_interactions as (

    select
        backflow_events.oneid,
        ad_campaign_brands.brand,
        'ad_backflow' as source_name,
        {{ dbt.concat(["'ad_'", 'backflow_events.event_name']) }} as interaction_type,
        backflow_events.event_at as interaction_at,
        backflow_events.backflow_event_id as interaction_key
    from backflow_events
    inner join ad_campaign_brands
        on backflow_events.platform = ad_campaign_brands.platform
        and backflow_events.ad_campaign_id = ad_campaign_brands.ad_campaign_id
    where backflow_events.event_at is not null

),

purchase_interactions as (

    select distinct
        oneid,
        brand,
        'orders' as source_name,
        'purchase' as interaction_type,
        ordered_at as interaction_at,
        cast(order_key as {{ dbt.type_string() }}) as interaction_key
    from order_lines
    where ordered_at is not null

),

all_interactions as (

    select * from app_interactions
    union all
    select * from follow_interactions
    union all
    select * from miniapp_interactions
    union all
    select * from programme_interactions
    union all
    select * from touch_interactions
    union all
    select * from ad_interactions
    union all
    select * from purchase_interactions

),

branded as (

    select
        all_interactions.oneid,
        -- Raw brand values resolve through int_brand_names; orders, touches and
        -- ad backflow already carry a resolved brand, which passes through.
        coalesce(brand_names.brand, all_interactions.brand) as brand,
        all_interactions.source_name,
        all_interactions.interaction_type,
        all_interactions.interaction_at,
        {{ cst_date('all_interactions.interaction_at') }} as interaction_on,
        all_interactions.interaction_key
    from all_interactions
    left join brand_names on all_interactions.brand = brand_names.name_as_delivered
    where all_interactions.brand is not null

),

interactions as (

    select
        branded.oneid,
        branded.brand,
        branded.interaction_on,
        branded.source_name,
        branded.interaction_type,
        signals.aipl_signal,
        count(distinct branded.interaction_key) as interaction_count,
        min(branded.interaction_at) as first_interaction_at,
        max(branded.interaction_at) as last_interaction_at
    from branded
    inner join signals
        on branded.source_name = signals.source_name
        and branded.interaction_type = signals.interaction_type
    where branded.interaction_on <= {{ business_date() }}
    group by
        branded.oneid,
        branded.brand,
        branded.interaction_on,
        branded.source_name,
        branded.interaction_type,
        signals.aipl_signal

),

-- A reconsidered OneID without interactions any more (merged away, or its
-- only facts moved to another person) leaves a tombstone.
final as (

    {{ with_tombstones('interactions', ref('int_engagement__reconsidered_oneids'), ['oneid']) }}

)

select * from final
