{#- Identifiers as consent events and campaign touches deliver them:
    (delivered type, normalized value), mapped to the identifier and OneID
    they are. Those logs name a type without a namespace: an openid without
    its appid, a member id without its brand, a device id without saying
    whether it is an OAID, IDFA or IMEI; a value therefore matches every
    identifier of the types it can be (device ids case-insensitively). -#}

with

identifiers as (

    select * from {{ ref('int_identifier_oneids') }}

),

final as (

    select
        case id_type
            when 'wechat_openid' then 'openid'
            when 'crm_member_id' then 'member_id'
            when 'app_user_id' then 'user_id'
            when 'oaid' then 'device'
            when 'idfa' then 'device'
            when 'imei' then 'device'
            else id_type
        end as delivered_id_type,
        case when id_type in ('oaid', 'idfa', 'imei') then lower(value) else value end as delivered_value,
        identifier_key,
        id_type,
        namespace,
        oneid
    from identifiers
    where id_type in ('phone', 'email', 'wechat_openid', 'crm_member_id', 'app_user_id', 'oaid', 'idfa', 'imei')

)

select * from final
