{#- Hubs: identifiers linked to more distinct identifiers of one person-level
    type and namespace than anyone plausibly holds (var
    identity_hub_max_neighbours, default 5): an in-store tablet that hundreds
    of shoppers log into, a placeholder phone a clerk types for everyone.
    A hub is cut out of the graph: none of its links count, and it gets no
    OneID (unless an override must-links it). -#}

{%- set cap = identity_setting('identity_hub_max_neighbours') -%}
{%- set person_level_types = identity_setting('identity_person_level_types') -%}

with

links as (

    select * from {{ ref('int_identity_links') }}

),

neighbours as (

    select identifier_key_a as identifier_key, id_type_b as neighbour_type, namespace_b as neighbour_namespace
    from links
    union all
    select identifier_key_b as identifier_key, id_type_a as neighbour_type, namespace_a as neighbour_namespace
    from links

),

counted as (

    select
        identifier_key,
        neighbour_type,
        neighbour_namespace,
        count(*) as neighbours
    from neighbours
    where neighbour_type in {{ identity_sql_list(person_level_types) }}
    group by identifier_key, neighbour_type, neighbour_namespace

),

busiest as (

    select
        identifier_key,
        neighbour_type,
        neighbour_namespace,
        neighbours,
        row_number() over (
            partition by identifier_key
            order by neighbours desc, neighbour_type, neighbour_namespace
        ) as busiest_rank
    from counted

),

person_level_degree as (

    select identifier_key, cast(sum(neighbours) as {{ dbt.type_bigint() }}) as person_level_neighbours
    from counted
    group by identifier_key

),

final as (

    select
        identifiers.identifier_key,
        identifiers.node_id,
        identifiers.id_type,
        identifiers.namespace,
        busiest.neighbour_type as busiest_neighbour_type,
        busiest.neighbour_namespace as busiest_neighbour_namespace,
        busiest.neighbours as busiest_neighbours,
        person_level_degree.person_level_neighbours,
        {{ cap }} as max_neighbours
    from busiest
    inner join {{ ref('int_identifiers') }} as identifiers
        on busiest.identifier_key = identifiers.identifier_key
    inner join person_level_degree
        on busiest.identifier_key = person_level_degree.identifier_key
    where busiest.busiest_rank = 1
        and busiest.neighbours > {{ cap }}

)

select * from final
