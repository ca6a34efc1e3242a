{#- One row per OneID holding at least one programme membership: the
    unified tier (the highest group rank among current memberships with a
    mapped tier; ties go to the programme, then brand, first in alphabetical
    order), total group points (the sum of the current memberships' group
    points) and the member classes (docs/people.md):
    group member: a current CRM membership of type `group`;
    brand member: a current membership owned by a brand: CRM type `brand`
      (or no type), a Tmall 会员通 shop membership, or a member card seen
      only at POS;
    dealer member / store member: a current CRM membership of type
      `dealer` / `store` (with the dealer and store codes);
    member_brands: the brands of all current memberships, whatever class. -#}

with

memberships as (

    select * from {{ ref('int_person_memberships') }}

),

current_memberships as (

    select * from memberships
    where is_current

),

ranked_tiers as (

    select
        oneid,
        group_tier_code,
        group_tier_rank,
        programme,
        brand,
        tier_name,
        row_number() over (
            partition by oneid
            order by group_tier_rank desc, programme, brand, tier_name
        ) as tier_order
    from current_memberships
    where group_tier_code is not null

),

top_tiers as (

    select * from ranked_tiers
    where tier_order = 1

),

lists as (

    select
        oneid,
        {{ sorted_distinct_list('brand') }} as member_brands,
        {{ sorted_distinct_list("case when member_type = 'dealer' then dealer_code end") }} as dealer_codes,
        {{ sorted_distinct_list("case when member_type = 'store' then store_code end") }} as store_codes
    from current_memberships
    group by oneid

),

aggregated as (

    select
        oneid,
        cast(count(*) as {{ dbt.type_bigint() }}) as membership_count,
        cast(sum(case when is_current then 1 else 0 end) as {{ dbt.type_bigint() }}) as current_membership_count,
        cast(sum(case when is_current then coalesce(group_points, 0) else 0 end) as {{ dbt.type_bigint() }}) as total_points,
        max(case when is_current and member_type = 'group' then 1 else 0 end) = 1 as is_group_member,
        max(case
            when is_current and (programme in ('tmall', 'pos_card') or coalesce(member_type, 'brand') = 'brand') then 1 else 0
        end) = 1 as is_brand_member,
        max(case when is_current and member_type = 'dealer' then 1 else 0 end) = 1 as is_dealer_member,
        max(case when is_current and member_type = 'store' then 1 else 0 end) = 1 as is_store_member,
        cast(sum(case when tier_name is not null and group_tier_code is null then 1 else 0 end) as {{ dbt.type_bigint() }}) as unmapped_tier_memberships,
        min(case when is_current then joined_at end) as member_since
    from memberships
    group by oneid

),

final as (

    select
        aggregated.oneid,
        coalesce(top_tiers.group_tier_code, 'none') as unified_tier_code,
        coalesce(top_tiers.group_tier_rank, 0) as unified_tier_rank,
        top_tiers.programme as unified_tier_programme,
        top_tiers.brand as unified_tier_brand,
        top_tiers.tier_name as unified_tier_source_name,
        aggregated.total_points,
        aggregated.current_membership_count > 0 as is_member,
        aggregated.is_group_member,
        aggregated.is_brand_member,
        aggregated.is_dealer_member,
        aggregated.is_store_member,
        lists.member_brands,
        lists.dealer_codes,
        lists.store_codes,
        aggregated.membership_count,
        aggregated.current_membership_count,
        aggregated.unmapped_tier_memberships,
        aggregated.member_since
    from aggregated
    left join top_tiers on aggregated.oneid = top_tiers.oneid
    left join lists on aggregated.oneid = lists.oneid

)

select * from final
