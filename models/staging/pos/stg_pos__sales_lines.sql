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

        ---------- as delivered, staged by kind (the channel contract)
        {{ stage_contract_columns(contract) }},

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
        {{ select_contract_columns(contract) }},
        {{ normalize_cn_mobile('phone') }} as phone_normalized,
        {{ cn_mobile_rejection('phone') }} as phone_rejection,
        quantity < 0 as is_return,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
