{%- set contract = channel_contract('wechat_oa_followers') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('wechat', 'oa_followers') }}
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

        ---------- attributes
        {{ clean_text('brand') }} as brand,

        ---------- booleans
        cast(is_subscribed as {{ dbt.type_boolean() }}) as is_subscribed,

        ---------- timestamps (UTC)
        {{ to_utc_timestamp('subscribed_at') }} as subscribed_at,
        {{ to_utc_timestamp('unsubscribed_at') }} as unsubscribed_at,

        ---------- lineage
        {{ stage_lineage_columns() }}

    from source

),

deduplicated as (

    {{ deduplicate('renamed', contract.natural_key, contract.dedup) }}

),

final as (

    select
        {{ generate_surrogate_key(['appid', 'openid']) }} as oa_follower_id,
        appid,
        openid,
        unionid,
        brand,
        is_subscribed,
        subscribed_at,
        unsubscribed_at,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
