{%- set contract = channel_contract('jd_orders') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('jd', 'order_lines') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where _load_date <= {{ business_date() }}
    {{ tonight_loads_only() }}

),

renamed as (

    select

        ---------- ids
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('sku') }} as sku,
        {{ clean_text('jd_pin') }} as jd_pin,

        ---------- identifiers and attributes as delivered
        {{ clean_text('customer_name') }} as customer_name,
        {{ clean_text('contact_phone') }} as contact_phone,
        {{ clean_text('shop_name') }} as shop_name,
        {{ clean_text('item_name') }} as item_name,
        {{ clean_text('order_status') }} as order_status,

        ---------- numerics
        cast(quantity as {{ dbt.type_bigint() }}) as quantity,
        cast(payable_amount as {{ type_amount() }}) as payable_amount,

        ---------- timestamps (UTC)
        {{ to_utc_timestamp('ordered_at') }} as ordered_at,

        ---------- lineage
        {{ stage_lineage_columns() }}

    from source

),

deduplicated as (

    {{ deduplicate('renamed', contract.natural_key, contract.dedup) }}

),

final as (

    select
        {{ generate_surrogate_key(['order_id', 'sku']) }} as order_line_id,
        order_id,
        sku,
        jd_pin,
        customer_name,
        contact_phone,
        {{ normalize_cn_mobile('contact_phone') }} as contact_phone_normalized,
        {{ cn_mobile_rejection('contact_phone') }} as contact_phone_rejection,
        shop_name,
        item_name,
        order_status,
        quantity,
        payable_amount,
        ordered_at,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
