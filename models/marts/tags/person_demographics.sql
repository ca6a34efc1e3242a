{#- Demographics per person as of the business date (docs/tags.md,
    "Demographics"), from the golden record (dim_person, which already
    rejects birthdays that do not exist, lie in the future or before
    var people_earliest_birthday): age in completed years, the age band
    (seed tag_age_bands), gender as a code and city. A birthday giving an
    age above var tags_max_age is rejected here too. A 29 February birthday
    adds a year on 1 March in common years. -#}

{%- set today = business_date() %}

with

persons as (

    select * from {{ ref('int_tags__persons') }}

),

people as (

    select * from {{ ref('dim_person') }}

),

age_bands as (

    select * from {{ ref('tag_age_bands') }}

),

aged as (

    select
        persons.oneid,
        people.birthday,
        people.gender,
        people.city,
        extract(year from {{ today }}) - extract(year from people.birthday)
            - case
                when extract(month from {{ today }}) * 100 + extract(day from {{ today }})
                    < extract(month from people.birthday) * 100 + extract(day from people.birthday)
                then 1 else 0
            end as age_years
    from persons
    left join people on persons.oneid = people.oneid

),

valid_ages as (

    select
        aged.*,
        case
            when birthday is null or birthday > {{ today }} or age_years > {{ var('tags_max_age') }} then null
            else age_years
        end as age
    from aged

),

final as (

    select
        valid_ages.oneid,
        cast(valid_ages.age as {{ dbt.type_int() }}) as age,
        coalesce(age_bands.age_band, 'unknown') as age_band,
        case
            when upper(valid_ages.gender) in ('M', 'MALE') or valid_ages.gender = '男' then 'male'
            when upper(valid_ages.gender) in ('F', 'FEMALE') or valid_ages.gender = '女' then 'female'
            else 'unknown'
        end as gender,
        valid_ages.city
    from valid_ages
    left join age_bands
        on valid_ages.age between age_bands.min_age and age_bands.max_age

)

select * from final
