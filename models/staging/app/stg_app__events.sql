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
        {{ normalize_cn_mobile('phone') }} as phone_normalized,
        {{ cn_mobile_rejection('phone') }} as phone_rejection,
        {{ normalize_device_id('device_oaid', 'oaid') }} as device_oaid_normalized,
        {{ device_id_rejection('device_oaid', 'oaid') }} as device_oaid_rejection,
        {{ normalize_device_id('device_idfa', 'idfa') }} as device_idfa_normalized,
        {{ device_id_rejection('device_idfa', 'idfa') }} as device_idfa_rejection,
        {{ normalize_device_id('device_imei', 'imei') }} as device_imei_normalized,
        {{ device_id_rejection('device_imei', 'imei') }} as device_imei_rejection,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
