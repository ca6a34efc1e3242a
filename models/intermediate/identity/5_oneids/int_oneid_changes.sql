{#- The OneID change log: last night's log plus tonight's changes, one row
    per (old OneID, new OneID) pair of a change.
    created  a new OneID made of identifiers that held no OneID before;
    merged   identifiers of an old OneID now sit in a component that kept
             another, older OneID (all of them: the old one is gone; some:
             part of it moved over, e.g. a family device now used most by
             its other user);
    split    identifiers of an old OneID left the part that kept it (or
             merged away) for a component with a new OneID;
    retired  none of an old OneID's identifiers is in the graph any more.
    The cause says why: `new_identifiers`, `must_link` (an override joins
    them), `max_size`, `one_per_person`, `cannot_link` (a guardrail cut a
    link between the identifiers that moved and the rest of their old
    OneID), `new_links` (records link them to the survivor), `hub` (one of
    its identifiers became a hub and its links were cut), `links_gone`
    (none of these: its links left the graph, e.g. a newly blocklisted
    value), `identifiers_gone` (retired). -#}

with

assignments as (

    select * from {{ ref('int_oneid_assignments') }}

),

last_night as (

    select * from {{ ref('stg_state__oneid_assignments') }}

),

earlier_changes as (

    select * from {{ ref('stg_state__oneid_changes') }}

),

link_cuts as (

    select * from {{ ref('int_identity_link_cuts') }}

),

hubs as (

    select hubs.identifier_key, identifiers.identifier_hash
    from {{ ref('int_identity_hubs') }} as hubs
    inner join {{ ref('int_identifiers') }} as identifiers on hubs.identifier_key = identifiers.identifier_key

),

must_links as (

    select identifier_key_a, identifier_key_b
    from {{ ref('int_identity_overrides') }}
    where rule = 'must_link' and is_applicable

),

moved as (

    select
        previous_oneid as old_oneid,
        oneid as new_oneid,
        max(case when is_inherited then 1 else 0 end) = 1 as is_into_existing_oneid,
        count(*) as identifiers_moved

    from assignments
    where previous_oneid is not null and oneid <> previous_oneid
    group by previous_oneid, oneid

),

link_cut_ends as (

    select identifier_key_a as moved_key, identifier_key_b as other_key, cut_reason from link_cuts
    union all
    select identifier_key_b as moved_key, identifier_key_a as other_key, cut_reason from link_cuts

),

{#- A guardrail cut a link between identifiers that moved and the rest of
    their old OneID. -#}
cut_between_parts as (

    select
        moved_end.previous_oneid as old_oneid,
        moved_end.oneid as new_oneid,
        min(link_cut_ends.cut_reason) as cut_reason

    from link_cut_ends
    inner join assignments as moved_end on link_cut_ends.moved_key = moved_end.identifier_key
    inner join assignments as other_end on link_cut_ends.other_key = other_end.identifier_key
    where moved_end.previous_oneid = other_end.previous_oneid
        and moved_end.oneid <> moved_end.previous_oneid
        and other_end.oneid <> moved_end.oneid
    group by moved_end.previous_oneid, moved_end.oneid

),

oneids_with_new_hubs as (

    select distinct last_night.oneid
    from last_night
    inner join hubs on last_night.identifier_hash = hubs.identifier_hash

),

must_link_ends as (

    select identifier_key_a as moved_key, identifier_key_b as other_key from must_links
    union all
    select identifier_key_b as moved_key, identifier_key_a as other_key from must_links

),

{#- A must-link joins identifiers that moved to one from elsewhere. -#}
must_linked as (

    select distinct
        moved_end.previous_oneid as old_oneid,
        moved_end.oneid as new_oneid

    from must_link_ends
    inner join assignments as moved_end on must_link_ends.moved_key = moved_end.identifier_key
    inner join assignments as other_end on must_link_ends.other_key = other_end.identifier_key
    where moved_end.oneid = other_end.oneid
        and moved_end.previous_oneid <> coalesce(other_end.previous_oneid, '')

),

moved_classified as (

    select
        moved.old_oneid,
        moved.new_oneid,
        case when moved.is_into_existing_oneid then 'merged' else 'split' end as change_kind,
        case
            when moved.is_into_existing_oneid and must_linked.old_oneid is not null then 'must_link'
            when cut_between_parts.cut_reason is not null then cut_between_parts.cut_reason
            when moved.is_into_existing_oneid then 'new_links'
            when oneids_with_new_hubs.oneid is not null then 'hub'
            else 'links_gone'
        end as cause,
        moved.identifiers_moved

    from moved
    left join must_linked
        on moved.old_oneid = must_linked.old_oneid and moved.new_oneid = must_linked.new_oneid
    left join cut_between_parts
        on moved.old_oneid = cut_between_parts.old_oneid and moved.new_oneid = cut_between_parts.new_oneid
    left join oneids_with_new_hubs on moved.old_oneid = oneids_with_new_hubs.oneid

),

created as (

    select
        cast(null as {{ dbt.type_string() }}) as old_oneid,
        oneid as new_oneid,
        'created' as change_kind,
        'new_identifiers' as cause,
        count(*) as identifiers_moved

    from assignments
    where not is_inherited
    group by oneid
    having max(case when previous_oneid is null then 0 else 1 end) = 0

),

old_oneids as (

    select
        last_night.oneid,
        count(*) as identifiers_before,
        count(assignments.identifier_hash) as identifiers_remaining

    from last_night
    left join assignments on last_night.identifier_hash = assignments.identifier_hash
    group by last_night.oneid

),

retired as (

    select
        oneid as old_oneid,
        cast(null as {{ dbt.type_string() }}) as new_oneid,
        'retired' as change_kind,
        'identifiers_gone' as cause,
        identifiers_before as identifiers_moved

    from old_oneids
    where identifiers_remaining = 0

),

tonight as (

    select * from moved_classified
    union all
    select * from created
    union all
    select * from retired

),

final as (

    select
        oneid_change_id,
        changed_on,
        old_oneid,
        new_oneid,
        change_kind,
        cause,
        identifiers_moved,
        {{ business_date() }} as business_date

    from earlier_changes

    union all

    select
        {{ generate_surrogate_key(['old_oneid', 'new_oneid', 'change_kind', business_date()]) }} as oneid_change_id,
        {{ business_date() }} as changed_on,
        old_oneid,
        new_oneid,
        change_kind,
        cause,
        identifiers_moved,
        {{ business_date() }} as business_date

    from tonight

)

select * from final
