{#- Every OneID that tags are computed for: the person spine of the tag
    marts (one row per OneID in the identity map, whatever it has done). -#}

with

identifier_oneids as (

    select * from {{ ref('int_identifier_oneids') }}

),

final as (

    select distinct oneid
    from identifier_oneids
    where oneid is not null

)

select * from final
