{%- set contract = channel_contract('ad_backflow') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('ads', 'backflow_events') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where _load_date <= {{ business_date() }}
    {{ tonight_loads_only() }}

),

renamed as (

    select

        ---------- ids
        {{ clean_text('platform') }} as platform,
        {{ clean_text('ad_campaign_id') }} as ad_campaign_id,
        {{ clean_text('creative_id') }} as creative_id,

        ---------- hashed identifier (platforms send hex digests in either case)
        {{ clean_text('id_type') }} as id_type,
        lower({{ clean_text('id_value') }}) as id_value,

        ---------- attributes
        {{ clean_text('event_name') }} as event_name,

        ---------- numerics
        cast(cost as {{ type_amount() }}) as cost,

        ---------- timestamps (UTC)
        {{ to_utc_timestamp('event_at') }} as event_at,

        ---------- lineage
        {{ stage_lineage_columns() }}

    from source

),

-- Backflow rows have no id: the whole row is the key, and the same row in a
-- later file is a re-send.
deduplicated as (

    {{ deduplicate('renamed', contract.natural_key, contract.dedup) }}

),

final as (

    select
        {{ generate_surrogate_key(['_file_path', '_file_line']) }} as backflow_event_id,
        platform,
        ad_campaign_id,
        creative_id,
        event_name,
        event_at,
        id_type,
        id_value,
        cost,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
