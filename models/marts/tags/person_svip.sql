{#- SVIP / super users (docs/tags.md, "SVIP"): every person ranked by net
    spend over var tags_svip_window_days days (all order sources; refunds
    and returns subtracted). Among buyers with a positive net spend, the
    first ceil(n x var tags_svip_top_share) are `svip` (top 0.1%), the rest
    of the first ceil(n x var tags_vip_top_share) `vip` (top 10%), the
    others `regular`; ties in spend are broken by OneID so the cut is
    deterministic. People without positive net spend are `non_buyer`.
    tier_revenue_share: the share of all buyers' net spend that the
    person's tier holds (the Pareto view; svip_revenue_share has one row
    per tier). -#}

{%- set window_days = var('tags_svip_window_days') %}

with

persons as (

    select * from {{ ref('int_tags__persons') }}

),

orders as (

    select * from {{ ref('int_commerce__orders') }}
    where oneid is not null
        and ordered_on <= {{ business_date() }}
        and {{ dbt.datediff('ordered_on', business_date(), 'day') }} < {{ window_days }}

),

spend as (

    select oneid, sum(net_amount) as net_spend
    from orders
    group by oneid

),

buyers as (

    select
        oneid,
        net_spend,
        row_number() over (order by net_spend desc, oneid) as spend_rank,
        count(*) over () as buyer_count
    from spend
    where net_spend > 0

),

tiered as (

    select
        buyers.*,
        case
            when spend_rank <= ceiling(buyer_count * {{ var('tags_svip_top_share') }}) then 'svip'
            when spend_rank <= ceiling(buyer_count * {{ var('tags_vip_top_share') }}) then 'vip'
            else 'regular'
        end as svip_tier
    from buyers

),

tier_totals as (

    select
        svip_tier,
        sum(net_spend) as tier_spend,
        sum(sum(net_spend)) over () as all_spend
    from tiered
    group by svip_tier

),

final as (

    select
        persons.oneid,
        cast(coalesce(spend.net_spend, 0) as {{ type_amount() }}) as net_spend_12m,
        cast(tiered.spend_rank as {{ dbt.type_bigint() }}) as spend_rank,
        cast(round(100.0 * tiered.spend_rank / tiered.buyer_count, 4) as decimal(18, 4)) as spend_top_percent,
        coalesce(tiered.svip_tier, 'non_buyer') as svip_tier,
        cast(round(tier_totals.tier_spend / tier_totals.all_spend, 4) as decimal(18, 4)) as tier_revenue_share
    from persons
    left join spend on persons.oneid = spend.oneid
    left join tiered on persons.oneid = tiered.oneid
    left join tier_totals on tiered.svip_tier = tier_totals.svip_tier

)

select * from final
