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

        ---------- ids (WeChat's own names: an openid is scoped to its appid)
        {{ clean_text('appid') }} as appid,
        {{ clean_text('openid') }} as openid,
        {{ clean_text('unionid') }} as unionid,

        ---------- identifiers and attributes as delivered
        {{ clean_text('phone') }} as phone,
        {{ clean_text('nickname') }} as nickname,
        {{ clean_text('brand') }} as brand,

        ---------- timestamps (UTC)
        {{ to_utc_timestamp('created_at') }} as created_at,

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
        appid,
        openid,
        unionid,
        phone,
        {{ normalize_cn_mobile('phone') }} as phone_normalized,
        {{ cn_mobile_rejection('phone') }} as phone_rejection,
        nickname,
        brand,
        created_at,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
