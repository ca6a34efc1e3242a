{#- The nodes of the guarded identity graph: every identifier except hubs;
    a hub comes back only through a must-link override. unit_id is the
    identifier's must-link unit (itself when it has none). -#}

with

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

hubs as (

    select node_id from {{ ref('int_identity_hubs') }}

),

units as (

    select node_id, component_id as unit_id from {{ ref('int_identity_must_link_units') }}

),

final as (

    select
        identifiers.node_id,
        identifiers.identifier_key,
        identifiers.id_type,
        identifiers.namespace,
        coalesce(units.unit_id, identifiers.node_id) as unit_id
    from identifiers
    left join units on identifiers.node_id = units.node_id
    left join hubs on identifiers.node_id = hubs.node_id
    where hubs.node_id is null or units.node_id is not null

)

select * from final
