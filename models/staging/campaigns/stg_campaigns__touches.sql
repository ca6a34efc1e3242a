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

        ---------- ids
        {{ clean_text('touch_id') }} as touch_id,
        {{ clean_text('campaign_id') }} as campaign_id,

        ---------- identifier as delivered (normalized to canonical forms later)
        {{ clean_text('id_type') }} as id_type,
        {{ clean_text('id_value') }} as id_value,

        ---------- attributes
        {{ clean_text('channel') }} as channel,

        ---------- booleans
        cast(is_delivered as {{ dbt.type_boolean() }}) as is_delivered,

        ---------- timestamps (UTC)
        {{ to_utc_timestamp('sent_at') }} as sent_at,
        {{ to_utc_timestamp('opened_at') }} as opened_at,
        {{ to_utc_timestamp('clicked_at') }} as clicked_at,

        ---------- lineage
        {{ stage_lineage_columns() }}

    from source

),

deduplicated as (

    {{ deduplicate('renamed', contract.natural_key, contract.dedup) }}

),

final as (

    select
        touch_id,
        campaign_id,
        channel,
        id_type,
        id_value,
        {{ delivered_identifier_normalized('id_type', 'id_value') }} as id_value_normalized,
        {{ delivered_identifier_rejection('id_type', 'id_value') }} as id_value_rejection,
        sent_at,
        is_delivered,
        opened_at,
        clicked_at,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
