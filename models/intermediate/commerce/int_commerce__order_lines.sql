{#- One row per order line of every order source (Tmall, JD, own mall, POS),
    on one scale: who (OneID), which brand and category, when, and how much
    was paid, refunded or returned. The rules that turn each source's
    statuses into money are in docs/tags.md ("Orders"):

    - unpaid and cancelled lines carry no money and are never purchases;
    - a refund (partial or full) is subtracted from the line that was paid;
      a fully refunded line (Tmall 交易关闭 after payment, JD 退款成功, own
      mall `refunded`) keeps its paid amount and refunds all of it;
    - a POS return is its own negative line, on the day it came back:
      its amount counts as returned and its net amount is negative.
    Refunds carry no date of their own in the exports: they count on the
    order's date.

    Incremental (docs/incremental.md): a night re-derives the lines of the
    orders int_record_oneids re-voted (their OneID may have moved), the
    lines tonight's loads delivered, and the lines of products whose
    catalog row arrived tonight (brand and category may have changed). -#}

{{ config(materialized='keyed_incremental', unique_key=['order_line_key'], dedup='replace') }}

with

tmall_lines as (

    select * from {{ ref('stg_tmall__order_lines') }}

),

jd_lines as (

    select * from {{ ref('stg_jd__order_lines') }}

),

eshop_lines as (

    select * from {{ ref('stg_eshop__order_lines') }}

),

pos_lines as (

    select * from {{ ref('stg_pos__sales_lines') }}

),

products as (

    select * from {{ ref('stg_catalog__products') }}

),

brand_names as (

    select name_as_delivered, brand from {{ ref('int_brand_names') }}

),

record_oneids as (

    select source_name, record_key, oneid
    from {{ ref('int_record_oneids') }}
    where source_name in ('tmall_orders', 'jd_orders', 'eshop_orders', 'pos_sales')

),

{% if is_incremental() -%}
revoted_orders as (

    select source_name, record_key
    from {{ night_slice(ref('int_record_oneids')) }}
    where source_name in ('tmall_orders', 'jd_orders', 'eshop_orders', 'pos_sales')

),

recatalogued_skus as (

    select sku from products
    where {{ tonight_loads_condition() }}

),
{%- endif %}

tmall as (

    select
        'tmall_orders' as source_name,
        'tmall' as channel,
        order_id as record_key,
        order_id,
        sub_order_id as line_id,
        shop_name as delivered_brand,
        sku,
        quantity,
        created_at as ordered_at,
        {{ order_line_status('tmall_orders', 'order_status', paid_at='paid_at') }} as line_status,
        coalesce(paid_amount, 0) as delivered_amount,
        coalesce(refund_amount, 0) as delivered_refund,
        _load_id
    from tmall_lines

),

jd as (

    select
        'jd_orders' as source_name,
        'jd' as channel,
        order_id as record_key,
        order_id,
        sku as line_id,
        shop_name as delivered_brand,
        sku,
        quantity,
        ordered_at,
        {{ order_line_status('jd_orders', 'order_status') }} as line_status,
        coalesce(payable_amount, 0) as delivered_amount,
        -- JD's export has no refund column: a refund is the whole line (退款成功).
        cast(0 as {{ type_amount() }}) as delivered_refund,
        _load_id
    from jd_lines

),

eshop as (

    select
        'eshop_orders' as source_name,
        'eshop' as channel,
        order_id as record_key,
        order_id,
        cast(line_no as {{ dbt.type_string() }}) as line_id,
        brand as delivered_brand,
        sku,
        quantity,
        created_at as ordered_at,
        {{ order_line_status('eshop_orders', 'order_status', paid_at='paid_at') }} as line_status,
        coalesce(paid_amount, 0) as delivered_amount,
        coalesce(refund_amount, 0) as delivered_refund,
        _load_id
    from eshop_lines

),

pos as (

    select
        'pos_sales' as source_name,
        'pos' as channel,
        {{ dbt.concat(['store_code', "'/'", 'receipt_no']) }} as record_key,
        receipt_no as order_id,
        sales_line_id as line_id,
        coalesce(brand, store_name) as delivered_brand,
        sku,
        quantity,
        sold_at as ordered_at,
        case when amount < 0 or quantity < 0 then 'returned' else 'completed' end as line_status,
        coalesce(amount, 0) as delivered_amount,
        cast(0 as {{ type_amount() }}) as delivered_refund,
        _load_id
    from pos_lines

),

unioned as (

    select * from tmall
    union all
    select * from jd
    union all
    select * from eshop
    union all
    select * from pos

),

priced as (

    select
        unioned.*,
        case
            when line_status in ('paid', 'completed', 'refunded') then delivered_amount
            else 0
        end as paid_amount,
        case
            when line_status = 'refunded' then delivered_amount
            -- A refund can never exceed what was paid on the line.
            when line_status in ('paid', 'completed') and delivered_refund > delivered_amount then delivered_amount
            when line_status in ('paid', 'completed') then delivered_refund
            else 0
        end as refunded_amount,
        -- A return line whose amount came without its minus sign is still money going back.
        case when line_status = 'returned' then abs(delivered_amount) else 0 end as returned_amount
    from unioned
    {%- if is_incremental() %}
    where {{ tonight_loads_condition('unioned._load_id') }}
        or exists (
            select 1 from revoted_orders
            where revoted_orders.source_name = unioned.source_name
                and revoted_orders.record_key = unioned.record_key
        )
        or unioned.sku in (select sku from recatalogued_skus)
    {%- endif %}

),

final as (

    select
        {{ generate_surrogate_key(['priced.source_name', 'priced.record_key', 'priced.line_id']) }} as order_line_key,
        {{ generate_surrogate_key(['priced.source_name', 'priced.record_key']) }} as order_key,
        priced.source_name,
        priced.record_key,
        priced.order_id,
        priced.line_id,
        priced.channel,
        record_oneids.oneid,
        coalesce(brand_names.brand, product_brands.brand) as brand,
        priced.sku,
        products.category_l1 as category,
        products.category_l2 as subcategory,
        coalesce(products.is_ecosystem, false) as is_ecosystem,
        priced.quantity,
        priced.ordered_at,
        {{ cst_date('priced.ordered_at') }} as ordered_on,
        priced.line_status,
        cast(priced.paid_amount as {{ type_amount() }}) as paid_amount,
        cast(priced.refunded_amount as {{ type_amount() }}) as refunded_amount,
        cast(priced.returned_amount as {{ type_amount() }}) as returned_amount,
        cast(priced.paid_amount - priced.refunded_amount - priced.returned_amount as {{ type_amount() }}) as net_amount,
        priced.line_status in ('paid', 'completed')
            and priced.paid_amount - priced.refunded_amount > 0 as is_valid_purchase
    from priced
    left join record_oneids
        on priced.source_name = record_oneids.source_name
        and priced.record_key = record_oneids.record_key
    left join brand_names on priced.delivered_brand = brand_names.name_as_delivered
    left join products on priced.sku = products.sku
    left join brand_names as product_brands on products.brand = product_brands.name_as_delivered

)

select * from final
