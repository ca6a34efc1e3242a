{#- One row per OneID with at least one attribute value: for each of name,
    gender, birthday and city, the valid value (no rejection) of the
    best-priority configured source (seed person_attribute_sources), then
    the most recently stated; remaining ties go to the smaller value, so the
    choice never depends on row order. Also counts the birthdays rejected
    as impossible. -#}

{#- attribute -> the column its chosen value lands in (birthday as text until cast) -#}
{%- set value_columns = {'name': 'person_name', 'gender': 'gender', 'birthday': 'birthday_text', 'city': 'city'} %}

with

candidates as (

    select * from {{ ref('int_person_attribute_candidates') }}

),

ranked as (

    select
        oneid,
        attribute,
        attribute_value,
        source_name,
        stated_at,
        row_number() over (
            partition by oneid, attribute
            order by source_priority, stated_at desc, attribute_value, source_name, record_key
        ) as choice_rank
    from candidates
    where rejection is null
        and source_priority is not null

),

chosen as (

    select * from ranked
    where choice_rank = 1

),

rejections as (

    select
        oneid,
        cast(sum(case when attribute = 'birthday' and rejection is not null then 1 else 0 end) as {{ dbt.type_bigint() }}) as rejected_birthdays
    from candidates
    group by oneid

),

pivoted as (

    select
        rejections.oneid,
        {%- for attribute, column in value_columns.items() %}
        max(case when chosen.attribute = '{{ attribute }}' then chosen.attribute_value end) as {{ column }},
        max(case when chosen.attribute = '{{ attribute }}' then chosen.source_name end) as {{ attribute }}_source,
        {%- endfor %}
        rejections.rejected_birthdays
    from rejections
    left join chosen on rejections.oneid = chosen.oneid
    group by rejections.oneid, rejections.rejected_birthdays

),

final as (

    select
        oneid,
        person_name,
        name_source,
        gender,
        gender_source,
        cast(birthday_text as date) as birthday,
        birthday_source,
        city,
        city_source,
        rejected_birthdays
    from pivoted

)

select * from final
