{#- The OneID change log, every night since the first: which OneIDs were
    created, merged, split or retired, when and why (int_oneid_changes, kept
    from night to night in the state snapshots). -#}

with

changes as (

    select * from {{ ref('int_oneid_changes') }}

),

final as (

    select
        oneid_change_id,
        changed_on,
        old_oneid,
        new_oneid,
        change_kind,
        cause,
        identifiers_moved
    from changes

)

select * from final
