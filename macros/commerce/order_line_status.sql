{#- The line status an order export's status means (docs/tags.md, "Orders"),
    from the channel contract's order statuses (macro order_statuses,
    generated from pipeline/ingest/sources.py). A status that means
    something else on a line without a payment time (a Tmall order closed
    before it was paid) takes `paid_at`. A status outside the contract stops
    the night in staging (test matches_channel_contract); here it would be null. -#}
{% macro order_line_status(source_name, status, paid_at=none) -%}
    case {{ status }}
    {%- for delivered, line_status, unpaid_line_status in order_statuses(source_name) %}
        when '{{ delivered }}' then
        {%- if unpaid_line_status is none %} '{{ line_status }}'
        {%- elif paid_at is none -%}
            {{ exceptions.raise_compiler_error("order_line_status: " ~ source_name ~ " status '" ~ delivered ~ "' depends on the payment time; pass paid_at") }}
        {%- else %} case when {{ paid_at }} is null then '{{ unpaid_line_status }}' else '{{ line_status }}' end
        {%- endif %}
    {%- endfor %}
    end
{%- endmacro %}
