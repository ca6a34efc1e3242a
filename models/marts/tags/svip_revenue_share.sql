{#- The Pareto view of person_svip: per tier (svip, vip, regular), how
    many buyers it holds, their net spend over the SVIP window and the share
    of all buyers' net spend; cumulative from the top tier down. -#}

with

person_svip as (

    select * from {{ ref('person_svip') }}
    where svip_tier <> 'non_buyer'

),

tag_values as (

    select * from {{ ref('tag_values') }}
    where tag_name = 'svip_tier'

),

tiers as (

    select
        svip_tier,
        count(*) as buyers,
        sum(net_spend_12m) as net_spend
    from person_svip
    group by svip_tier

),

final as (

    select
        tiers.svip_tier,
        tag_values.label_zh as svip_tier_label_zh,
        cast(tiers.buyers as {{ dbt.type_bigint() }}) as buyers,
        cast(round(100.0 * tiers.buyers / sum(tiers.buyers) over (), 4) as decimal(18, 4)) as buyer_percent,
        cast(tiers.net_spend as {{ type_amount() }}) as net_spend,
        cast(round(tiers.net_spend / sum(tiers.net_spend) over (), 4) as decimal(18, 4)) as revenue_share,
        cast(round(
            sum(tiers.net_spend) over (order by tag_values.sort_order rows between unbounded preceding and current row)
            / sum(tiers.net_spend) over (), 4) as decimal(18, 4)) as cumulative_revenue_share
    from tiers
    inner join tag_values on tiers.svip_tier = tag_values.value_code

)

select * from final
