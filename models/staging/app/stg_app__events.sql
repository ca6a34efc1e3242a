{%- set contract = channel_contract('app_events') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('app', 'events') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where _load_date <= {{ business_date() }}
    {{ tonight_loads_only() }}

),

renamed as (

    select

        ---------- ids
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('item_sku') }} as sku,

        ---------- identifiers as delivered (device ids are not canonicalized here)
        {{ clean_text('phone') }} as phone,
        {{ clean_text('device_oaid') }} as device_oaid,
        {{ clean_text('device_idfa') }} as device_idfa,
        {{ clean_text('device_imei') }} as device_imei,

        ---------- attributes
        {{ clean_text('event_name') }} as event_name,
        {{ clean_text('brand') }} as brand,
        {{ clean_text('device_os') }} as device_os,
        {{ clean_text('live_id') }} as live_id,
        {{ clean_text('search_keyword') }} as search_keyword,
        {{ clean_text('coupon_id') }} as coupon_id,
        {{ clean_text('properties_json') }} as properties_json,

        ---------- numerics
        cast(item_price as {{ type_amount() }}) as item_price,
        cast(review_rating as {{ dbt.type_bigint() }}) as review_rating,

        ---------- timestamps (UTC)
        {{ to_utc_timestamp('event_at') }} as event_at,

        ---------- lineage
        {{ stage_lineage_columns() }}

    from source

),

deduplicated as (

    {{ deduplicate('renamed', contract.natural_key, contract.dedup) }}

),

final as (

    select
        event_id,
        event_name,
        event_at,
        brand,
        user_id,
        phone,
        {{ normalize_cn_mobile('phone') }} as phone_normalized,
        {{ cn_mobile_rejection('phone') }} as phone_rejection,
        device_oaid,
        {{ normalize_device_id('device_oaid', 'oaid') }} as device_oaid_normalized,
        {{ device_id_rejection('device_oaid', 'oaid') }} as device_oaid_rejection,
        device_idfa,
        {{ normalize_device_id('device_idfa', 'idfa') }} as device_idfa_normalized,
        {{ device_id_rejection('device_idfa', 'idfa') }} as device_idfa_rejection,
        device_imei,
        {{ normalize_device_id('device_imei', 'imei') }} as device_imei_normalized,
        {{ device_id_rejection('device_imei', 'imei') }} as device_imei_rejection,
        device_os,
        sku,
        item_price,
        live_id,
        review_rating,
        search_keyword,
        coupon_id,
        properties_json,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
