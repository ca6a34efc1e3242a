{#- Every delivered value that is not an identifier, counted by source, type
    and reason (staging's normalization reasons, `masked`, `no_namespace`,
    `blocklisted`), with up to three of its most frequent values as masked
    examples. -#}

with

rejected as (

    select source_name, id_type, namespace, rejection, raw_value, observed_at
    from {{ ref('int_identifier_observations') }}
    where rejection is not null

),

value_counts as (

    select
        source_name,
        id_type,
        rejection,
        raw_value,
        count(*) as records,
        row_number() over (
            partition by source_name, id_type, rejection
            order by count(*) desc, raw_value
        ) as frequency_rank
    from rejected
    group by source_name, id_type, rejection, raw_value

),

examples as (

    select
        source_name,
        id_type,
        rejection,
        {{ ordered_list(mask_rejected_value('raw_value'), "' | '", 'frequency_rank') }} as examples
    from value_counts
    where frequency_rank <= 3
    group by source_name, id_type, rejection

),

counted as (

    select
        source_name,
        id_type,
        rejection,
        count(*) as record_count,
        count(distinct raw_value) as value_count,
        min(observed_at) as first_seen_at,
        max(observed_at) as last_seen_at
    from rejected
    group by source_name, id_type, rejection

),

final as (

    select
        counted.source_name,
        counted.id_type,
        counted.rejection,
        counted.record_count,
        counted.value_count,
        counted.first_seen_at,
        counted.last_seen_at,
        examples.examples
    from counted
    inner join examples
        on counted.source_name = examples.source_name
        and counted.id_type = examples.id_type
        and counted.rejection = examples.rejection

)

select * from final
