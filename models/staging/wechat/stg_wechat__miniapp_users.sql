{%- set contract = channel_contract('wechat_miniapp_users') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('wechat', 'miniapp_users') }}
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
        {{ generate_surrogate_key(['appid', 'openid']) }} as miniapp_user_id,
        {{ select_contract_columns(contract) }},
        {{ normalize_cn_mobile('phone') }} as phone_normalized,
        {{ cn_mobile_rejection('phone') }} as phone_rejection,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
