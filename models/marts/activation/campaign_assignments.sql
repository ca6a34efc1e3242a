{#- Who each campaign has ever been decided for, and in which group: one row
    per campaign x OneID, from the first night the person was eligible
    (`treatment`) or held out (`holdout`, campaign_eligibility). The group
    and the date never change afterwards: lift compares the two groups from
    the day each person was assigned (campaign_performance).

    A night-to-night state table (pipeline/state.py): the earlier nights'
    assignments under tonight's OneIDs (int_activation__earlier_assignments)
    and tonight's new ones, each anchored by the keyed hash of the smallest
    identifier of its OneID tonight. -#}

with

earlier as (

    select * from {{ ref('int_activation__earlier_assignments') }}

),

eligibility as (

    select * from {{ ref('campaign_eligibility') }}

),

tonights_anchors as (

    select oneid, min(identifier_hash) as anchor_identifier_hash
    from {{ ref('int_identifier_oneids') }}
    group by oneid

),

carried as (

    select
        earlier.campaign_id,
        earlier.oneid,
        earlier.assignment_group,
        earlier.assigned_on,
        coalesce(tonights_anchors.anchor_identifier_hash, earlier.anchor_identifier_hash) as anchor_identifier_hash
    from earlier
    left join tonights_anchors on earlier.oneid = tonights_anchors.oneid

),

new_assignments as (

    select
        eligibility.campaign_id,
        eligibility.oneid,
        case when eligibility.is_holdout then 'holdout' else 'treatment' end as assignment_group,
        eligibility.business_date as assigned_on,
        tonights_anchors.anchor_identifier_hash
    from eligibility
    left join tonights_anchors on eligibility.oneid = tonights_anchors.oneid
    left join earlier
        on eligibility.campaign_id = earlier.campaign_id
        and eligibility.oneid = earlier.oneid
    where (eligibility.is_eligible or eligibility.is_holdout)
        and earlier.oneid is null

),

final as (

    select
        campaign_id, oneid, assignment_group, cast(assigned_on as date) as assigned_on, anchor_identifier_hash,
        {{ business_date() }} as business_date
    from carried

    union all

    select
        campaign_id, oneid, assignment_group, cast(assigned_on as date) as assigned_on, anchor_identifier_hash,
        {{ business_date() }} as business_date
    from new_assignments

)

select * from final
