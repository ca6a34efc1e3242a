-- Every OneID of map_identifier_oneid has exactly one dim_person row
-- (the other direction is dim_person.oneid's relationships test).
with

mapped as (

    select distinct oneid from {{ ref('map_identifier_oneid') }}

),

people as (

    select oneid, count(*) as person_rows
    from {{ ref('dim_person') }}
    group by oneid

)

select mapped.oneid, coalesce(people.person_rows, 0) as person_rows
from mapped
left join people on mapped.oneid = people.oneid
where coalesce(people.person_rows, 0) <> 1
