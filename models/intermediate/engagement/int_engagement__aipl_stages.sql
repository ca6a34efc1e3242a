{#- Tonight's AIPL stage of every OneID x brand with evidence in its
    windows (docs/tags.md, "AIPL"), first match wins:

    loyal     repurchased (valid purchases on at least 2 different days in
              the purchase window), reviewed well in the purchase window,
              or holds a current programme tier above entry (group tier
              rank above 1, seed group_tier_scale);
    purchase  a valid purchase in the purchase window;
    interest  an interest signal (click, search, favourite, add to cart,
              live view, coupon claim, programme join...) in the engagement
              window;
    aware     an aware signal (ad impression or click, view, follow, App
              open, delivered message) in the engagement window.

    A window of N days holds the business date and the N-1 days before it
    (vars tags_aipl_engagement_window_days, tags_aipl_purchase_window_days).
    People whose evidence is all older have no stage: they left the brand's
    AIPL population. This model is a night-to-night state table
    (pipeline/state.py): each OneID carries an anchor identifier so that
    later nights can restate its history under the OneID the anchor then
    belongs to (aipl_stage_history). -#}

with

interactions as (

    select * from {{ ref('int_engagement__interactions') }}

),

memberships as (

    select * from {{ ref('int_person_memberships') }}

),

identifier_oneids as (

    select oneid, identifier_hash from {{ ref('int_identifier_oneids') }}

),

brand_aliases as (

    select alias, brand from {{ ref('identity_brand_aliases') }}

),

aged as (

    select
        interactions.*,
        {{ dbt.datediff('interactions.interaction_on', business_date(), 'day') }} as age_days
    from interactions

),

evidence as (

    select
        oneid,
        brand,
        count(distinct case
            when aipl_signal = 'purchase' and age_days < {{ var('tags_aipl_purchase_window_days') }} then interaction_on
        end) as purchase_days,
        max(case
            when aipl_signal = 'loyal' and age_days < {{ var('tags_aipl_purchase_window_days') }} then 1 else 0
        end) as has_good_review,
        max(case
            when aipl_signal = 'interest' and age_days < {{ var('tags_aipl_engagement_window_days') }} then last_interaction_at
        end) as last_interest_at,
        max(case
            when aipl_signal = 'aware' and age_days < {{ var('tags_aipl_engagement_window_days') }} then last_interaction_at
        end) as last_aware_at,
        max(case
            when aipl_signal = 'purchase' and age_days < {{ var('tags_aipl_purchase_window_days') }} then interaction_on
        end) as last_purchase_on,
        sum(case
            when age_days < {{ var('tags_aipl_engagement_window_days') }} then interaction_count else 0
        end) as interactions_in_window,
        max(case
            when (aipl_signal in ('purchase', 'loyal') and age_days < {{ var('tags_aipl_purchase_window_days') }})
                or age_days < {{ var('tags_aipl_engagement_window_days') }} then last_interaction_at
        end) as last_interaction_at
    from aged
    where age_days >= 0
    group by oneid, brand

),

-- The interaction type behind the interest / aware evidence: the latest one.
latest_signals as (

    select
        oneid,
        brand,
        aipl_signal,
        interaction_type,
        row_number() over (
            partition by oneid, brand, aipl_signal
            order by last_interaction_at desc, interaction_type
        ) as recency_rank
    from aged
    where aipl_signal in ('interest', 'aware')
        and age_days >= 0
        and age_days < {{ var('tags_aipl_engagement_window_days') }}

),

tiers_above_entry as (

    select distinct
        memberships.oneid,
        coalesce(brand_aliases.brand, memberships.brand) as brand
    from memberships
    left join brand_aliases on memberships.brand = brand_aliases.alias
    where memberships.is_current
        and memberships.group_tier_rank > 1
        and memberships.oneid is not null

),

candidates as (

    select oneid, brand from evidence
    union
    select oneid, brand from tiers_above_entry

),

staged as (

    select
        candidates.oneid,
        candidates.brand,
        case
            when coalesce(evidence.purchase_days, 0) >= 2 then 'loyal'
            when coalesce(evidence.has_good_review, 0) = 1 then 'loyal'
            when tiers_above_entry.oneid is not null then 'loyal'
            when coalesce(evidence.purchase_days, 0) >= 1 then 'purchase'
            when evidence.last_interest_at is not null then 'interest'
            when evidence.last_aware_at is not null then 'aware'
        end as aipl_stage,
        case
            when coalesce(evidence.purchase_days, 0) >= 2 then 'repurchased'
            when coalesce(evidence.has_good_review, 0) = 1 then 'reviewed_well'
            when tiers_above_entry.oneid is not null then 'tier_above_entry'
            when coalesce(evidence.purchase_days, 0) >= 1 then 'purchased'
            when evidence.last_interest_at is not null then latest_interest.interaction_type
            when evidence.last_aware_at is not null then latest_aware.interaction_type
        end as stage_reason,
        coalesce(evidence.purchase_days, 0) as purchase_days_in_window,
        evidence.last_purchase_on,
        coalesce(evidence.interactions_in_window, 0) as interactions_in_window,
        evidence.last_interaction_at,
        tiers_above_entry.oneid is not null as holds_tier_above_entry
    from candidates
    left join evidence
        on candidates.oneid = evidence.oneid
        and candidates.brand = evidence.brand
    left join tiers_above_entry
        on candidates.oneid = tiers_above_entry.oneid
        and candidates.brand = tiers_above_entry.brand
    left join latest_signals as latest_interest
        on candidates.oneid = latest_interest.oneid
        and candidates.brand = latest_interest.brand
        and latest_interest.aipl_signal = 'interest'
        and latest_interest.recency_rank = 1
    left join latest_signals as latest_aware
        on candidates.oneid = latest_aware.oneid
        and candidates.brand = latest_aware.brand
        and latest_aware.aipl_signal = 'aware'
        and latest_aware.recency_rank = 1

),

anchors as (

    select oneid, min(identifier_hash) as anchor_identifier_hash
    from identifier_oneids
    group by oneid

),

final as (

    select
        cast({{ business_date() }} as date) as business_date,
        staged.oneid,
        staged.brand,
        staged.aipl_stage,
        case staged.aipl_stage
            when 'aware' then 1
            when 'interest' then 2
            when 'purchase' then 3
            when 'loyal' then 4
        end as aipl_stage_rank,
        staged.stage_reason,
        cast(staged.purchase_days_in_window as {{ dbt.type_bigint() }}) as purchase_days_in_window,
        staged.last_purchase_on,
        cast(staged.interactions_in_window as {{ dbt.type_bigint() }}) as interactions_in_window,
        staged.last_interaction_at,
        staged.holds_tier_above_entry,
        anchors.anchor_identifier_hash
    from staged
    left join anchors on staged.oneid = anchors.oneid
    where staged.aipl_stage is not null

)

select * from final
