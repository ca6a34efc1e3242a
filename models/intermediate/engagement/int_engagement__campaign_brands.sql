{#- The brand of every campaign whose touches were delivered. Touch logs do
    not carry a brand: a campaign registered in the activation seed
    `campaigns` has its brand there; any other campaign is attributed to the
    brand that most of the people it reached hold a relationship with (a
    programme membership, an official-account follow or a mini-program
    account), when that brand covers at least var
    tags_campaign_brand_min_share of them. A brand messages its own members,
    so the vote is clear for real campaigns; a campaign without a clear
    majority stays unattributed and counts for no brand's AIPL (it still
    counts for channel preference).

    Incremental (docs/incremental.md): the votes are counted whole each
    night; the slice holds the campaigns whose attribution changed, with
    their brand before tonight (`_previous_brand`), so that
    int_engagement__interactions re-derives the people they reached. -#}

{{ config(materialized='keyed_incremental', unique_key=['campaign_id'], dedup='replace') }}

with

touches as (

    select campaign_id, oneid
    from {{ ref('int_engagement__campaign_touches') }}
    where oneid is not null

),

registered_campaigns as (

    select campaign_id, brand from {{ ref('campaigns') }}

),

memberships as (

    select oneid, brand from {{ ref('int_person_memberships') }}

),

follower_records as (

    select record_oneids.oneid, followers.brand
    from {{ ref('stg_wechat__oa_followers') }} as followers
    inner join {{ ref('int_record_oneids') }} as record_oneids
        on record_oneids.source_name = 'wechat_oa_followers'
        and record_oneids.record_key = cast(followers.oa_follower_id as {{ dbt.type_string() }})

),

miniapp_records as (

    select record_oneids.oneid, miniapp_users.brand
    from {{ ref('stg_wechat__miniapp_users') }} as miniapp_users
    inner join {{ ref('int_record_oneids') }} as record_oneids
        on record_oneids.source_name = 'wechat_miniapp_users'
        and record_oneids.record_key = cast(miniapp_users.miniapp_user_id as {{ dbt.type_string() }})

),

brand_names as (

    select name_as_delivered, brand from {{ ref('int_brand_names') }}

),

relationships as (

    select distinct
        relations.oneid,
        -- A card seen only at the till already carries its resolved brand.
        coalesce(brand_names.brand, relations.brand) as brand
    from (
        select oneid, brand from memberships
        union all
        select oneid, brand from follower_records
        union all
        select oneid, brand from miniapp_records
    ) as relations
    left join brand_names on relations.brand = brand_names.name_as_delivered
    where relations.brand is not null

),

reached as (

    select campaign_id, count(distinct oneid) as reached_people
    from touches
    group by campaign_id

),

votes as (

    select
        touches.campaign_id,
        relationships.brand,
        count(distinct touches.oneid) as voting_people
    from touches
    inner join relationships on touches.oneid = relationships.oneid
    group by touches.campaign_id, relationships.brand

),

ranked_votes as (

    select
        votes.*,
        row_number() over (partition by votes.campaign_id order by votes.voting_people desc, votes.brand) as vote_rank
    from votes

),

inferred as (

    select
        ranked_votes.campaign_id,
        ranked_votes.brand,
        1.0 * ranked_votes.voting_people / reached.reached_people as brand_share
    from ranked_votes
    inner join reached on ranked_votes.campaign_id = reached.campaign_id
    where ranked_votes.vote_rank = 1
        and 1.0 * ranked_votes.voting_people / reached.reached_people >= {{ var('tags_campaign_brand_min_share') }}

),

campaign_ids as (

    select campaign_id from reached
    union
    select campaign_id from registered_campaigns

),

attributed as (

    select
        campaign_ids.campaign_id,
        coalesce(registered_campaigns.brand, inferred.brand) as brand,
        case
            when registered_campaigns.brand is not null then 'registered'
            when inferred.brand is not null then 'recipient_vote'
        end as attribution_method,
        inferred.brand_share as recipient_brand_share
    from campaign_ids
    left join registered_campaigns on campaign_ids.campaign_id = registered_campaigns.campaign_id
    left join inferred on campaign_ids.campaign_id = inferred.campaign_id
    where coalesce(registered_campaigns.brand, inferred.brand) is not null

),

final as (

    {% if is_incremental() -%}
    {{ whole_table_changes('attributed', ['campaign_id'], ['brand', 'attribution_method', 'recipient_brand_share'], previous=['brand']) }}
    {%- else -%}
    select * from attributed
    {%- endif %}

)

select * from final
