{#- Groups (用户分群) per person (every OneID), docs/tags.md ("Groups"):
    the preferred category and a user flag per category
    (int_tags__category_preference), and the appliance needs
    (int_tags__appliance_needs): upgrade, new-home bundle, replacement. -#}

with

persons as (

    select * from {{ ref('int_tags__persons') }}

),

preferences as (

    select * from {{ ref('int_tags__category_preference') }}

),

appliance_needs as (

    select * from {{ ref('int_tags__appliance_needs') }}

),

per_person as (

    select
        oneid,
        max(case when preference_rank = 1 then category_code end) as preferred_category,
        max(case when preference_rank = 1 then preference_share end) as preferred_category_share
        {%- for code in tag_category_codes() %},
        max(case when category_code = '{{ code }}' and is_category_user then 1 else 0 end) as is_{{ code }}_user
        {%- endfor %}
    from preferences
    group by oneid

),

final as (

    select
        persons.oneid,
        coalesce(per_person.preferred_category, 'none') as preferred_category,
        per_person.preferred_category_share,
        {%- for code in tag_category_codes() %}
        coalesce(per_person.is_{{ code }}_user, 0) = 1 as is_{{ code }}_user,
        {%- endfor %}
        cast(coalesce(appliance_needs.major_appliances_bought, 0) as {{ dbt.type_int() }}) as major_appliances_bought,
        coalesce(appliance_needs.is_upgrade_need, false) as is_upgrade_need,
        coalesce(appliance_needs.is_new_home_bundle, false) as is_new_home_bundle,
        coalesce(appliance_needs.is_replacement_need, false) as is_replacement_need
    from persons
    left join per_person on persons.oneid = per_person.oneid
    left join appliance_needs on persons.oneid = appliance_needs.oneid

)

select * from final
