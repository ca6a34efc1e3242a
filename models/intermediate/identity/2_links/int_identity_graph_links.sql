{#- The links of the guarded identity graph: data links between non-hub
    identifiers (a must-linked hub keeps only its must-links), and must-link
    overrides. Every link gets its strength, the
    order in which guardrails give links up: fewest records first, then the
    oldest (last asserted earliest: a profile asserts its links until today,
    an order or event when it happened), then last seen; must-links are the
    strongest and are never given up.
    strength: a distinct rank (1 = weakest), for separating anchors.
    drop_level: a coarser rank of (records, day last asserted) for the size cap,
    so that links tied on both are dropped together; null for must-links. -#}

with

data_links as (

    select
        links.node_a,
        links.node_b,
        links.identifier_key_a,
        links.identifier_key_b,
        links.record_count,
        links.first_seen_at,
        links.last_seen_at,
        links.last_asserted_at,
        links.sources,
        false as is_must_link
    from {{ ref('int_identity_links') }} as links
    left join {{ ref('int_identity_hubs') }} as hub_a on links.node_a = hub_a.node_id
    left join {{ ref('int_identity_hubs') }} as hub_b on links.node_b = hub_b.node_id
    where hub_a.node_id is null and hub_b.node_id is null

),

must_links as (

    select
        node_a,
        node_b,
        identifier_key_a,
        identifier_key_b,
        cast(0 as {{ dbt.type_bigint() }}) as record_count,
        cast(null as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_seen_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_asserted_at,
        'identity_overrides' as sources,
        true as is_must_link
    from {{ ref('int_identity_overrides') }}
    where rule = 'must_link'
        and is_applicable
        and node_a <> node_b

),

-- A must-link may repeat a data link or another must-link: one link per pair.
candidates as (

    select
        case when node_a < node_b then node_a else node_b end as node_a,
        case when node_a < node_b then node_b else node_a end as node_b,
        case when node_a < node_b then identifier_key_a else identifier_key_b end as identifier_key_a,
        case when node_a < node_b then identifier_key_b else identifier_key_a end as identifier_key_b,
        record_count,
        first_seen_at,
        last_seen_at,
        last_asserted_at,
        sources,
        is_must_link
    from data_links
    union all
    select
        case when node_a < node_b then node_a else node_b end,
        case when node_a < node_b then node_b else node_a end,
        case when node_a < node_b then identifier_key_a else identifier_key_b end,
        case when node_a < node_b then identifier_key_b else identifier_key_a end,
        record_count,
        first_seen_at,
        last_seen_at,
        last_asserted_at,
        sources,
        is_must_link
    from must_links

),

merged as (

    select
        node_a,
        node_b,
        min(identifier_key_a) as identifier_key_a,
        min(identifier_key_b) as identifier_key_b,
        max(record_count) as record_count,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        max(last_asserted_at) as last_asserted_at,
        {{ ordered_list('sources', "','", 'sources') }} as sources,
        max(case when is_must_link then 1 else 0 end) = 1 as is_must_link
    from candidates
    group by node_a, node_b

),

final as (

    select
        node_a,
        node_b,
        identifier_key_a,
        identifier_key_b,
        record_count,
        first_seen_at,
        last_seen_at,
        last_asserted_at,
        sources,
        is_must_link,
        -- Ranks are 4-byte on Spark, 8-byte on DuckDB: bigint on both (the contract).
        cast(row_number() over (
            order by
                case when is_must_link then 1 else 0 end,
                record_count,
                last_asserted_at,
                last_seen_at,
                first_seen_at,
                identifier_key_a,
                identifier_key_b
        ) as {{ dbt.type_bigint() }}) as strength,
        case when not is_must_link then
            cast(dense_rank() over (
                order by
                    case when is_must_link then 1 else 0 end,
                    record_count,
                    cast(last_asserted_at as date)
            ) as {{ dbt.type_bigint() }})
        end as drop_level
    from merged

)

select * from final
