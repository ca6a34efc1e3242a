{#- The campaign assignments (treatment or holdout) of earlier nights, under
    tonight's OneIDs: the state the previous published night left
    (stg_state__campaign_assignments), each assignment moved to the OneID
    its anchor belongs to now (the keyed hash of the smallest identifier of
    its OneID then, as the AIPL history does). Where a merge brings two
    assignments of one campaign onto one OneID, the earlier holds (ties:
    treatment first, as that person may have been reached). An assignment
    whose anchor left the graph keeps its OneID.

    campaign_eligibility keeps an assigned person in their group (a holdout
    stays out even when a merge gives them a OneID that would draw
    otherwise); campaign_assignments adds tonight's new ones. -#}

with

earlier as (

    select * from {{ ref('stg_state__campaign_assignments') }}

),

identifier_oneids as (

    select identifier_hash, oneid from {{ ref('int_identifier_oneids') }}

),

restated as (

    select
        earlier.campaign_id,
        coalesce(identifier_oneids.oneid, earlier.oneid) as oneid,
        earlier.assignment_group,
        earlier.assigned_on,
        earlier.anchor_identifier_hash
    from earlier
    left join identifier_oneids
        on earlier.anchor_identifier_hash = identifier_oneids.identifier_hash

),

ranked as (

    select
        restated.*,
        row_number() over (
            partition by campaign_id, oneid
            order by assigned_on, case when assignment_group = 'treatment' then 0 else 1 end
        ) as assignment_rank
    from restated

),

final as (

    select campaign_id, oneid, assignment_group, assigned_on, anchor_identifier_hash
    from ranked
    where assignment_rank = 1

)

select * from final
