{%- set contract = channel_contract('campaign_touches') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('campaigns', 'touches') }}
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

deduplicated as (

    {{ deduplicate('renamed', contract.natural_key, contract.dedup) }}

),

final as (

    select
        {{ select_contract_columns(contract) }},
        {{ delivered_identifier_normalized('id_type', 'id_value') }} as id_value_normalized,
        {{ delivered_identifier_rejection('id_type', 'id_value') }} as id_value_rejection,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
