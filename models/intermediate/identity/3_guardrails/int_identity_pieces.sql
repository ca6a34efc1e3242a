{#- Every graph node's component after the size cap: its piece when its
    component was above the cap, else its component. -#}

select
    components.node_id,
    coalesce(pieces.component_id, components.component_id) as piece_id
from {{ ref('int_identity_components_unguarded') }} as components
left join {{ ref('int_identity_size_pieces') }} as pieces
    on components.node_id = pieces.node_id
