{#- Everything the identity graph refused or cut, with its reason:
    rejected_value      delivered values that are not identifiers, counted per
                        source, type and reason (masked examples);
    hub                 identifiers cut out of the graph for linking too many people;
    cut_link            links cut by a guardrail (max_size, one_per_person,
                        cannot_link), with both ends and the OneIDs they ended in;
    override_not_applied overrides naming an identifier that does not exist.
    Identifiers appear only masked and as keyed hashes. -#}

with

identifiers as (

    select * from {{ ref('int_identifiers') }}

),

oneids as (

    select identifier_hash, oneid from {{ ref('map_identifier_oneid') }}

),

rejected_values as (

    select
        'rejected_value' as quarantine_kind,
        rejection as reason,
        source_name,
        id_type,
        cast(null as {{ dbt.type_string() }}) as namespace,
        cast(null as {{ dbt.type_string() }}) as identifier_hash,
        cast(null as {{ dbt.type_string() }}) as identifier_masked,
        cast(null as {{ dbt.type_string() }}) as other_id_type,
        cast(null as {{ dbt.type_string() }}) as other_namespace,
        cast(null as {{ dbt.type_string() }}) as other_identifier_hash,
        cast(null as {{ dbt.type_string() }}) as other_identifier_masked,
        record_count,
        value_count,
        first_seen_at,
        last_seen_at,
        examples,
        cast(null as {{ dbt.type_string() }}) as detail
    from {{ ref('int_identifier_rejections') }}

),

hubs as (

    select
        'hub' as quarantine_kind,
        'hub' as reason,
        identifiers.sources as source_name,
        hubs.id_type,
        hubs.namespace,
        identifiers.identifier_hash,
        {{ mask_identifier('hubs.id_type', 'identifiers.value') }} as identifier_masked,
        hubs.busiest_neighbour_type as other_id_type,
        hubs.busiest_neighbour_namespace as other_namespace,
        cast(null as {{ dbt.type_string() }}) as other_identifier_hash,
        cast(null as {{ dbt.type_string() }}) as other_identifier_masked,
        identifiers.record_count,
        cast(1 as {{ dbt.type_bigint() }}) as value_count,
        identifiers.first_seen_at,
        identifiers.last_seen_at,
        cast(null as {{ dbt.type_string() }}) as examples,
        {{ dbt.concat([
            "'linked to '", 'cast(hubs.busiest_neighbours as ' ~ dbt.type_string() ~ ')',
            "' identifiers of type '", 'hubs.busiest_neighbour_type', "' in namespace '", 'hubs.busiest_neighbour_namespace',
            "' (at most '", 'cast(hubs.max_neighbours as ' ~ dbt.type_string() ~ ')',
            "'), '", 'cast(hubs.person_level_neighbours as ' ~ dbt.type_string() ~ ')', "' person-level identifiers in all'"
        ]) }} as detail
    from {{ ref('int_identity_hubs') }} as hubs
    inner join identifiers on hubs.identifier_key = identifiers.identifier_key

),

cut_links as (

    select
        'cut_link' as quarantine_kind,
        cuts.cut_reason as reason,
        cuts.sources as source_name,
        identifier_a.id_type,
        identifier_a.namespace,
        identifier_a.identifier_hash,
        {{ mask_identifier('identifier_a.id_type', 'identifier_a.value') }} as identifier_masked,
        identifier_b.id_type as other_id_type,
        identifier_b.namespace as other_namespace,
        identifier_b.identifier_hash as other_identifier_hash,
        {{ mask_identifier('identifier_b.id_type', 'identifier_b.value') }} as other_identifier_masked,
        cuts.record_count,
        cast(null as {{ dbt.type_bigint() }}) as value_count,
        cuts.first_seen_at,
        cuts.last_seen_at,
        cast(null as {{ dbt.type_string() }}) as examples,
        case cuts.cut_reason
            when 'max_size' then 'a weakest link of a component above the size cap'
            when 'cannot_link' then 'a weakest link between the two sides of a cannot-link override'
            else {{ dbt.concat(["'a weakest link between two '", 'cuts.cut_id_type', "' identifiers of namespace '", 'cuts.cut_namespace', "' (one per person)'"]) }}
        end as detail
    from {{ ref('int_identity_link_cuts') }} as cuts
    inner join identifiers as identifier_a on cuts.identifier_key_a = identifier_a.identifier_key
    inner join identifiers as identifier_b on cuts.identifier_key_b = identifier_b.identifier_key

),

ignored_overrides as (

    select
        'override_not_applied' as quarantine_kind,
        'unknown_identifier' as reason,
        'identity_overrides' as source_name,
        cast(null as {{ dbt.type_string() }}) as id_type,
        cast(null as {{ dbt.type_string() }}) as namespace,
        {{ keyed_hash('identifier_key_a') }} as identifier_hash,
        {{ mask_rejected_value('identifier_key_a') }} as identifier_masked,
        cast(null as {{ dbt.type_string() }}) as other_id_type,
        cast(null as {{ dbt.type_string() }}) as other_namespace,
        {{ keyed_hash('identifier_key_b') }} as other_identifier_hash,
        {{ mask_rejected_value('identifier_key_b') }} as other_identifier_masked,
        cast(null as {{ dbt.type_bigint() }}) as record_count,
        cast(null as {{ dbt.type_bigint() }}) as value_count,
        cast(null as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_seen_at,
        cast(null as {{ dbt.type_string() }}) as examples,
        {{ dbt.concat(["'a '", 'rule', "' override naming an identifier that is not (or no longer) in the graph'"]) }} as detail
    from {{ ref('int_identity_overrides') }}
    where not is_applicable

),

unioned as (

    select * from rejected_values
    union all
    select * from hubs
    union all
    select * from cut_links
    union all
    select * from ignored_overrides

),

final as (

    select
        unioned.quarantine_kind,
        unioned.reason,
        unioned.source_name,
        unioned.id_type,
        unioned.namespace,
        unioned.identifier_hash,
        unioned.identifier_masked,
        oneid_a.oneid,
        unioned.other_id_type,
        unioned.other_namespace,
        unioned.other_identifier_hash,
        unioned.other_identifier_masked,
        oneid_b.oneid as other_oneid,
        unioned.record_count,
        unioned.value_count,
        unioned.first_seen_at,
        unioned.last_seen_at,
        unioned.examples,
        unioned.detail
    from unioned
    left join oneids as oneid_a on unioned.identifier_hash = oneid_a.identifier_hash
    left join oneids as oneid_b on unioned.other_identifier_hash = oneid_b.identifier_hash

)

select * from final
