{{ config(materialized='connected_components') }}

{#- The closure after every guardrail and override: connected components of
    the graph without hubs and without the cut links. component_id is the
    smallest node id of the component; OneIDs are assigned on top of it. -#}

select links.node_a, links.node_b
from {{ ref('int_identity_graph_links') }} as links
left join {{ ref('int_identity_link_cuts') }} as cuts
    on links.node_a = cuts.node_a
    and links.node_b = cuts.node_b
where cuts.node_a is null

union all

select node_id as node_a, cast(null as {{ dbt.type_bigint() }}) as node_b
from {{ ref('int_identity_graph_nodes') }}
