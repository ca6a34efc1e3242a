{#- One row per campaign running on the business date x OneID in its
    audience: whether the campaign may reach the person, and when not, every
    reason that applies (one boolean per reason, and their codes as text).
    Rules: docs/activation.md; reason labels: seed ineligibility_reasons.

    The first six reasons are independent of each other. A person can only be
    taken by a higher-priority campaign of the same exclusion group, held out,
    or fall over the person cap, when no other reason applies: those three
    decide among people who could otherwise be reached, in that order.

    Holdout: a campaign's `holdout_share` of the people it would reach are
    kept out as its control group, drawn by a hash of campaign id and OneID
    (the same draw every night and on both engines). A person assigned on an
    earlier night stays in their group (int_activation__earlier_assignments),
    even under a new OneID. A held-out person is still taken for the
    campaign within its exclusion group, so no other campaign of the group
    reaches the control group either. -#}

with

campaigns as (

    select * from {{ ref('campaigns') }}
    where {{ business_date() }} between start_date and end_date

),

audience_members as (

    select * from {{ ref('int_activation__audience_members') }}

),

channel_identifier_types as (

    select * from {{ ref('channel_identifier_types') }}

),

channel_consents as (

    select distinct channel, consent_channel from {{ ref('channel_identifier_types') }}

),

wechat_apps as (

    select * from {{ ref('wechat_apps') }}

),

brand_scopes as (

    select * from {{ ref('brand_data_scopes') }}

),

person_brands as (

    select * from {{ ref('int_activation__person_brands') }}

),

identifiers as (

    select distinct oneid, id_type, namespace from {{ ref('int_identifier_oneids') }}

),

consent_states as (

    select * from {{ ref('int_activation__consent_states') }}

),

touches as (

    select * from {{ ref('int_activation__touches') }}

),

suppressed_people as (

    select * from {{ ref('int_activation__suppressed_people') }}

),

earlier_assignments as (

    select * from {{ ref('int_activation__earlier_assignments') }}

),

campaign_members as (

    select distinct
        campaigns.campaign_id,
        campaigns.channel,
        campaigns.brand,
        campaigns.priority,
        campaigns.exclusion_group,
        campaigns.frequency_cap_touches,
        campaigns.frequency_cap_days,
        campaigns.requires_marketing_consent,
        campaigns.person_cap,
        audience_members.oneid,
        case
            when earlier_assignments.assignment_group is not null then earlier_assignments.assignment_group = 'holdout'
            else coalesce(
                {{ unit_interval_hash(dbt.concat(['campaigns.campaign_id', "':'", 'audience_members.oneid'])) }}
                    < campaigns.holdout_share,
                false
            )
        end as is_drawn_for_holdout
    from campaigns
    inner join audience_members
        on campaigns.audience = audience_members.audience
        and (audience_members.brand is null or campaigns.brand is null or audience_members.brand = campaigns.brand)
    left join earlier_assignments
        on campaigns.campaign_id = earlier_assignments.campaign_id
        and audience_members.oneid = earlier_assignments.oneid

),

-- Openids reach a person only through the campaign brand's apps: its
-- official account for template messages, any of its apps for media.
campaign_appids as (

    select campaigns.campaign_id, wechat_apps.appid
    from campaigns
    inner join wechat_apps
        on (campaigns.brand is null or wechat_apps.brand = campaigns.brand)
        and (campaigns.channel <> 'wechat_template' or wechat_apps.app_kind = 'official_account')

),

reachable as (

    select campaign_members.campaign_id, campaign_members.oneid, count(*) as reachable_identifiers
    from campaign_members
    inner join channel_identifier_types on campaign_members.channel = channel_identifier_types.channel
    inner join identifiers
        on campaign_members.oneid = identifiers.oneid
        and channel_identifier_types.id_type = identifiers.id_type
    left join campaign_appids
        on campaign_members.campaign_id = campaign_appids.campaign_id
        and identifiers.namespace = campaign_appids.appid
    where identifiers.id_type <> 'wechat_openid' or campaign_appids.appid is not null
    group by campaign_members.campaign_id, campaign_members.oneid

),

consents as (

    select
        campaign_members.campaign_id,
        campaign_members.oneid,
        max(case when consent_states.is_opt_in then 0 else 1 end) = 1 as has_opt_out,
        max(case when consent_states.is_opt_in then 1 else 0 end) = 1 as has_opt_in
    from campaign_members
    inner join channel_consents on campaign_members.channel = channel_consents.channel
    inner join consent_states
        on campaign_members.oneid = consent_states.oneid
        and channel_consents.consent_channel = consent_states.consent_channel
    left join campaign_appids
        on campaign_members.campaign_id = campaign_appids.campaign_id
        and consent_states.namespace = campaign_appids.appid
    where consent_states.id_type <> 'wechat_openid' or campaign_appids.appid is not null
    group by campaign_members.campaign_id, campaign_members.oneid

),

recent_touches as (

    select campaign_members.campaign_id, campaign_members.oneid, count(distinct touches.touch_id) as touches_in_window
    from campaign_members
    inner join touches
        on campaign_members.oneid = touches.oneid
        and campaign_members.channel = touches.channel
    where campaign_members.frequency_cap_days is not null
      and touches.sent_date > {{ dbt.dateadd('day', '-campaign_members.frequency_cap_days', business_date()) }}
    group by campaign_members.campaign_id, campaign_members.oneid

),

brand_relations as (

    select
        campaign_members.campaign_id,
        campaign_members.oneid,
        max(case when person_brands.brand = campaign_members.brand then 1 else 0 end) = 1 as has_campaign_brand,
        max(case when brand_scopes.is_shared_group_wide then 1 else 0 end) = 1 as has_shared_brand,
        count(person_brands.brand) as related_brands
    from campaign_members
    left join person_brands on campaign_members.oneid = person_brands.oneid
    left join brand_scopes on person_brands.brand = brand_scopes.brand
    group by campaign_members.campaign_id, campaign_members.oneid

),

judged as (

    select
        campaign_members.*,
        coalesce(reachable.reachable_identifiers, 0) as reachable_identifiers,
        coalesce(recent_touches.touches_in_window, 0) as touches_in_window,
        coalesce(consents.has_opt_out, false) as is_opted_out,
        campaign_members.requires_marketing_consent
            and not coalesce(consents.has_opt_out, false)
            and not coalesce(consents.has_opt_in, false) as has_no_consent,
        coalesce(reachable.reachable_identifiers, 0) = 0 as has_no_reachable_identifier,
        campaign_members.frequency_cap_touches is not null
            and coalesce(recent_touches.touches_in_window, 0) >= campaign_members.frequency_cap_touches as is_frequency_capped,
        not (
            brand_relations.has_campaign_brand
            or (
                (campaign_members.brand is null or coalesce(campaign_scope.is_shared_group_wide, false))
                and (brand_relations.has_shared_brand or brand_relations.related_brands = 0)
            )
        ) as is_outside_brand_scope,
        suppressed_people.oneid is not null as is_suppressed
    from campaign_members
    left join reachable
        on campaign_members.campaign_id = reachable.campaign_id and campaign_members.oneid = reachable.oneid
    left join consents
        on campaign_members.campaign_id = consents.campaign_id and campaign_members.oneid = consents.oneid
    left join recent_touches
        on campaign_members.campaign_id = recent_touches.campaign_id and campaign_members.oneid = recent_touches.oneid
    left join brand_relations
        on campaign_members.campaign_id = brand_relations.campaign_id and campaign_members.oneid = brand_relations.oneid
    left join brand_scopes as campaign_scope on campaign_members.brand = campaign_scope.brand
    left join suppressed_people on campaign_members.oneid = suppressed_people.oneid

),

reachable_otherwise as (

    select
        judged.*,
        not (is_opted_out or has_no_consent or has_no_reachable_identifier or is_frequency_capped
             or is_outside_brand_scope or is_suppressed) as passes_person_rules
    from judged

),

exclusion_ranked as (

    select
        reachable_otherwise.*,
        case when passes_person_rules and exclusion_group is not null then
            first_value(campaign_id) over (
                partition by exclusion_group, oneid, passes_person_rules
                order by priority, campaign_id
                rows between unbounded preceding and unbounded following
            )
        end as exclusion_winner
    from reachable_otherwise

),

capped as (

    select
        exclusion_ranked.*,
        coalesce(exclusion_winner <> campaign_id, false) as is_taken_by_higher_priority,
        case when exclusion_winner <> campaign_id then exclusion_winner end as taken_by_campaign_id,
        passes_person_rules and coalesce(exclusion_winner = campaign_id, true) and is_drawn_for_holdout as is_holdout,
        row_number() over (
            partition by campaign_id,
                passes_person_rules and coalesce(exclusion_winner = campaign_id, true) and not is_drawn_for_holdout
            order by oneid
        ) as cap_rank
    from exclusion_ranked

),

final as (

    select
        campaign_id,
        oneid,
        channel,
        brand,
        {{ business_date() }} as business_date,
        passes_person_rules and not is_taken_by_higher_priority and not is_holdout
            and not (person_cap is not null and cap_rank > person_cap) as is_eligible,
        is_opted_out,
        has_no_consent,
        has_no_reachable_identifier,
        is_frequency_capped,
        is_outside_brand_scope,
        is_suppressed,
        is_taken_by_higher_priority,
        is_holdout,
        passes_person_rules and not is_taken_by_higher_priority and not is_holdout
            and person_cap is not null and cap_rank > person_cap as is_over_person_cap,
        taken_by_campaign_id,
        reachable_identifiers,
        touches_in_window,
        nullif(concat_ws(',',
            case when is_opted_out then 'opted_out' end,
            case when has_no_consent then 'no_consent' end,
            case when has_no_reachable_identifier then 'no_reachable_identifier' end,
            case when is_frequency_capped then 'frequency_capped' end,
            case when is_taken_by_higher_priority then 'taken_by_higher_priority' end,
            case when is_outside_brand_scope then 'outside_brand_scope' end,
            case when is_suppressed then 'suppressed' end,
            case when is_holdout then 'holdout' end,
            case when passes_person_rules and not is_taken_by_higher_priority and not is_holdout
                      and person_cap is not null and cap_rank > person_cap then 'over_person_cap' end
        ), '') as ineligibility_reasons
    from capped

)

select * from final
{{ stored_in_order_of('oneid') }}
