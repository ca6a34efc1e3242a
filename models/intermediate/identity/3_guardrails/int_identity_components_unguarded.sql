{{ config(materialized='connected_components') }}

{#- Connected components of the graph without hubs, before the size cap and
    the separation of anchors: where guardrails look for trouble. -#}

select node_a, node_b from {{ ref('int_identity_graph_links') }}
union all
select node_id as node_a, cast(null as {{ dbt.type_bigint() }}) as node_b from {{ ref('int_identity_graph_nodes') }}
