{#- Birthdays this month: people whose birthday falls in the business date's
    month, per brand they are a member of (the brand sends the greeting). -#}

with

people as (

    select * from {{ ref('dim_person') }}
    where birthday is not null

),

person_brands as (

    select * from {{ ref('int_activation__person_brands') }}

),

final as (

    select distinct people.oneid, person_brands.brand
    from people
    inner join person_brands on people.oneid = person_brands.oneid
    where extract(month from people.birthday) = extract(month from {{ business_date() }})

)

select * from final
{{ stored_in_order_of('oneid') }}
