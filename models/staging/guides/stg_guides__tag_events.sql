{%- set contract = channel_contract('guide_tags') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('guides', 'tag_events') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where _load_date <= {{ business_date() }}
    {{ tonight_loads_only() }}

),

renamed as (

    select

        ---------- as delivered, staged by kind (the channel contract)
        {{ stage_contract_columns(contract) }},

        case when {{ clean_text('id_type') }} = 'member_id' then {{ clean_text('id_value') }} end as member_id,
        case when {{ clean_text('id_type') }} = 'phone' then {{ clean_text('id_value') }} end as phone,
        case when {{ clean_text('id_type') }} = 'openid' then {{ clean_text('id_value') }} end as openid,
        case when {{ clean_text('id_type') }} = 'unionid' then {{ clean_text('id_value') }} end as unionid,

        ---------- lineage
        {{ stage_lineage_columns() }}

    from source

),

-- The same tag_event_id re-sent counts once: the first delivery holds.
deduplicated as (

    {{ deduplicate('renamed', contract.natural_key, contract.dedup) }}

),

final as (

    select
        {{ select_contract_columns(contract) }},

        ---------- the identifier in the column of its type, as identity reads
        -- every source (macro identity_record_sources)
        member_id,
        phone,
        {{ normalize_cn_mobile('phone') }} as phone_normalized,
        {{ cn_mobile_rejection('phone') }} as phone_rejection,
        openid,
        unionid,

        {{ comparison_key('tag_code') }} as tag_code_key,
        {{ comparison_key('tag_value') }} as tag_value_key,
        tag_action = 'clear' as is_clear,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
