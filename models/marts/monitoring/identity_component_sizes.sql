{#- The distribution of OneID sizes tonight: how many persons hold 1, 2, 3
    ... identifiers, and how many identifiers sit in persons of that size.
    A long tail of large OneIDs is the signature of over-merging. -#}

with

identifier_oneids as (

    select * from {{ ref('int_identifier_oneids') }}

),

oneids as (

    select
        oneid,
        count(*) as component_size
    from identifier_oneids
    group by oneid

),

sized as (

    select
        case
            when component_size >= 10 then '10+'
            else cast(component_size as {{ dbt.type_string() }})
        end as size_bucket,
        least(component_size, 10) as size_bucket_order,
        component_size
    from oneids

),

final as (

    select
        size_bucket,
        size_bucket_order,
        count(*) as persons,
        sum(component_size) as identifiers,
        cast(count(*) as {{ type_ratio() }}) / sum(count(*)) over () as person_share,
        max(component_size) as max_component_size
    from sized
    group by size_bucket, size_bucket_order

)

select * from final
