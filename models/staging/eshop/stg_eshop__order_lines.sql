{%- set contract = channel_contract('eshop_orders') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('eshop', 'order_lines') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where _load_date <= {{ business_date() }}
    {{ tonight_loads_only() }}

),

renamed as (

    select

        ---------- ids
        {{ clean_text('order_id') }} as order_id,
        cast(line_no as {{ dbt.type_bigint() }}) as line_no,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('sku') }} as sku,

        ---------- identifiers and attributes as delivered
        {{ clean_text('phone') }} as phone,
        {{ clean_text('brand') }} as brand,
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
        {{ generate_surrogate_key(['order_id', 'line_no']) }} as order_line_id,
        order_id,
        line_no,
        user_id,
        phone,
        {{ normalize_cn_mobile('phone') }} as phone_normalized,
        {{ cn_mobile_rejection('phone') }} as phone_rejection,
        brand,
        sku,
        quantity,
        paid_amount,
        refund_amount,
        order_status,
        created_at,
        paid_at,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
