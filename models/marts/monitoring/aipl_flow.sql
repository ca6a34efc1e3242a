{#- AIPL flow (流转) per brand between two days: how many persons moved
    from the stage they held var('monitoring_aipl_flow_days') days before
    the business date to the stage they hold on it, and the GMV those
    persons brought the brand in between (contribution by stage). A stage
    holds from the published night it was first seen until the night it
    changed (aipl_stage_history); `none` is no stage: not yet in the brand's
    AIPL population at the start, or fallen out of it by the end. Before the
    first published night, everyone held `none`. -#}

{%- set start_on = "cast(" ~ dbt.dateadd('day', -1 * var('monitoring_aipl_flow_days'), business_date()) ~ " as date)" %}

with

history as (

    select * from {{ ref('aipl_stage_history') }}

),

order_lines as (

    select * from {{ ref('int_commerce__order_lines') }}
    where oneid is not null and brand is not null

),

start_stages as (

    select oneid, brand, aipl_stage
    from history
    where valid_from <= {{ start_on }}
        and (valid_to is null or valid_to > {{ start_on }})

),

end_stages as (

    select oneid, brand, aipl_stage
    from history
    where is_current

),

flows as (

    select
        coalesce(start_stages.oneid, end_stages.oneid) as oneid,
        coalesce(start_stages.brand, end_stages.brand) as brand,
        coalesce(start_stages.aipl_stage, 'none') as from_stage,
        coalesce(end_stages.aipl_stage, 'none') as to_stage
    from start_stages
    full outer join end_stages
        on start_stages.oneid = end_stages.oneid
        and start_stages.brand = end_stages.brand

),

brand_spend as (

    select
        order_lines.oneid,
        order_lines.brand,
        sum(case when order_lines.is_valid_purchase then order_lines.paid_amount else 0 end) as gmv,
        sum(order_lines.net_amount) as net_revenue
    from order_lines
    where order_lines.ordered_on > {{ start_on }}
        and order_lines.ordered_on <= {{ business_date() }}
    group by order_lines.oneid, order_lines.brand

),

cells as (

    select
        flows.brand,
        flows.from_stage,
        flows.to_stage,
        count(*) as persons,
        coalesce(sum(brand_spend.gmv), 0) as gmv,
        coalesce(sum(brand_spend.net_revenue), 0) as net_revenue
    from flows
    left join brand_spend
        on flows.oneid = brand_spend.oneid
        and flows.brand = brand_spend.brand
    group by flows.brand, flows.from_stage, flows.to_stage

),

final as (

    select
        {{ start_on }} as flow_from_date,
        {{ business_date() }} as flow_to_date,
        cells.brand,
        cells.from_stage,
        cells.to_stage,
        {{ aipl_stage_rank('cells.from_stage') }} as from_stage_rank,
        {{ aipl_stage_rank('cells.to_stage') }} as to_stage_rank,
        cells.persons,
        cast(cells.gmv as {{ type_amount() }}) as gmv,
        cast(cells.net_revenue as {{ type_amount() }}) as net_revenue,
        case when sum(cells.gmv) over (partition by cells.brand) > 0
            then cast(cells.gmv as {{ type_ratio() }}) / sum(cells.gmv) over (partition by cells.brand)
            else 0 end as gmv_share_of_brand
    from cells

)

select * from final
