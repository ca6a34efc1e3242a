{#- RFM per person and brand (every OneID with an order of the brand):
    int_tags__rfm, brand scopes; scores and means are computed among the
    brand's buyers. Rules in docs/tags.md ("RFM"). -#}

with

rfm as (

    select * from {{ ref('int_tags__rfm') }}
    where scope <> 'group'

),

final as (

    select
        oneid,
        scope as brand,
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
