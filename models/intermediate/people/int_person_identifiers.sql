{#- One row per OneID: its identifiers counted per type, when any of them
    was first and last seen, and the person's primary phone and email (raw:
    restricted store only): the one seen most recently, then in most
    records, then the smallest value. -#}

{%- set counted_types = ['phone', 'email', 'tmall_ouid', 'jd_pin', 'wechat_openid', 'wechat_unionid', 'app_user_id', 'crm_member_id'] %}

with

identifier_oneids as (

    select * from {{ ref('int_identifier_oneids') }}

),

contact_ranks as (

    select
        oneid,
        id_type,
        value,
        row_number() over (
            partition by oneid, id_type
            order by last_seen_at desc, record_count desc, value
        ) as contact_rank
    from identifier_oneids
    where id_type in ('phone', 'email')

),

primary_contacts as (

    select
        oneid,
        max(case when id_type = 'phone' then value end) as primary_phone,
        max(case when id_type = 'email' then value end) as primary_email
    from contact_ranks
    where contact_rank = 1
    group by oneid

),

aggregated as (

    select
        oneid,
        cast(count(*) as {{ dbt.type_bigint() }}) as identifier_count,
        {%- for id_type in counted_types %}
        cast(sum(case when id_type = '{{ id_type }}' then 1 else 0 end) as {{ dbt.type_bigint() }}) as {{ id_type }}_count,
        {%- endfor %}
        cast(sum(case when id_type in ('oaid', 'idfa', 'imei') then 1 else 0 end) as {{ dbt.type_bigint() }}) as device_id_count,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at
    from identifier_oneids
    group by oneid

),

final as (

    select
        aggregated.*,
        primary_contacts.primary_phone,
        primary_contacts.primary_email
    from aggregated
    left join primary_contacts on aggregated.oneid = primary_contacts.oneid

)

select * from final
