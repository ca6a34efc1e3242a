{#- Every media backflow event with the OneID its hashed identifier
    belongs to. Platforms send digests of our own identifiers (phone MD5 or
    SHA-256; OAID, IDFA, IMEI MD5), matched against the digests of each
    canonical value (int_identifier_matches). A digest that several OneIDs
    share (a shared device) is ambiguous and matches nobody.

    Incremental (docs/incremental.md): a night matches the events tonight's
    loads delivered and re-matches those whose digest changed OneID
    (int_identifier_matches' slice); the slice carries each re-matched
    event's OneID before tonight (`_previous_oneid`). -#}

{{ config(materialized='keyed_incremental', unique_key=['backflow_event_id'], dedup='replace') }}

with

backflow_events as (

    select * from {{ ref('stg_ads__backflow_events') }} as backflow_events
    {%- if is_incremental() %}
    where {{ tonight_loads_condition('backflow_events._load_id') }}
        or exists (
            select 1 from {{ night_slice(ref('int_identifier_matches')) }} as rematched
            where rematched.match_type = backflow_events.id_type
                and rematched.match_value = backflow_events.id_value
        )
    {%- endif %}

),

matches as (

    select match_type, match_value, oneid, is_ambiguous
    from {{ ref('int_identifier_matches') }}
    where match_type in ('phone_md5', 'phone_sha256', 'oaid_md5', 'idfa_md5', 'imei_md5')

),

matched as (

    select
        backflow_events.backflow_event_id,
        backflow_events.platform,
        backflow_events.ad_campaign_id,
        backflow_events.creative_id,
        backflow_events.event_name,
        backflow_events.event_at,
        {{ cst_date('backflow_events.event_at') }} as event_on,
        backflow_events.id_type,
        matches.oneid,
        coalesce(matches.is_ambiguous, false) as is_ambiguous,
        backflow_events.cost
    from backflow_events
    left join matches
        on backflow_events.id_type = matches.match_type
        and backflow_events.id_value = matches.match_value

),

final as (

    {% if is_incremental() -%}
    select
        matched.*,
        last_night.oneid as _previous_oneid
    from matched
    left join {{ this }} as last_night on matched.backflow_event_id = last_night.backflow_event_id
    {%- else -%}
    select * from matched
    {%- endif %}

)

select * from final
