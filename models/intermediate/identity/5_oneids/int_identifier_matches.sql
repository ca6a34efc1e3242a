{#- How an identifier delivered without its namespace reaches a OneID: one
    row per match key, the identifier type and value as touch logs deliver
    them (`phone`, `email`, `openid`, `member_id`, `user_id`, `device`) and
    the digests media platforms send back (`phone_md5`, `phone_sha256`,
    `oaid_md5`, `idfa_md5`, `imei_md5`, over int_identifiers' canonical
    values). A key that several OneIDs hold (an openid under two appids, a
    shared device) is ambiguous and reaches nobody rather than the wrong
    person.

    Incremental (docs/incremental.md): the table is derived whole each night
    (one pass over the identifiers), but only the keys whose OneID or
    ambiguity changed, and the keys that no longer exist (tombstones), are
    merged. That slice is what int_engagement__campaign_touches and
    int_engagement__backflow_events re-match. -#}

{{ config(materialized='keyed_incremental', unique_key=['match_type', 'match_value'], dedup='replace') }}

with

identifiers as (

    select identifier_key, md5_hex, sha256_hex from {{ ref('int_identifiers') }}
    where id_type in ('phone', 'oaid', 'idfa', 'imei')

),

identifier_oneids as (

    select identifier_key, id_type, value, oneid from {{ ref('int_identifier_oneids') }}

),

-- The identifier types of the graph under the names touches deliver them by.
touch_keys as (

    select
        case
            when id_type = 'wechat_openid' then 'openid'
            when id_type = 'crm_member_id' then 'member_id'
            when id_type = 'app_user_id' then 'user_id'
            when id_type in ('oaid', 'idfa', 'imei') then 'device'
            else id_type
        end as match_type,
        -- device ids compare case-insensitively (staging lower-cases delivered ones)
        case when id_type in ('oaid', 'idfa', 'imei') then lower(value) else value end as match_value,
        oneid
    from identifier_oneids
    where id_type in ('phone', 'email', 'wechat_openid', 'crm_member_id', 'app_user_id', 'oaid', 'idfa', 'imei')

),

digest_keys as (

    select
        {{ dbt.concat(['identifier_oneids.id_type', "'_md5'"]) }} as match_type,
        identifiers.md5_hex as match_value,
        identifier_oneids.oneid
    from identifiers
    inner join identifier_oneids on identifiers.identifier_key = identifier_oneids.identifier_key
    where identifiers.md5_hex is not null
    union all
    select
        'phone_sha256' as match_type,
        identifiers.sha256_hex as match_value,
        identifier_oneids.oneid
    from identifiers
    inner join identifier_oneids on identifiers.identifier_key = identifier_oneids.identifier_key
    where identifier_oneids.id_type = 'phone' and identifiers.sha256_hex is not null

),

matches as (

    select
        match_type,
        match_value,
        case when count(distinct oneid) = 1 then min(oneid) end as oneid,
        count(distinct oneid) > 1 as is_ambiguous
    from (
        select * from touch_keys
        union all
        select * from digest_keys
    ) as match_keys
    where match_value is not null
    group by match_type, match_value

),

final as (

    {% if is_incremental() -%}
    {{ whole_table_changes('matches', ['match_type', 'match_value'], ['oneid', 'is_ambiguous']) }}
    {%- else -%}
    select * from matches
    {%- endif %}

)

select * from final
