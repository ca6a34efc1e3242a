{#- How much of each media campaign's exported audience the platform later
    matched: per campaign and identifier type, the people the campaign
    exported (its treatment group, campaign_assignments, holding an
    identifier of the type that the platform takes: seed
    channel_identifier_types) and how many of them the platform's backflow
    (seed media_backflow_platforms) named after the night that first
    exported them, by an identifier of that type, on any of its ad
    campaigns: a match says the platform knows the person, whichever ad it
    showed them. `id_type = 'any'` counts a person once over
    all types. Platforms without backflow (Meta, Google, TikTok) have no
    rows. An audience under the platform's minimum is not uploaded
    (pipeline/exports): its people count as exported here all the same, so
    read the rate of a small audience with its manifest. -#}

with

campaigns as (

    select campaign_id, campaign_name, channel, brand from {{ ref('campaigns') }}

),

backflow_platforms as (

    select * from {{ ref('media_backflow_platforms') }}

),

channel_identifier_types as (

    select * from {{ ref('channel_identifier_types') }}

),

assignments as (

    select * from {{ ref('campaign_assignments') }}
    where assignment_group = 'treatment'

),

identifiers as (

    select distinct oneid, id_type from {{ ref('int_identifier_oneids') }}

),

backflow_events as (

    select * from {{ ref('int_engagement__backflow_events') }}
    where oneid is not null

),

media_campaigns as (

    select campaigns.*, backflow_platforms.backflow_platform
    from campaigns
    inner join backflow_platforms on campaigns.channel = backflow_platforms.channel

),

exported as (

    select distinct
        media_campaigns.campaign_id,
        assignments.oneid,
        assignments.assigned_on,
        identifiers.id_type
    from media_campaigns
    inner join assignments on media_campaigns.campaign_id = assignments.campaign_id
    inner join channel_identifier_types on media_campaigns.channel = channel_identifier_types.channel
    inner join identifiers
        on assignments.oneid = identifiers.oneid
        and channel_identifier_types.id_type = identifiers.id_type

),

-- Backflow digests name our identifier types: phone_md5 and phone_sha256 a phone.
backflow_matches as (

    select distinct
        media_campaigns.campaign_id,
        backflow_events.oneid,
        case
            when backflow_events.id_type in ('phone_md5', 'phone_sha256') then 'phone'
            else {{ dbt.split_part('backflow_events.id_type', "'_'", 1) }}
        end as id_type,
        backflow_events.event_name,
        backflow_events.event_on
    from media_campaigns
    inner join backflow_events on media_campaigns.backflow_platform = backflow_events.platform

),

matched as (

    select
        exported.campaign_id,
        exported.oneid,
        exported.id_type,
        max(case when backflow_matches.oneid is not null then 1 else 0 end) as is_matched,
        max(case when backflow_matches.event_name = 'click' then 1 else 0 end) as is_clicker,
        max(case when backflow_matches.event_name = 'conversion' then 1 else 0 end) as is_converter
    from exported
    left join backflow_matches
        on exported.campaign_id = backflow_matches.campaign_id
        and exported.oneid = backflow_matches.oneid
        and exported.id_type = backflow_matches.id_type
        and backflow_matches.event_on > exported.assigned_on
    group by exported.campaign_id, exported.oneid, exported.id_type

),

by_person as (

    select
        campaign_id,
        oneid,
        'any' as id_type,
        max(is_matched) as is_matched,
        max(is_clicker) as is_clicker,
        max(is_converter) as is_converter
    from matched
    group by campaign_id, oneid

),

people_by_type as (

    select campaign_id, oneid, id_type, is_matched, is_clicker, is_converter from matched
    union all
    select campaign_id, oneid, id_type, is_matched, is_clicker, is_converter from by_person

),

counted as (

    select
        campaign_id,
        id_type,
        count(*) as exported_people,
        sum(is_matched) as matched_people,
        sum(is_clicker) as clicked_people,
        sum(is_converter) as converted_people
    from people_by_type
    group by campaign_id, id_type

),

final as (

    select
        counted.campaign_id,
        media_campaigns.campaign_name,
        media_campaigns.channel,
        media_campaigns.backflow_platform,
        counted.id_type,
        counted.exported_people,
        counted.matched_people,
        counted.clicked_people,
        counted.converted_people,
        cast(counted.matched_people as {{ type_ratio() }}) / counted.exported_people as match_rate
    from counted
    inner join media_campaigns on counted.campaign_id = media_campaigns.campaign_id

)

select * from final
