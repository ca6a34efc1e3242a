{%- set contract = channel_contract('crm_members') -%}
{{ config(materialized='keyed_incremental', unique_key=contract.natural_key, dedup=contract.dedup) }}

with

source as (

    select * from {{ source('crm', 'members') }}
    -- As of the business date: a rerun of an older night sees what that night saw.
    where _load_date <= {{ business_date() }}
    {{ tonight_loads_only() }}

),

renamed as (

    select

        ---------- ids
        {{ clean_text('brand') }} as brand,
        {{ clean_text('member_id') }} as member_id,
        {{ clean_text('dealer_code') }} as dealer_code,
        {{ clean_text('store_code') }} as store_code,

        ---------- identifiers and attributes as delivered
        {{ clean_text('phone') }} as phone,
        {{ clean_text('email') }} as email,
        {{ clean_text('name') }} as member_name,
        {{ clean_text('city') }} as city,
        {{ clean_text('tier') }} as member_tier,
        {{ clean_text('member_type') }} as member_type,
        {{ clean_text('member_status') }} as member_status,
        {{ clean_text('birthday_raw') }} as birthday_raw,

        ---------- categories
        case {{ clean_text('gender') }}
            when 'M' then 'M'
            when '男' then 'M'
            when 'F' then 'F'
            when '女' then 'F'
        end as gender,

        ---------- numerics
        cast(points as {{ dbt.type_bigint() }}) as points,

        ---------- dates and timestamps (UTC)
        cast(birthday as date) as birthday,
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
        {{ generate_surrogate_key(['brand', 'member_id']) }} as crm_member_id,
        brand,
        member_id,
        phone,
        {{ normalize_cn_mobile('phone') }} as phone_normalized,
        {{ cn_mobile_rejection('phone') }} as phone_rejection,
        email,
        {{ normalize_email('email') }} as email_normalized,
        {{ email_rejection('email') }} as email_rejection,
        member_name,
        gender,
        birthday,
        birthday_raw,
        city,
        member_tier,
        points,
        member_type,
        dealer_code,
        store_code,
        joined_at,
        member_status,
        {{ select_lineage_columns() }}

    from deduplicated

)

select * from final
