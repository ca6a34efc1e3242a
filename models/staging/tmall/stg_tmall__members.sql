{%- set contract = channel_contract('tmall_members') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('tmall', 'members') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where _load_date <= {{ business_date() }}
    {{ tonight_loads_only() }}

),

renamed as (

    select

        ---------- ids
        {{ clean_text('brand') }} as brand,
        {{ clean_text('ouid') }} as ouid,

        ---------- identifiers and attributes as delivered
        {{ clean_text('nick') }} as nick,
        {{ clean_text('mobile') }} as mobile,
        {{ clean_text('level') }} as member_level,

        ---------- numerics
        cast(points as {{ dbt.type_bigint() }}) as points,

        ---------- timestamps (UTC)
        {{ to_utc_timestamp('joined_at') }} as joined_at,

        ---------- lineage
        {{ stage_lineage_columns() }}

    from source

),

deduplicated as (

    {{ deduplicate('renamed', contract.natural_key, contract.dedup) }}

),

final as (

    select
        {{ generate_surrogate_key(['brand', 'ouid']) }} as tmall_member_id,
        brand,
        ouid,
        nick,
        mobile,
        {{ normalize_cn_mobile('mobile') }} as mobile_normalized,
        {{ cn_mobile_rejection('mobile') }} as mobile_rejection,
        member_level,
        points,
        joined_at,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
