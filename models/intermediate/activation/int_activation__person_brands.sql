{#- Which brands each person has a relationship with: a member of its
    programme (CRM member id, Tmall shop membership) or a follower or user of
    its WeChat apps. Brand scoping (brand_data_scopes) is decided on this. -#}

with

identifiers as (

    select * from {{ ref('int_identifier_oneids') }}

),

wechat_apps as (

    select * from {{ ref('wechat_apps') }}

),

brand_scopes as (

    select * from {{ ref('brand_data_scopes') }}

),

namespaced as (

    select oneid, namespace as brand
    from identifiers
    where id_type in ('crm_member_id', 'tmall_ouid')

    union all

    select identifiers.oneid, wechat_apps.brand
    from identifiers
    inner join wechat_apps on identifiers.namespace = wechat_apps.appid
    where identifiers.id_type = 'wechat_openid'

),

final as (

    select distinct namespaced.oneid, namespaced.brand
    from namespaced
    inner join brand_scopes on namespaced.brand = brand_scopes.brand

)

select * from final
{{ stored_in_order_of('oneid') }}
