{#- Every OneID x brand with evidence in an AIPL window (an interaction of
    its signal's window, or a tier above entry) has exactly one stage in
    person_brand_aipl, and nobody else has one. Returns the offenders. -#}

with

interactions as (

    select * from {{ ref('int_engagement__interactions') }}

),

memberships as (

    select * from {{ ref('int_person_memberships') }}

),

touched as (

    select distinct oneid, brand
    from interactions
    where {{ dbt.datediff('interaction_on', business_date(), 'day') }} >= 0
        and {{ dbt.datediff('interaction_on', business_date(), 'day') }} < case
            when aipl_signal in ('purchase', 'loyal') then {{ var('tags_aipl_purchase_window_days') }}
            else {{ var('tags_aipl_engagement_window_days') }}
        end

    union

    select distinct memberships.oneid, coalesce(brand_names.brand, memberships.brand) as brand
    from memberships
    left join {{ ref('int_brand_names') }} as brand_names on memberships.brand = brand_names.name_as_delivered
    where memberships.is_current and memberships.group_tier_rank > 1 and memberships.oneid is not null

),

stages as (

    select oneid, brand, count(*) as stages
    from {{ ref('person_brand_aipl') }}
    group by oneid, brand

)

select
    coalesce(touched.oneid, stages.oneid) as oneid,
    coalesce(touched.brand, stages.brand) as brand,
    coalesce(stages.stages, 0) as stages,
    touched.oneid is not null as is_touched
from touched
full outer join stages
    on touched.oneid = stages.oneid
    and touched.brand = stages.brand
where touched.oneid is null or coalesce(stages.stages, 0) <> 1
