{{ config(materialized='connected_components') }}

{#- Must-link units: identifiers that overrides tie together, directly or
    through other must-links. A unit is one anchor when guardrails separate
    anchors, so no guardrail can pull it apart. -#}

select node_a, node_b
from {{ ref('int_identity_overrides') }}
where rule = 'must_link'
    and is_applicable
