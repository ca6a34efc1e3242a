{#- Air-conditioner buyers of about a year ago, for a cleaning-service offer:
    a valid purchase of an air conditioner (subcategory 空调) between 11 and 13
    months before the business date (vars audience_ac_min_days /
    audience_ac_max_days), per brand of the air conditioner. -#}

with

order_lines as (

    select * from {{ ref('int_commerce__order_lines') }}
    where is_valid_purchase
      and subcategory = '空调'
      and oneid is not null

),

final as (

    select distinct oneid, brand
    from order_lines
    where ordered_on between {{ dbt.dateadd('day', -var('audience_ac_max_days'), business_date()) }}
                         and {{ dbt.dateadd('day', -var('audience_ac_min_days'), business_date()) }}

)

select * from final
{{ stored_in_order_of('oneid') }}
