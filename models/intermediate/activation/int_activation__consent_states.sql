{#- The consent state of every identifier on every channel: its latest event
    wins; an opt-in and an opt-out at the same instant resolve to the opt-out
    (when in doubt, do not send). One row per (channel, identifier). -#}

with

consent_events as (

    select * from {{ ref('stg_consents__consent_events') }}
    where id_value_normalized is not null
      and cast(event_at as date) <= {{ business_date() }}

),

delivered_identifiers as (

    select * from {{ ref('int_activation__delivered_identifiers') }}

),

resolved as (

    select
        consent_events.channel as consent_channel,
        delivered_identifiers.identifier_key,
        delivered_identifiers.id_type,
        delivered_identifiers.namespace,
        delivered_identifiers.oneid,
        consent_events.is_opt_in,
        consent_events.event_at,
        consent_events.consent_source
    from consent_events
    inner join delivered_identifiers
        on consent_events.id_type = delivered_identifiers.delivered_id_type
        and consent_events.id_value_normalized = delivered_identifiers.delivered_value

),

ranked as (

    select
        resolved.*,
        row_number() over (
            partition by consent_channel, identifier_key
            order by event_at desc, case when is_opt_in then 1 else 0 end, consent_source
        ) as recency_rank
    from resolved

),

final as (

    select
        consent_channel,
        identifier_key,
        id_type,
        namespace,
        oneid,
        is_opt_in,
        event_at as decided_at,
        consent_source
    from ranked
    where recency_rank = 1

)

select * from final
