{{ config(enabled=false) }}  {#- drafted for issue 4 item 6; enabled once map_identifier_oneid reads it -#}
{#- The OneID change log: last night's log plus tonight's changes.
    merged   all of an old OneID's identifiers now sit in a component that kept an older OneID;
    split    part of an old OneID's identifiers left for another component;
    created  a component with no identifier that held a OneID before;
    retired  an old OneID none of whose identifiers is in the graph any more. -#}
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

moved as (

    select
        last_night.oneid as old_oneid,
        assignments.oneid as new_oneid,
        count(*) as identifiers_moved

    from assignments
    inner join last_night on assignments.identifier_hash = last_night.identifier_hash
    where assignments.oneid <> last_night.oneid
    group by last_night.oneid, assignments.oneid

),

old_oneid_sizes as (

    select last_night.oneid, count(*) as identifiers_before,
        sum(case when assignments.oneid = last_night.oneid then 1 else 0 end) as identifiers_kept,
        sum(case when assignments.identifier_hash is null then 1 else 0 end) as identifiers_gone
    from last_night
    left join assignments on last_night.identifier_hash = assignments.identifier_hash
    group by last_night.oneid

),

moved_classified as (

    select
        moved.old_oneid,
        moved.new_oneid,
        case when old_oneid_sizes.identifiers_kept = 0 then 'merged' else 'split' end as change_kind,
        case
            when old_oneid_sizes.identifiers_kept = 0 then 'linked to an older OneID, which survives the merge'
            else 'the link to the rest of the OneID was cut or removed'
        end as cause,
        moved.identifiers_moved

    from moved
    inner join old_oneid_sizes on moved.old_oneid = old_oneid_sizes.oneid

),

created as (

    select
        cast(null as {{ dbt.type_string() }}) as old_oneid,
        oneid as new_oneid,
        'created' as change_kind,
        'new identifiers' as cause,
        count(*) as identifiers_moved

    from assignments
    where not is_inherited
      and oneid not in (select new_oneid from moved)
    group by oneid

),

retired as (

    select
        oneid as old_oneid,
        cast(null as {{ dbt.type_string() }}) as new_oneid,
        'retired' as change_kind,
        'none of its identifiers is in the graph any more' as cause,
        identifiers_gone as identifiers_moved

    from old_oneid_sizes
    where identifiers_gone = identifiers_before

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
