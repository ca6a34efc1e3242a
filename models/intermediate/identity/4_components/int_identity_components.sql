{#- Every identifier in the guarded graph with its component: the closure
    after all guardrails and overrides. component_id is the smallest node id
    of the component; it changes when the component changes, so OneIDs are
    assigned on top of it (map_identifier_oneid), not taken from it. -#}

with

closure as (

    select node_id, component_id from {{ ref('int_identity_closure') }}

),

sizes as (

    select component_id, count(*) as component_size
    from closure
    group by component_id

)

select
    nodes.identifier_key,
    nodes.node_id,
    nodes.id_type,
    nodes.namespace,
    closure.component_id,
    sizes.component_size
from {{ ref('int_identity_graph_nodes') }} as nodes
inner join closure on nodes.node_id = closure.node_id
inner join sizes on closure.component_id = sizes.component_id
