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
    AIPL population. The evidence in the windows is
    int_engagement__aipl_evidence, kept incrementally; this model only stages
    it, every night for everyone; int_engagement__aipl_stage_runs keeps the
    history of the stages. -#}

with

evidence as (

    select * from {{ ref('int_engagement__aipl_evidence') }}

),

memberships as (

    select * from {{ ref('int_person_memberships') }}

),

brand_names as (

    select name_as_delivered, brand from {{ ref('int_brand_names') }}

),

tiers_above_entry as (

    select distinct
        memberships.oneid,
        -- A card seen only at the till already carries its resolved brand.
        coalesce(brand_names.brand, memberships.brand) as brand
    from memberships
    left join brand_names on memberships.brand = brand_names.name_as_delivered
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
            when coalesce(evidence.purchase_days_in_window, 0) >= 2 then 'loyal'
            when coalesce(evidence.has_good_review, false) then 'loyal'
            when tiers_above_entry.oneid is not null then 'loyal'
            when coalesce(evidence.purchase_days_in_window, 0) >= 1 then 'purchase'
            when evidence.last_interest_at is not null then 'interest'
            when evidence.last_aware_at is not null then 'aware'
        end as aipl_stage,
        case
            when coalesce(evidence.purchase_days_in_window, 0) >= 2 then 'repurchased'
            when coalesce(evidence.has_good_review, false) then 'reviewed_well'
            when tiers_above_entry.oneid is not null then 'tier_above_entry'
            when coalesce(evidence.purchase_days_in_window, 0) >= 1 then 'purchased'
            when evidence.last_interest_at is not null then evidence.latest_interest_type
            when evidence.last_aware_at is not null then evidence.latest_aware_type
        end as stage_reason,
        coalesce(evidence.purchase_days_in_window, 0) as purchase_days_in_window,
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

),

final as (

    select
        cast({{ business_date() }} as date) as business_date,
        staged.oneid,
        staged.brand,
        staged.aipl_stage,
        {{ aipl_stage_rank('staged.aipl_stage') }} as aipl_stage_rank,
        staged.stage_reason,
        cast(staged.purchase_days_in_window as {{ dbt.type_bigint() }}) as purchase_days_in_window,
        staged.last_purchase_on,
        cast(staged.interactions_in_window as {{ dbt.type_bigint() }}) as interactions_in_window,
        staged.last_interaction_at,
        staged.holds_tier_above_entry
    from staged
    where staged.aipl_stage is not null

)

select * from final
