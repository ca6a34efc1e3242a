{{ config(
    materialized='size_capped_components',
    max_size=identity_setting('identity_max_oneid_size'),
    max_rounds=identity_setting('identity_max_guardrail_rounds'),
) }}

{#- The size cap (var identity_max_oneid_size, default 50 identifiers): a
    component above it loses its weakest links (fewest records, oldest) until
    every piece fits. Only components above the cap are processed; the result
    maps their identifiers to their pieces. -#}

with

components as (

    select node_id, component_id from {{ ref('int_identity_components_unguarded') }}

),

oversized as (

    select component_id
    from components
    group by component_id
    having count(*) > {{ identity_setting('identity_max_oneid_size') }}

)

select links.node_a, links.node_b, links.drop_level
from {{ ref('int_identity_graph_links') }} as links
inner join components on links.node_a = components.node_id
inner join oversized on components.component_id = oversized.component_id
