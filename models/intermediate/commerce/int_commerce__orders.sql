{#- One row per order (a platform order, an own-mall order, a POS receipt)
    of every order source: the unit that RFM frequency counts. An order is a
    valid purchase when at least one of its lines was paid and not wholly
    refunded and its net amount is positive; a POS receipt of return lines
    only is never one. Its brand and category are those of its largest line
    (by net amount, then by line key: deterministic).

    Incremental (docs/incremental.md): a night re-derives the orders of the
    lines int_commerce__order_lines re-derived. -#}

{{ config(materialized='keyed_incremental', unique_key=['order_key'], dedup='replace') }}

with

order_lines as (

    select * from {{ ref('int_commerce__order_lines') }}
    {%- if is_incremental() %}
    where order_key in (select order_key from {{ night_slice(ref('int_commerce__order_lines')) }})
    {%- endif %}

),

ranked_lines as (

    select
        order_key,
        brand,
        category,
        row_number() over (
            partition by order_key
            order by net_amount desc, paid_amount desc, order_line_key
        ) as line_rank
    from order_lines

),

main_lines as (

    select order_key, brand, category
    from ranked_lines
    where line_rank = 1

),

aggregated as (

    select
        order_key,
        min(source_name) as source_name,
        min(record_key) as record_key,
        min(order_id) as order_id,
        min(channel) as channel,
        min(oneid) as oneid,
        count(distinct brand) as brand_count,
        count(*) as line_count,
        -- Sums widen differently per engine: cast back to the line types (the contract).
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as item_quantity,
        min(ordered_at) as ordered_at,
        cast(sum(paid_amount) as {{ type_amount() }}) as paid_amount,
        cast(sum(refunded_amount) as {{ type_amount() }}) as refunded_amount,
        cast(sum(returned_amount) as {{ type_amount() }}) as returned_amount,
        cast(sum(net_amount) as {{ type_amount() }}) as net_amount,
        max(case when is_valid_purchase then 1 else 0 end) as has_valid_line,
        max(case when line_status = 'returned' then 1 else 0 end) as has_return_line
    from order_lines
    group by order_key

),

final as (

    select
        aggregated.order_key,
        aggregated.source_name,
        aggregated.record_key,
        aggregated.order_id,
        aggregated.channel,
        aggregated.oneid,
        main_lines.brand,
        main_lines.category,
        aggregated.brand_count,
        aggregated.line_count,
        aggregated.item_quantity,
        aggregated.ordered_at,
        {{ cst_date('aggregated.ordered_at') }} as ordered_on,
        aggregated.paid_amount,
        aggregated.refunded_amount,
        aggregated.returned_amount,
        aggregated.net_amount,
        aggregated.has_return_line = 1 as has_return_line,
        aggregated.has_valid_line = 1 and aggregated.net_amount > 0 as is_valid_purchase
    from aggregated
    inner join main_lines on aggregated.order_key = main_lines.order_key

)

select * from final
