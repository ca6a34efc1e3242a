{%- set contract = channel_contract('consents') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('consents', 'consent_events') }}
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

-- Consent events have no id: the whole row is the key, and the same event in
-- a later file is a re-send. Which event wins per identifier is decided downstream.
deduplicated as (

    {{ deduplicate('renamed', contract.natural_key, contract.dedup) }}

),

final as (

    select
        {{ generate_surrogate_key(['_file_path', '_file_line']) }} as consent_event_id,
        {{ select_contract_columns(contract) }},
        {{ delivered_identifier_normalized('id_type', 'id_value') }} as id_value_normalized,
        {{ delivered_identifier_rejection('id_type', 'id_value') }} as id_value_rejection,
        consent_action = 'opt_in' as is_opt_in,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
