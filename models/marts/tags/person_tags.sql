{#- One wide row per OneID with every group-wide tag: what analysts and
    audiences select from (docs/tags.md). Each block comes from its own tag
    model; codes are explained, with Chinese labels, in seed tag_values. -#}

with

persons as (

    select * from {{ ref('int_tags__persons') }}

),

people as (

    select * from {{ ref('dim_person') }}

),

demographics as (

    select * from {{ ref('person_demographics') }}

),

rfm as (

    select * from {{ ref('person_rfm') }}

),

lifecycle as (

    select * from {{ ref('person_lifecycle') }}

),

value_scores as (

    select * from {{ ref('person_value') }}

),

person_groups as (

    select * from {{ ref('person_groups') }}

),

svip as (

    select * from {{ ref('person_svip') }}

),

brand_aipl as (

    select * from {{ ref('person_brand_aipl') }}

),

channel_preference as (

    select * from {{ ref('person_channel_preference') }}

),

media_backflow as (

    select * from {{ ref('person_media_backflow') }}

),

aipl_summary as (

    select
        oneid,
        max(aipl_stage_rank) as best_aipl_stage_rank,
        count(*) as aipl_brands,
        sum(case when aipl_stage in ('purchase', 'loyal') then 1 else 0 end) as purchase_or_loyal_brands
    from brand_aipl
    group by oneid

),

final as (

    select
        persons.oneid,

        ---------- demographics
        demographics.age,
        demographics.age_band,
        demographics.gender,
        demographics.city,

        ---------- membership (golden record)
        coalesce(people.is_member, false) as is_member,
        coalesce(people.is_group_member, false) as is_group_member,
        people.unified_tier_code,

        ---------- RFM
        rfm.last_purchase_on,
        rfm.recency_days,
        rfm.frequency,
        rfm.monetary,
        rfm.r_score,
        rfm.f_score,
        rfm.m_score,
        rfm.rfm_segment,

        ---------- lifecycle and status
        lifecycle.lifecycle_stage,
        lifecycle.valid_orders,
        lifecycle.first_purchase_on,
        lifecycle.activity_status,
        lifecycle.last_interaction_on,
        lifecycle.days_since_last_interaction,
        lifecycle.status_cycle_days,

        ---------- value
        value_scores.value_score,
        value_scores.value_percentile,
        value_scores.value_level,

        ---------- groups
        person_groups.preferred_category,
        person_groups.preferred_category_share,
        {%- for code in tag_category_codes() %}
        person_groups.is_{{ code }}_user,
        {%- endfor %}
        person_groups.is_upgrade_need,
        person_groups.is_new_home_bundle,
        person_groups.is_replacement_need,

        ---------- SVIP
        svip.net_spend_12m,
        svip.spend_rank,
        svip.svip_tier,

        ---------- AIPL (per brand in person_brand_tags; here the best stage over brands)
        case aipl_summary.best_aipl_stage_rank
            when 4 then 'loyal'
            when 3 then 'purchase'
            when 2 then 'interest'
            when 1 then 'aware'
        end as best_aipl_stage,
        cast(coalesce(aipl_summary.aipl_brands, 0) as {{ dbt.type_int() }}) as aipl_brands,

        ---------- channel preference
        channel_preference.preferred_channel,

        ---------- media backflow
        media_backflow.backflow_group,
        coalesce(media_backflow.is_high_repurchase_value, false) as is_high_repurchase_value,
        coalesce(media_backflow.is_high_conversion_value, false) as is_high_conversion_value,
        coalesce(media_backflow.is_high_reach_value, false) as is_high_reach_value,
        coalesce(media_backflow.is_potential_reach, false) as is_potential_reach,

        {{ business_date() }} as business_date
    from persons
    left join people on persons.oneid = people.oneid
    left join demographics on persons.oneid = demographics.oneid
    left join rfm on persons.oneid = rfm.oneid
    left join lifecycle on persons.oneid = lifecycle.oneid
    left join value_scores on persons.oneid = value_scores.oneid
    left join person_groups on persons.oneid = person_groups.oneid
    left join svip on persons.oneid = svip.oneid
    left join aipl_summary on persons.oneid = aipl_summary.oneid
    left join channel_preference on persons.oneid = channel_preference.oneid
    left join media_backflow on persons.oneid = media_backflow.oneid

)

select * from final
{{ stored_in_order_of('oneid') }}
