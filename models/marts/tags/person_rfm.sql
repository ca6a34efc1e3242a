{#- Group-wide RFM per person (every OneID): int_tags__rfm, scope `group`.
    Rules in docs/tags.md ("RFM"). -#}

with

rfm as (

    select * from {{ ref('int_tags__rfm') }}
    where scope = 'group'

),

final as (

    select
        oneid,
        last_purchase_on,
        cast(recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(frequency as {{ dbt.type_int() }}) as frequency,
        monetary,
        is_buyer,
        r_score,
        f_score,
        m_score,
        is_r_high,
        is_f_high,
        is_m_high,
        rfm_segment
    from rfm

)

select * from final
