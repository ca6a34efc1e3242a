{#- Per OneID reached by campaign touches: SMS, WeChat template message
    and App push delivered touches, opens and clicks over the last var
    tags_channel_window_days days (sent date), open and click rates per
    delivered touch, and the preferred channel. A channel is trusted once
    at least var tags_channel_min_touches touches were delivered on it; the
    preferred channel is the trusted channel with the highest click rate,
    then open rate, then most delivered touches (then name, for ties).
    SMS has no open tracking: its open rate is null and it competes on
    clicks. preferred_channel is `insufficient_touches` when no channel is
    trusted and `unresponsive` when no trusted channel was ever opened or
    clicked. Touches that matched no single OneID are not counted. -#}

{%- set channels = [('sms', 'sms', false), ('wechat_template', 'wechat', true), ('app_push', 'push', true)] %}

with

touches as (

    select * from {{ ref('int_engagement__campaign_touches') }}
    where oneid is not null
        and channel in ({% for channel, _, _ in channels %}'{{ channel }}'{% if not loop.last %}, {% endif %}{% endfor %})
        and sent_on <= {{ business_date() }}
        and {{ dbt.datediff('sent_on', business_date(), 'day') }} < {{ var('tags_channel_window_days') }}

),

per_channel as (

    select
        oneid,
        channel,
        sum(case when is_delivered then 1 else 0 end) as delivered_touches,
        sum(case when is_delivered and opened_at is not null then 1 else 0 end) as opened_touches,
        sum(case when is_delivered and clicked_at is not null then 1 else 0 end) as clicked_touches
    from touches
    group by oneid, channel

),

rated as (

    select
        per_channel.*,
        case when delivered_touches > 0 then 1.0 * clicked_touches / delivered_touches end as click_rate,
        case when delivered_touches > 0 and channel in ({% for channel, _, has_opens in channels if has_opens %}'{{ channel }}'{% if not loop.last %}, {% endif %}{% endfor %}) then 1.0 * opened_touches / delivered_touches end as open_rate,
        delivered_touches >= {{ var('tags_channel_min_touches') }} as is_trusted
    from per_channel

),

ranked as (

    select
        rated.*,
        row_number() over (
            partition by oneid
            order by click_rate desc, coalesce(open_rate, -1) desc, delivered_touches desc, channel
        ) as preference_rank
    from rated
    where is_trusted

),

people as (

    select
        oneid,
        {%- for channel, short, has_opens in channels %}
        sum(case when channel = '{{ channel }}' then delivered_touches else 0 end) as {{ short }}_delivered_touches,
        {%- if has_opens %}
        sum(case when channel = '{{ channel }}' then opened_touches else 0 end) as {{ short }}_opened_touches,
        max(case when channel = '{{ channel }}' then open_rate end) as {{ short }}_open_rate,
        {%- endif %}
        sum(case when channel = '{{ channel }}' then clicked_touches else 0 end) as {{ short }}_clicked_touches,
        max(case when channel = '{{ channel }}' then click_rate end) as {{ short }}_click_rate,
        {%- endfor %}
        sum(case when is_trusted then 1 else 0 end) as trusted_channels
    from rated
    group by oneid

),

final as (

    select
        people.oneid,
        {%- for channel, short, has_opens in channels %}
        cast(people.{{ short }}_delivered_touches as {{ dbt.type_bigint() }}) as {{ short }}_delivered_touches,
        {%- if has_opens %}
        cast(people.{{ short }}_opened_touches as {{ dbt.type_bigint() }}) as {{ short }}_opened_touches,
        cast(people.{{ short }}_open_rate as double) as {{ short }}_open_rate,
        {%- endif %}
        cast(people.{{ short }}_clicked_touches as {{ dbt.type_bigint() }}) as {{ short }}_clicked_touches,
        cast(people.{{ short }}_click_rate as double) as {{ short }}_click_rate,
        {%- endfor %}
        cast(people.trusted_channels as {{ dbt.type_bigint() }}) as trusted_channels,
        case
            when ranked.oneid is null then 'insufficient_touches'
            when ranked.click_rate = 0 and coalesce(ranked.open_rate, 0) = 0 then 'unresponsive'
            else ranked.channel
        end as preferred_channel,
        cast({{ business_date() }} as date) as business_date
    from people
    left join ranked
        on people.oneid = ranked.oneid
        and ranked.preference_rank = 1

)

select * from final
