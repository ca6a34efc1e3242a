{#- Every value a record states for a person's golden-record attributes
    (name, gender, birthday, city), with its OneID, the priority of its
    source (seed person_attribute_sources; null when the source is not
    configured for the attribute), when it was stated (a CRM profile: the
    delivery of its latest version; an order: its time) and why it cannot
    be chosen (rejection):
    name `masked` (holds `*`, as platforms deliver names);
    birthday `not_a_date` (delivered but impossible, e.g. 1990-02-30: staging
    leaves it null; 29 February of a leap year is a date), `in_future`
    (after the business date), `too_early` (before var
    people_earliest_birthday).
    Cities lose an administrative `市` suffix (上海市 -> 上海). -#}

with

crm_members as (

    select * from {{ ref('stg_crm__members') }}

),

jd_order_lines as (

    select * from {{ ref('stg_jd__order_lines') }}

),

record_oneids as (

    select source_name, record_key, oneid from {{ ref('int_record_oneids') }}

),

attribute_sources as (

    select * from {{ ref('person_attribute_sources') }}

),

crm_records as (

    select
        'crm_members' as source_name,
        cast(crm_member_id as {{ dbt.type_string() }}) as record_key,
        cast(_delivery_date as {{ dbt.type_timestamp() }}) as stated_at,
        member_name,
        gender,
        birthday,
        birthday_raw,
        city
    from crm_members

),

crm_values as (

    select source_name, record_key, stated_at, 'name' as attribute, member_name as attribute_value,
        case when member_name like '%*%' then 'masked' end as rejection
    from crm_records
    where member_name is not null

    union all

    select source_name, record_key, stated_at, 'gender' as attribute, gender as attribute_value,
        cast(null as {{ dbt.type_string() }}) as rejection
    from crm_records
    where gender is not null

    union all

    select source_name, record_key, stated_at, 'birthday' as attribute,
        coalesce(cast(birthday as {{ dbt.type_string() }}), birthday_raw) as attribute_value,
        case
            when birthday is null then 'not_a_date'
            when birthday > {{ business_date() }} then 'in_future'
            when birthday < cast('{{ var("people_earliest_birthday") }}' as date) then 'too_early'
        end as rejection
    from crm_records
    where birthday_raw is not null or birthday is not null

    union all

    select source_name, record_key, stated_at, 'city' as attribute,
        case
            when city like '%市' and length(city) > 2 then substr(city, 1, length(city) - 1)
            else city
        end as attribute_value,
        cast(null as {{ dbt.type_string() }}) as rejection
    from crm_records
    where city is not null

),

-- An order repeats its customer on every line: one value per order.
jd_values as (

    select
        'jd_orders' as source_name,
        cast(order_id as {{ dbt.type_string() }}) as record_key,
        min(coalesce(ordered_at, cast(_delivery_date as {{ dbt.type_timestamp() }}))) as stated_at,
        'name' as attribute,
        customer_name as attribute_value,
        case when customer_name like '%*%' then 'masked' end as rejection
    from jd_order_lines
    where customer_name is not null
    group by order_id, customer_name

),

stated as (

    select * from crm_values
    union all
    select * from jd_values

),

final as (

    select
        record_oneids.oneid,
        stated.attribute,
        stated.attribute_value,
        stated.rejection,
        attribute_sources.priority as source_priority,
        stated.stated_at,
        stated.source_name,
        stated.record_key
    from stated
    inner join record_oneids
        on stated.source_name = record_oneids.source_name
        and stated.record_key = record_oneids.record_key
    left join attribute_sources
        on stated.attribute = attribute_sources.attribute
        and stated.source_name = attribute_sources.source_name

)

select * from final
