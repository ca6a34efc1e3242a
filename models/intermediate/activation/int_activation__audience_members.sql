{#- Every audience's members in one table: (audience, OneID, brand). The
    brand is the one the membership is about (the brand carted, watched,
    bought), null for group-wide audiences. A campaign selects the rows of
    its audience whose brand is its own or null. New audience models are
    added to this list. -#}

{%- set audiences = [
    'aud_middle_aged',
    'aud_rfm_important_winback',
    'aud_live_viewers_not_bought',
    'aud_air_conditioner_buyers_year_ago',
    'aud_birthday_this_month',
    'aud_cart_abandoners',
    'aud_interest_not_purchased',
    'aud_backflow_high_conversion',
    'aud_svip_care',
    'aud_sensitive_skin_guide_tagged',
] %}

with

{% for audience in audiences %}
{{ audience }} as (

    select distinct '{{ audience }}' as audience, oneid, brand from {{ ref(audience) }}

),

{% endfor %}
final as (

    {% for audience in audiences %}
    select audience, oneid, brand from {{ audience }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
