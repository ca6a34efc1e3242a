{#- What must be kept apart inside a piece, as groups of anchors:
    - one_per_person: a piece holding several identifiers of one type and
      namespace that a person has only one of (var
      identity_one_per_person_types: unionid, App user id, Tmall OUID per
      shop): each of them is an anchor;
    - cannot_link: the two sides of a cannot-link override that ended up in
      one piece.
    An anchor is a must-link unit: every node of the unit is seeded with it. -#}

with

nodes as (

    select
        graph_nodes.node_id,
        graph_nodes.identifier_key,
        graph_nodes.id_type,
        graph_nodes.namespace,
        graph_nodes.unit_id,
        pieces.piece_id
    from {{ ref('int_identity_graph_nodes') }} as graph_nodes
    inner join {{ ref('int_identity_pieces') }} as pieces on graph_nodes.node_id = pieces.node_id

),

limited_types as (

    select piece_id, id_type, namespace
    from nodes
    where id_type in {{ identity_sql_list(identity_setting('identity_one_per_person_types')) }}
    group by piece_id, id_type, namespace
    having count(distinct unit_id) > 1

),

one_per_person_anchors as (

    select
        {{ hash_bigint(dbt.concat(["'one_per_person|'", 'cast(nodes.piece_id as ' ~ dbt.type_string() ~ ')', "'|'", 'nodes.id_type', "'|'", 'nodes.namespace'])) }} as group_id,
        'one_per_person' as group_kind,
        nodes.id_type as group_id_type,
        nodes.namespace as group_namespace,
        nodes.piece_id,
        nodes.unit_id as anchor_id
    from nodes
    inner join limited_types
        on nodes.piece_id = limited_types.piece_id
        and nodes.id_type = limited_types.id_type
        and nodes.namespace = limited_types.namespace

),

cannot_links as (

    select
        overrides.identifier_key_a,
        overrides.identifier_key_b,
        node_a.piece_id,
        node_a.unit_id as unit_a,
        node_b.unit_id as unit_b
    from {{ ref('int_identity_overrides') }} as overrides
    inner join nodes as node_a on overrides.node_a = node_a.node_id
    inner join nodes as node_b on overrides.node_b = node_b.node_id
    where overrides.rule = 'cannot_link'
        and overrides.is_applicable
        and node_a.piece_id = node_b.piece_id
        and node_a.unit_id <> node_b.unit_id

),

cannot_link_anchors as (

    select
        {{ hash_bigint(dbt.concat(["'cannot_link|'", 'identifier_key_a', "'|'", 'identifier_key_b'])) }} as group_id,
        'cannot_link' as group_kind,
        cast(null as {{ dbt.type_string() }}) as group_id_type,
        cast(null as {{ dbt.type_string() }}) as group_namespace,
        piece_id,
        unit_a as anchor_id
    from cannot_links
    union all
    select
        {{ hash_bigint(dbt.concat(["'cannot_link|'", 'identifier_key_a', "'|'", 'identifier_key_b'])) }},
        'cannot_link',
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        piece_id,
        unit_b
    from cannot_links

),

anchors as (

    select * from one_per_person_anchors
    union
    select * from cannot_link_anchors

),

final as (

    select
        anchors.group_id,
        anchors.group_kind,
        anchors.group_id_type,
        anchors.group_namespace,
        anchors.piece_id,
        anchors.anchor_id,
        nodes.node_id
    from anchors
    inner join nodes
        on anchors.piece_id = nodes.piece_id
        and anchors.anchor_id = nodes.unit_id

)

select * from final
