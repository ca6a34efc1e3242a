{%- set contract = channel_contract('pos_sales') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('pos', 'sales_lines') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where _load_date <= {{ business_date() }}
    {{ tonight_loads_only() }}

),

renamed as (

    select

        ---------- ids
        {{ clean_text('store_code') }} as store_code,
        {{ clean_text('receipt_no') }} as receipt_no,
        {{ clean_text('sku') }} as sku,
        {{ clean_text('member_id') }} as member_id,
        {{ clean_text('dealer_code') }} as dealer_code,
        {{ clean_text('clerk_id') }} as clerk_id,

        ---------- identifiers and attributes as delivered
        {{ clean_text('phone') }} as phone,
        {{ clean_text('brand') }} as brand,
        {{ clean_text('store_name') }} as store_name,

        ---------- numerics (negative for returns)
        cast(quantity as {{ dbt.type_bigint() }}) as quantity,
        cast(amount as {{ type_amount() }}) as amount,

        ---------- timestamps (UTC)
        {{ to_utc_timestamp('sold_at') }} as sold_at,

        ---------- lineage
        {{ stage_lineage_columns() }}

    from source

),

-- A POS line has no id of its own: its whole content is its key, and two
-- identical lines on one receipt are two real items.
deduplicated as (

    {{ deduplicate('renamed', contract.natural_key, contract.dedup) }}

),

final as (

    select
        {{ generate_surrogate_key(['_file_path', '_file_line']) }} as sales_line_id,
        store_code,
        store_name,
        brand,
        dealer_code,
        receipt_no,
        member_id,
        phone,
        {{ normalize_cn_mobile('phone') }} as phone_normalized,
        {{ cn_mobile_rejection('phone') }} as phone_rejection,
        sku,
        quantity,
        amount,
        quantity < 0 as is_return,
        sold_at,
        clerk_id,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
