{#- Every campaign touch with the OneID it reached. A touch names one
    identifier as delivered (phone, email, openid, device, member_id,
    user_id) without its namespace (no appid, no brand), so it is matched on
    the identifier's type and canonical value; a value that several OneIDs
    hold in different namespaces is ambiguous and reaches nobody rather
    than the wrong person. -#}

with

touches as (

    select * from {{ ref('stg_campaigns__touches') }}

),

identifier_oneids as (

    select * from {{ ref('int_identifier_oneids') }}

),

-- The identifier types of the graph under the names touches deliver them by.
matchable_identifiers as (

    select
        case
            when id_type = 'wechat_openid' then 'openid'
            when id_type = 'crm_member_id' then 'member_id'
            when id_type = 'app_user_id' then 'user_id'
            when id_type in ('oaid', 'idfa', 'imei') then 'device'
            else id_type
        end as touch_id_type,
        -- device ids compare case-insensitively (staging lower-cases delivered ones)
        case when id_type in ('oaid', 'idfa', 'imei') then lower(value) else value end as match_value,
        oneid
    from identifier_oneids
    where id_type in ('phone', 'email', 'wechat_openid', 'crm_member_id', 'app_user_id', 'oaid', 'idfa', 'imei')

),

candidates as (

    select
        touches.touch_id,
        count(distinct matchable_identifiers.oneid) as candidate_oneids,
        min(matchable_identifiers.oneid) as oneid
    from touches
    inner join matchable_identifiers
        on touches.id_type = matchable_identifiers.touch_id_type
        and touches.id_value_normalized = matchable_identifiers.match_value
    group by touches.touch_id

),

final as (

    select
        touches.touch_id,
        touches.campaign_id,
        touches.channel,
        touches.id_type,
        case when candidates.candidate_oneids = 1 then candidates.oneid end as oneid,
        coalesce(candidates.candidate_oneids, 0) > 1 as is_ambiguous,
        touches.sent_at,
        {{ cst_date('touches.sent_at') }} as sent_on,
        coalesce(touches.is_delivered, false) as is_delivered,
        touches.opened_at,
        touches.clicked_at,
        touches._load_date
    from touches
    left join candidates on touches.touch_id = candidates.touch_id

)

select * from final
