{#- People on the global suppression list, through any identifier the list
    names, normalized as the identity rules normalize delivered values. One
    row per OneID with every reason that applies. -#}

with

suppressions as (

    select * from {{ ref('global_suppressions') }}

),

identifiers as (

    select * from {{ ref('int_identifier_oneids') }}

),

normalized as (

    select
        id_type,
        case id_type
            when 'phone' then {{ normalize_cn_mobile('id_value') }}
            when 'email' then {{ normalize_email('id_value') }}
            when 'idfa' then {{ normalize_device_id('id_value', 'idfa') }}
            when 'oaid' then {{ normalize_device_id('id_value', 'oaid') }}
            when 'imei' then {{ normalize_device_id('id_value', 'imei') }}
            else {{ trim_spaces('id_value') }}
        end as value,
        reason
    from suppressions

),

matched as (

    select distinct identifiers.oneid, normalized.reason
    from normalized
    inner join identifiers
        on normalized.id_type = identifiers.id_type
        and normalized.value = identifiers.value

),

final as (

    select
        oneid,
        max(case when reason = 'test_account' then 1 else 0 end) = 1 as is_test_account,
        max(case when reason = 'employee' then 1 else 0 end) = 1 as is_employee,
        max(case when reason = 'complainant' then 1 else 0 end) = 1 as is_complainant
    from matched
    group by oneid

)

select * from final
