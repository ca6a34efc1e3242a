{#- The links inside pieces that hold anchors to separate: the paths along
    which anchors compete for identifiers. -#}

with

pieces as (

    select node_id, piece_id from {{ ref('int_identity_pieces') }}

),

contested as (

    select distinct piece_id from {{ ref('int_identity_separation_seeds') }}

)

select
    links.node_a,
    links.node_b,
    links.strength
from {{ ref('int_identity_graph_links') }} as links
inner join pieces as piece_a on links.node_a = piece_a.node_id
inner join pieces as piece_b on links.node_b = piece_b.node_id
inner join contested on piece_a.piece_id = contested.piece_id
where piece_a.piece_id = piece_b.piece_id
