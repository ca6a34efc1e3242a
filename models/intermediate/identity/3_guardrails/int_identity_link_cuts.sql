{#- The links the guardrails cut, and why:
    max_size        the link lost to the size cap (its ends are in different pieces);
    cannot_link     it was the weakest link between the sides of a cannot-link override;
    one_per_person  it was the weakest link between two identifiers a person has only
                    one of (cut_id_type / cut_namespace say which).
    Must-links are never cut. Links of hubs are reported with the hub
    (int_identity_hubs), not here. -#}

with

links as (

    select * from {{ ref('int_identity_graph_links') }}
    where not is_must_link

),

pieces as (

    select node_id, piece_id from {{ ref('int_identity_pieces') }}

),

labels as (

    select
        labels.group_id,
        labels.node_id,
        labels.anchor_id,
        groups.group_kind,
        groups.group_id_type,
        groups.group_namespace
    from {{ ref('int_identity_separation_labels') }} as labels
    inner join (
        select distinct group_id, group_kind, group_id_type, group_namespace
        from {{ ref('int_identity_separation_seeds') }}
    ) as groups on labels.group_id = groups.group_id

),

size_cuts as (

    select
        links.node_a,
        links.node_b,
        'max_size' as cut_reason,
        cast(null as {{ dbt.type_string() }}) as cut_id_type,
        cast(null as {{ dbt.type_string() }}) as cut_namespace
    from links
    inner join pieces as piece_a on links.node_a = piece_a.node_id
    inner join pieces as piece_b on links.node_b = piece_b.node_id
    where piece_a.piece_id <> piece_b.piece_id

),

separated as (

    select
        links.node_a,
        links.node_b,
        label_a.group_kind as cut_reason,
        label_a.group_id_type as cut_id_type,
        label_a.group_namespace as cut_namespace,
        row_number() over (
            partition by links.node_a, links.node_b
            order by
                case label_a.group_kind when 'cannot_link' then 0 else 1 end,
                label_a.group_id_type,
                label_a.group_namespace
        ) as reason_rank
    from links
    inner join labels as label_a on links.node_a = label_a.node_id
    inner join labels as label_b
        on links.node_b = label_b.node_id
        and label_a.group_id = label_b.group_id
    where label_a.anchor_id <> label_b.anchor_id

),

cuts as (

    select node_a, node_b, cut_reason, cut_id_type, cut_namespace from size_cuts
    union all
    select node_a, node_b, cut_reason, cut_id_type, cut_namespace from separated
    where reason_rank = 1

),

final as (

    select
        links.node_a,
        links.node_b,
        links.identifier_key_a,
        links.identifier_key_b,
        links.record_count,
        links.first_seen_at,
        links.last_seen_at,
        links.sources,
        links.strength,
        cuts.cut_reason,
        cuts.cut_id_type,
        cuts.cut_namespace
    from cuts
    inner join links
        on cuts.node_a = links.node_a
        and cuts.node_b = links.node_b

)

select * from final
