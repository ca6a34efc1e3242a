{%- set contract = channel_contract('products') -%}

with

source as (

    select * from {{ source('catalog', 'products') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where _load_date <= {{ business_date() }}

),

renamed as (

    select

        ---------- ids
        {{ clean_text('sku') }} as sku,

        ---------- attributes
        {{ clean_text('brand') }} as brand,
        {{ clean_text('product_name') }} as product_name,
        {{ clean_text('category_l1') }} as category_l1,
        {{ clean_text('category_l2') }} as category_l2,

        ---------- numerics
        cast(list_price as {{ type_amount() }}) as list_price,

        ---------- booleans
        cast(is_ecosystem as {{ dbt.type_boolean() }}) as is_ecosystem,

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
        sku,
        brand,
        product_name,
        category_l1,
        category_l2,
        list_price,
        is_ecosystem,
        _delivery_date = latest_delivery_date as is_in_latest_snapshot,
        {{ select_lineage_columns() }}

    from deduplicated
    cross join latest_snapshot

)

select * from final
