{{ config(
    materialized='widest_path_labels',
    edges='int_identity_separation_links',
    max_rounds=identity_setting('identity_max_guardrail_rounds'),
) }}

-- depends_on: {{ ref('int_identity_separation_links') }}

{#- Every identifier of a contested piece labelled, per group, with the
    anchor it is most strongly tied to (widest path). Links between
    differently labelled identifiers are cut. -#}

select group_id, anchor_id, node_id
from {{ ref('int_identity_separation_seeds') }}
