{#- One row per programme membership a OneID holds: a brand CRM member
    record, a Tmall 会员通 shop membership, or a brand member card seen only
    on POS receipts (its CRM record never delivered). Each tier name is
    mapped onto the group scale (seed programme_tier_mapping) and the points
    converted into group points (seed programme_points_rates); a brand row
    of a seed wins over its `*` row. A membership counts (is_current) unless
    its status is outside var people_member_statuses (cancelled cards).
    Records reach a OneID through int_record_oneids, POS-only cards through
    int_identifier_oneids. -#}

with

crm_members as (

    select * from {{ ref('stg_crm__members') }}

),

tmall_members as (

    select * from {{ ref('stg_tmall__members') }}

),

record_oneids as (

    select source_name, record_key, oneid from {{ ref('int_record_oneids') }}

),

identifier_oneids as (

    select * from {{ ref('int_identifier_oneids') }}

),

tier_mapping as (

    select * from {{ ref('programme_tier_mapping') }}

),

tier_scale as (

    select * from {{ ref('group_tier_scale') }}

),

points_rates as (

    select * from {{ ref('programme_points_rates') }}

),

crm_memberships as (

    select
        'crm_members' as source_name,
        cast(crm_member_id as {{ dbt.type_string() }}) as record_key,
        'crm' as programme,
        brand,
        member_type,
        member_status,
        dealer_code,
        store_code,
        member_tier as tier_name,
        points,
        joined_at
    from crm_members

),

tmall_memberships as (

    select
        'tmall_members' as source_name,
        cast(tmall_member_id as {{ dbt.type_string() }}) as record_key,
        'tmall' as programme,
        brand,
        cast(null as {{ dbt.type_string() }}) as member_type,
        cast(null as {{ dbt.type_string() }}) as member_status,
        cast(null as {{ dbt.type_string() }}) as dealer_code,
        cast(null as {{ dbt.type_string() }}) as store_code,
        member_level as tier_name,
        points,
        joined_at
    from tmall_members

),

record_memberships as (

    select * from crm_memberships
    union all
    select * from tmall_memberships

),

with_oneids as (

    select
        record_oneids.oneid,
        record_memberships.*
    from record_memberships
    inner join record_oneids
        on record_memberships.source_name = record_oneids.source_name
        and record_memberships.record_key = record_oneids.record_key

),

-- A member card presented at the till whose CRM record never arrived still
-- proves a membership of the card's brand (type, tier and points unknown).
pos_only_cards as (

    select
        oneid,
        'pos_sales' as source_name,
        identifier_key as record_key,
        'pos_card' as programme,
        namespace as brand,
        cast(null as {{ dbt.type_string() }}) as member_type,
        cast(null as {{ dbt.type_string() }}) as member_status,
        cast(null as {{ dbt.type_string() }}) as dealer_code,
        cast(null as {{ dbt.type_string() }}) as store_code,
        cast(null as {{ dbt.type_string() }}) as tier_name,
        cast(null as {{ dbt.type_bigint() }}) as points,
        first_seen_at as joined_at
    from identifier_oneids
    where id_type = 'crm_member_id'
        and sources not like '%crm_members%'
        -- shown at a till; a member id a guide typed (guide_tags) makes no membership
        and sources like '%pos_sales%'

),

memberships as (

    select * from with_oneids
    union all
    select * from pos_only_cards

),

tier_candidates as (

    select
        memberships.source_name,
        memberships.record_key,
        tier_mapping.group_tier_code,
        row_number() over (
            partition by memberships.source_name, memberships.record_key
            order by case when tier_mapping.brand = '*' then 1 else 0 end
        ) as mapping_rank
    from memberships
    inner join tier_mapping
        on memberships.programme = tier_mapping.programme
        and memberships.tier_name = tier_mapping.tier_name
        and tier_mapping.brand in (memberships.brand, '*')

),

rate_candidates as (

    select
        memberships.source_name,
        memberships.record_key,
        points_rates.group_points_per_point,
        row_number() over (
            partition by memberships.source_name, memberships.record_key
            order by case when points_rates.brand = '*' then 1 else 0 end
        ) as rate_rank
    from memberships
    inner join points_rates
        on memberships.programme = points_rates.programme
        and points_rates.brand in (memberships.brand, '*')

),

final as (

    select
        {{ generate_surrogate_key(['memberships.source_name', 'memberships.record_key']) }} as membership_id,
        memberships.oneid,
        memberships.source_name,
        memberships.record_key,
        memberships.programme,
        memberships.brand,
        memberships.member_type,
        memberships.member_status,
        memberships.dealer_code,
        memberships.store_code,
        memberships.tier_name,
        tier_candidates.group_tier_code,
        tier_scale.group_tier_rank,
        memberships.points,
        rate_candidates.group_points_per_point,
        cast(floor(memberships.points * rate_candidates.group_points_per_point) as {{ dbt.type_bigint() }}) as group_points,
        memberships.joined_at,
        coalesce(memberships.member_status in {{ people_member_statuses_sql() }}, true) as is_current
    from memberships
    left join tier_candidates
        on memberships.source_name = tier_candidates.source_name
        and memberships.record_key = tier_candidates.record_key
        and tier_candidates.mapping_rank = 1
    left join tier_scale on tier_candidates.group_tier_code = tier_scale.group_tier_code
    left join rate_candidates
        on memberships.source_name = rate_candidates.source_name
        and memberships.record_key = rate_candidates.record_key
        and rate_candidates.rate_rank = 1

)

select * from final
{{ stored_in_order_of('oneid') }}
