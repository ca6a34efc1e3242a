{%- set contract = channel_contract('tmall_orders') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('tmall', 'order_lines') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where _load_date <= {{ business_date() }}
    {{ tonight_loads_only() }}

),

renamed as (

    select

        ---------- ids
        {{ clean_text('sub_order_id') }} as sub_order_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('buyer_ouid') }} as buyer_ouid,
        {{ clean_text('sku') }} as sku,

        ---------- identifiers and attributes as delivered
        {{ clean_text('buyer_nick') }} as buyer_nick,
        {{ clean_text('contact_phone') }} as contact_phone,
        {{ clean_text('shop_name') }} as shop_name,
        {{ clean_text('item_title') }} as item_title,
        {{ clean_text('order_status') }} as order_status,

        ---------- numerics
        cast(quantity as {{ dbt.type_bigint() }}) as quantity,
        cast(paid_amount as {{ type_amount() }}) as paid_amount,
        cast(refund_amount as {{ type_amount() }}) as refund_amount,

        ---------- timestamps (UTC)
        {{ to_utc_timestamp('created_at') }} as created_at,
        {{ to_utc_timestamp('paid_at') }} as paid_at,

        ---------- lineage
        {{ stage_lineage_columns() }}

    from source

),

deduplicated as (

    {{ deduplicate('renamed', contract.natural_key, contract.dedup) }}

),

final as (

    select
        sub_order_id,
        order_id,
        buyer_ouid,
        sku,
        buyer_nick,
        contact_phone,
        {{ normalize_cn_mobile('contact_phone') }} as contact_phone_normalized,
        {{ cn_mobile_rejection('contact_phone') }} as contact_phone_rejection,
        shop_name,
        item_title,
        order_status,
        quantity,
        paid_amount,
        refund_amount,
        created_at,
        paid_at,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
