{#- One row per OneID and brand the person has touched (an order, an App
    event, a membership, an AIPL stage, or a manual tag a guide of the brand
    set): the brand-level tags that brand teams and audiences select from
    (docs/tags.md). A brand known only through AIPL evidence (an ad
    impression, a campaign touch) or a guide's tag is a prospect without
    interaction on the other tags. -#}

with

brand_lifecycle as (

    select * from {{ ref('person_brand_lifecycle') }}

),

brand_rfm as (

    select * from {{ ref('person_brand_rfm') }}

),

brand_value as (

    select * from {{ ref('person_brand_value') }}

),

brand_aipl as (

    select * from {{ ref('person_brand_aipl') }}

),

manual_tags as (

    select * from {{ ref('person_brand_manual_tags') }}

),

-- A person's current manual tags within the brand as one sorted text: `tag=value,...`.
brand_manual_tags as (

    select
        oneid,
        brand,
        {{ sorted_distinct_list(dbt.concat(['tag_code', "'='", 'tag_value'])) }} as manual_tags
    from manual_tags
    group by oneid, brand

),

pairs as (

    select oneid, brand from brand_lifecycle
    union
    select oneid, brand from brand_aipl
    union
    select oneid, brand from brand_manual_tags

),

final as (

    select
        {{ generate_surrogate_key(['pairs.oneid', 'pairs.brand']) }} as person_brand_id,
        pairs.oneid,
        pairs.brand,

        ---------- AIPL
        brand_aipl.aipl_stage,
        brand_aipl.aipl_stage_rank,
        brand_aipl.stage_reason as aipl_stage_reason,

        ---------- RFM within the brand
        brand_rfm.last_purchase_on,
        brand_rfm.recency_days,
        coalesce(brand_rfm.frequency, 0) as frequency,
        coalesce(brand_rfm.monetary, 0) as monetary,
        brand_rfm.r_score,
        brand_rfm.f_score,
        brand_rfm.m_score,
        coalesce(brand_rfm.rfm_segment, 'non_buyer') as rfm_segment,

        ---------- lifecycle and status within the brand
        coalesce(brand_lifecycle.lifecycle_stage, 'prospect') as lifecycle_stage,
        coalesce(brand_lifecycle.is_member, false) as is_member,
        coalesce(brand_lifecycle.valid_orders, 0) as valid_orders,
        coalesce(brand_lifecycle.activity_status, 'no_interaction') as activity_status,
        brand_lifecycle.days_since_last_interaction,

        ---------- value within the brand
        coalesce(brand_value.value_score, 0) as value_score,
        brand_value.value_percentile,
        coalesce(brand_value.value_level, 'none') as value_level,

        ---------- what the brand's shop assistants recorded (person_brand_manual_tags)
        brand_manual_tags.manual_tags,

        {{ business_date() }} as business_date
    from pairs
    left join brand_lifecycle
        on pairs.oneid = brand_lifecycle.oneid
        and pairs.brand = brand_lifecycle.brand
    left join brand_rfm
        on pairs.oneid = brand_rfm.oneid
        and pairs.brand = brand_rfm.brand
    left join brand_value
        on pairs.oneid = brand_value.oneid
        and pairs.brand = brand_value.brand
    left join brand_aipl
        on pairs.oneid = brand_aipl.oneid
        and pairs.brand = brand_aipl.brand
    left join brand_manual_tags
        on pairs.oneid = brand_manual_tags.oneid
        and pairs.brand = brand_manual_tags.brand

)

select * from final
