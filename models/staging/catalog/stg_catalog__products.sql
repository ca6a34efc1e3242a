{%- set contract = channel_contract('products') -%}

with

source as (

    select * from {{ source('catalog', 'products') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where _load_date <= {{ business_date() }}

),

renamed as (

    select

        ---------- as delivered, staged by kind (the channel contract)
        {{ stage_contract_columns(contract) }},

        ---------- lineage
        {{ stage_lineage_columns() }}

    from source

),

-- Every delivery is a full snapshot; a sku missing from the latest one keeps
-- its last known row, because older orders still reference it.
deduplicated as (

    {{ deduplicate('renamed', contract.natural_key, contract.dedup) }}

),

latest_snapshot as (

    select max(_delivery_date) as latest_delivery_date
    from renamed

),

final as (

    select
        {{ select_contract_columns(contract) }},
        _delivery_date = latest_delivery_date as is_in_latest_snapshot,
        {{ select_lineage_columns() }}

    from deduplicated
    cross join latest_snapshot

)

select * from final
