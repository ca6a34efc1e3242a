{#- Data tests of the identity graph's promises. Each returns the rows that break one. -#}

{#- A cannot-link pair that must-links tie together (directly or through
    other must-links), or an identifier that cannot be linked to itself:
    overrides that no graph can honour. -#}
{% test identity_overrides_are_consistent(model) %}
select overrides.rule, overrides.identifier_key_a, overrides.identifier_key_b
from {{ model }} as overrides
left join {{ ref('int_identity_must_link_units') }} as unit_a on overrides.node_a = unit_a.node_id
left join {{ ref('int_identity_must_link_units') }} as unit_b on overrides.node_b = unit_b.node_id
where overrides.rule = 'cannot_link'
    and overrides.is_applicable
    and (overrides.node_a = overrides.node_b or unit_a.component_id = unit_b.component_id)
{% endtest %}


{#- Every identifier of the graph maps to exactly one OneID, and every
    identifier is either mapped or a hub. `model` exposes identifier_hash and
    oneid. -#}
{% test identity_maps_every_identifier_once(model) %}
with

identifiers as (

    select identifiers.identifier_hash, nodes.node_id as graph_node, hubs.node_id as hub_node
    from {{ ref('int_identifiers') }} as identifiers
    left join {{ ref('int_identity_graph_nodes') }} as nodes on identifiers.node_id = nodes.node_id
    left join {{ ref('int_identity_hubs') }} as hubs on identifiers.node_id = hubs.node_id

),

expected as (

    select identifier_hash from identifiers where graph_node is not null

),

mapped as (

    select identifier_hash, count(*) as mappings, count(distinct oneid) as oneids
    from {{ model }}
    group by identifier_hash

)

select coalesce(expected.identifier_hash, mapped.identifier_hash) as identifier_hash, 'not mapped exactly once' as problem
from expected
full outer join mapped on expected.identifier_hash = mapped.identifier_hash
where expected.identifier_hash is null
    or mapped.identifier_hash is null
    or mapped.mappings <> 1
    or mapped.oneids <> 1

union all

select identifier_hash, 'neither in the graph nor a hub'
from identifiers
where graph_node is null and hub_node is null
{% endtest %}


{#- No OneID holds more identifiers than var identity_max_oneid_size. -#}
{% test identity_oneid_size_within_cap(model, column_name) %}
select {{ column_name }}, count(*) as identifiers
from {{ model }}
group by {{ column_name }}
having count(*) > {{ identity_setting('identity_max_oneid_size') }}
{% endtest %}


{#- No component holds two identifiers of one type and namespace that a
    person has only one of (var identity_one_per_person_types), unless
    must-links put them there. `model` is int_identity_components (a OneID is
    a component). -#}
{% test identity_one_per_person_holds(model) %}
select components.component_id, components.id_type, components.namespace, count(distinct nodes.unit_id) as units
from {{ model }} as components
inner join {{ ref('int_identity_graph_nodes') }} as nodes on components.node_id = nodes.node_id
where components.id_type in {{ identity_sql_list(identity_setting('identity_one_per_person_types')) }}
group by components.component_id, components.id_type, components.namespace
having count(distinct nodes.unit_id) > 1
{% endtest %}


{#- Cannot-link pairs never share a OneID; must-link pairs always do. -#}
{% test identity_overrides_hold(model) %}
with

overrides as (

    select overrides.rule, identifier_a.identifier_hash as identifier_hash_a, identifier_b.identifier_hash as identifier_hash_b
    from {{ ref('int_identity_overrides') }} as overrides
    inner join {{ ref('int_identifiers') }} as identifier_a on overrides.node_a = identifier_a.node_id
    inner join {{ ref('int_identifiers') }} as identifier_b on overrides.node_b = identifier_b.node_id
    where overrides.is_applicable

)

select overrides.rule, overrides.identifier_hash_a, overrides.identifier_hash_b
from overrides
inner join {{ model }} as side_a on overrides.identifier_hash_a = side_a.identifier_hash
inner join {{ model }} as side_b on overrides.identifier_hash_b = side_b.identifier_hash
where (overrides.rule = 'cannot_link' and side_a.oneid = side_b.oneid)
    or (overrides.rule = 'must_link' and side_a.oneid <> side_b.oneid)
{% endtest %}


{#- A OneID names one component: never two people tonight. `model` is
    int_oneid_assignments. -#}
{% test identity_oneid_is_one_component(model) %}
select oneid, count(distinct component_id) as components
from {{ model }}
group by oneid
having count(distinct component_id) > 1
{% endtest %}


{#- A new OneID was never used before: not last night, not by any OneID the
    change log ever named. `model` is int_oneid_assignments. -#}
{% test identity_new_oneids_are_new(model) %}
select distinct assignments.oneid
from {{ model }} as assignments
where not assignments.is_inherited
    and (
        assignments.oneid in (select oneid from {{ ref('stg_state__oneid_assignments') }})
        or assignments.oneid in (
            select old_oneid from {{ ref('stg_state__oneid_changes') }} where old_oneid is not null
            union all
            select new_oneid from {{ ref('stg_state__oneid_changes') }} where new_oneid is not null
        )
    )
{% endtest %}
