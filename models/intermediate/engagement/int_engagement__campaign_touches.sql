{#- Every campaign touch with the OneID it reached. A touch names one
    identifier as delivered (phone, email, openid, device, member_id,
    user_id) without its namespace (no appid, no brand), so it is matched on
    the identifier's type and canonical value (int_identifier_matches); a
    value that several OneIDs hold in different namespaces is ambiguous and
    reaches nobody rather than the wrong person.

    Incremental (docs/incremental.md): a night matches the touches tonight's
    loads delivered and re-matches those whose key changed OneID
    (int_identifier_matches' slice); the slice carries each re-matched
    touch's OneID before tonight (`_previous_oneid`). -#}

{{ config(materialized='keyed_incremental', unique_key=['touch_id'], dedup='replace') }}

with

touches as (

    select * from {{ ref('stg_campaigns__touches') }} as touches
    {%- if is_incremental() %}
    where {{ tonight_loads_condition('touches._load_id') }}
        or exists (
            select 1 from {{ night_slice(ref('int_identifier_matches')) }} as rematched
            where rematched.match_type = touches.id_type
                and rematched.match_value = touches.id_value_normalized
        )
    {%- endif %}

),

matches as (

    select match_type, match_value, oneid, is_ambiguous
    from {{ ref('int_identifier_matches') }}
    where match_type in ('phone', 'email', 'openid', 'member_id', 'user_id', 'device')

),

matched as (

    select
        touches.touch_id,
        touches.campaign_id,
        touches.channel,
        touches.id_type,
        matches.oneid,
        coalesce(matches.is_ambiguous, false) as is_ambiguous,
        touches.sent_at,
        {{ cst_date('touches.sent_at') }} as sent_on,
        coalesce(touches.is_delivered, false) as is_delivered,
        touches.opened_at,
        touches.clicked_at,
        touches._load_date
    from touches
    left join matches
        on touches.id_type = matches.match_type
        and touches.id_value_normalized = matches.match_value

),

final as (

    {% if is_incremental() -%}
    select
        matched.*,
        last_night.oneid as _previous_oneid
    from matched
    left join {{ this }} as last_night on matched.touch_id = last_night.touch_id
    {%- else -%}
    select * from matched
    {%- endif %}

)

select * from final
