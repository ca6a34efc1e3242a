{#- The OneIDs whose interactions an incremental night re-derives
    (docs/incremental.md): every OneID that one of the night's slices names
    before or after tonight, and every OneID with a fact that comes of age
    tonight. Every other OneID's interactions are as they were last night.

    - records int_record_oneids re-voted (new records, new versions, moved
      identifiers): their OneID tonight and before;
    - order lines int_commerce__order_lines re-derived (a new catalog row
      may change their brand);
    - touches and backflow events (re)matched tonight: their OneID tonight
      and before;
    - member cards seen only on POS receipts (int_person_memberships holds
      them by their own identifier) whose OneID moved since last night's
      state snapshot: both OneIDs;
    - the people reached by a campaign or an ad campaign whose brand
      changed (int_engagement__campaign_brands,
      int_engagement__ad_campaign_brands; a vote share that moved without
      changing the brand changes no interaction);
    - facts dated after the night the store was built for
      (var extended_business_date) and not after tonight: a device clock
      ahead of time delivers them before their day, and they count from
      their day on.

    Empty on a full build, which derives everybody. -#}

-- Read only on incremental nights:
-- depends_on: {{ ref('int_record_oneids') }}, {{ ref('int_commerce__order_lines') }}
-- depends_on: {{ ref('int_engagement__campaign_touches') }}, {{ ref('int_engagement__backflow_events') }}
-- depends_on: {{ ref('int_engagement__campaign_brands') }}, {{ ref('int_engagement__ad_campaign_brands') }}
-- depends_on: {{ ref('int_person_memberships') }}, {{ ref('stg_app__events') }}
-- depends_on: {{ ref('stg_wechat__oa_followers') }}, {{ ref('stg_wechat__miniapp_users') }}
-- depends_on: {{ ref('int_identifier_oneids') }}, {{ ref('stg_state__oneid_assignments') }}

with

{% if is_incremental_night() -%}
{%- set since = extended_business_date() -%}
revoted_records as (

    {{ revoted_oneids() }}

),

rederived_lines as (

    select oneid from {{ night_slice(ref('int_commerce__order_lines')) }}

),

rematched_touches as (

    select oneid, _previous_oneid from {{ night_slice(ref('int_engagement__campaign_touches')) }}

),

rematched_backflow as (

    select oneid, _previous_oneid from {{ night_slice(ref('int_engagement__backflow_events')) }}

),

reattributed_touches as (

    select touches.oneid
    from {{ ref('int_engagement__campaign_touches') }} as touches
    inner join {{ night_slice(ref('int_engagement__campaign_brands')) }} as campaigns
        on touches.campaign_id = campaigns.campaign_id
    -- A changed vote share alone changes no interaction.
    where campaigns.brand is distinct from campaigns._previous_brand

),

reattributed_backflow as (

    select backflow_events.oneid
    from {{ ref('int_engagement__backflow_events') }} as backflow_events
    inner join {{ night_slice(ref('int_engagement__ad_campaign_brands')) }} as ad_campaigns
        on backflow_events.platform = ad_campaigns.platform
        and backflow_events.ad_campaign_id = ad_campaigns.ad_campaign_id
    where ad_campaigns.brand is distinct from ad_campaigns._previous_brand

),

moved_member_cards as (

    select identifier_oneids.oneid, last_night.oneid as previous_oneid
    from {{ ref('int_identifier_oneids') }} as identifier_oneids
    inner join {{ ref('stg_state__oneid_assignments') }} as last_night
        on identifier_oneids.identifier_hash = last_night.identifier_hash
    where identifier_oneids.id_type = 'crm_member_id'
        and identifier_oneids.oneid <> last_night.oneid

),

record_oneids as (

    select source_name, record_key, oneid from {{ ref('int_record_oneids') }}

),

-- Facts whose day came since the extended night (int_engagement__interactions
-- counts a fact from its China calendar day on).
maturing_records as (

    select 'app_events' as source_name, cast(event_id as {{ dbt.type_string() }}) as record_key
    from {{ ref('stg_app__events') }}
    where {{ cst_date('event_at') }} > {{ since }}
    union all
    select 'wechat_oa_followers' as source_name, cast(oa_follower_id as {{ dbt.type_string() }}) as record_key
    from {{ ref('stg_wechat__oa_followers') }}
    where {{ cst_date('subscribed_at') }} > {{ since }}
    union all
    select 'wechat_miniapp_users' as source_name, cast(miniapp_user_id as {{ dbt.type_string() }}) as record_key
    from {{ ref('stg_wechat__miniapp_users') }}
    where {{ cst_date('created_at') }} > {{ since }}

),

maturing as (

    select record_oneids.oneid
    from maturing_records
    inner join record_oneids
        on maturing_records.source_name = record_oneids.source_name
        and maturing_records.record_key = record_oneids.record_key
    union all
    select oneid from {{ ref('int_person_memberships') }}
    where {{ cst_date('joined_at') }} > {{ since }}
    union all
    select oneid from {{ ref('int_engagement__campaign_touches') }}
    where {{ cst_date('sent_at') }} > {{ since }}
        or {{ cst_date('opened_at') }} > {{ since }}
        or {{ cst_date('clicked_at') }} > {{ since }}
    union all
    select oneid from {{ ref('int_engagement__backflow_events') }}
    where event_on > {{ since }}
    union all
    select oneid from {{ ref('int_commerce__order_lines') }}
    where ordered_on > {{ since }}

),

final as (

    select oneid
    from (
        select oneid from revoted_records
        union all
        select oneid from rederived_lines
        union all
        select oneid from rematched_touches
        union all
        select _previous_oneid as oneid from rematched_touches
        union all
        select oneid from rematched_backflow
        union all
        select _previous_oneid as oneid from rematched_backflow
        union all
        select oneid from moved_member_cards
        union all
        select previous_oneid as oneid from moved_member_cards
        union all
        select oneid from reattributed_touches
        union all
        select oneid from reattributed_backflow
        union all
        select oneid from maturing
    ) as reconsidered
    where oneid is not null
    group by oneid

)
{%- else -%}
final as (

    select cast(null as {{ dbt.type_string() }}) as oneid
    from (select 1 as nothing) as no_rows
    where 1 = 0

)
{%- endif %}

select * from final
