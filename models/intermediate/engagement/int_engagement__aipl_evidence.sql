{#- The evidence of every OneID x brand in its AIPL windows (docs/tags.md,
    "AIPL"), from int_engagement__interactions: what int_engagement__aipl_stages
    stages tonight. A window of N days holds the business date and the N-1
    days before it (vars tags_aipl_engagement_window_days,
    tags_aipl_purchase_window_days); only interactions inside a window count,
    so a OneID x brand with nothing in either window has no row.

    Incremental (docs/incremental.md), keyed by OneID: a person's evidence
    changes only when an interaction enters a window (a new or re-derived
    fact, or one that comes of age: int_engagement__reconsidered_oneids) or
    leaves one (dated on a day that dropped out of a window since the
    extended night). A night re-derives those people; everyone else's rows
    are as they were, so the windows slide without reading every person's
    history. -#}

{{ config(materialized='keyed_incremental', unique_key=['oneid'], dedup='replace') }}
-- depends_on: {{ ref('int_engagement__reconsidered_oneids') }}

{%- set engagement_days = var('tags_aipl_engagement_window_days') %}
{%- set purchase_days = var('tags_aipl_purchase_window_days') %}

with

{% if is_incremental() -%}
rederived as (

    select oneid from {{ ref('int_engagement__reconsidered_oneids') }}
    union
    select oneid from {{ ref('int_engagement__interactions') }}
    where {{ left_the_window('interaction_on', engagement_days) }}
        or {{ left_the_window('interaction_on', purchase_days) }}

),

{% endif -%}
interactions as (

    select * from {{ ref('int_engagement__interactions') }}
    {%- if is_incremental() %}
    where oneid in (select oneid from rederived)
    {%- endif %}

),

aged as (

    select
        interactions.*,
        {{ dbt.datediff('interactions.interaction_on', business_date(), 'day') }} as age_days
    from interactions

),

-- Only what is inside a window counts: the purchase window for purchases
-- and good reviews, the engagement window for everything.
windowed as (

    select * from aged
    where age_days >= 0
        and (age_days < {{ engagement_days }}
            or (aipl_signal in ('purchase', 'loyal') and age_days < {{ purchase_days }}))

),

evidence as (

    select
        oneid,
        brand,
        count(distinct case
            when aipl_signal = 'purchase' and age_days < {{ purchase_days }} then interaction_on
        end) as purchase_days_in_window,
        max(case
            when aipl_signal = 'loyal' and age_days < {{ purchase_days }} then 1 else 0
        end) = 1 as has_good_review,
        max(case
            when aipl_signal = 'interest' and age_days < {{ engagement_days }} then last_interaction_at
        end) as last_interest_at,
        max(case
            when aipl_signal = 'aware' and age_days < {{ engagement_days }} then last_interaction_at
        end) as last_aware_at,
        max(case
            when aipl_signal = 'purchase' and age_days < {{ purchase_days }} then interaction_on
        end) as last_purchase_on,
        sum(case
            when age_days < {{ engagement_days }} then interaction_count else 0
        end) as interactions_in_window,
        max(last_interaction_at) as last_interaction_at
    from windowed
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
    from windowed
    where aipl_signal in ('interest', 'aware')
        and age_days < {{ engagement_days }}

),

described as (

    select
        evidence.oneid,
        evidence.brand,
        cast(evidence.purchase_days_in_window as {{ dbt.type_bigint() }}) as purchase_days_in_window,
        evidence.has_good_review,
        evidence.last_interest_at,
        latest_interest.interaction_type as latest_interest_type,
        evidence.last_aware_at,
        latest_aware.interaction_type as latest_aware_type,
        evidence.last_purchase_on,
        cast(evidence.interactions_in_window as {{ dbt.type_bigint() }}) as interactions_in_window,
        evidence.last_interaction_at
    from evidence
    left join latest_signals as latest_interest
        on evidence.oneid = latest_interest.oneid
        and evidence.brand = latest_interest.brand
        and latest_interest.aipl_signal = 'interest'
        and latest_interest.recency_rank = 1
    left join latest_signals as latest_aware
        on evidence.oneid = latest_aware.oneid
        and evidence.brand = latest_aware.brand
        and latest_aware.aipl_signal = 'aware'
        and latest_aware.recency_rank = 1

),

final as (

    {{ with_tombstones('described', 'rederived', ['oneid']) }}

)

select * from final
