{#- The category codes that get a user flag column (is_<code>_user) in
    person_groups and person_tags. The same codes as seed tag_category_codes
    (an accepted_values test on the seed keeps the two in step); a column
    per code is fixed here because the marts' contracts fix their columns. -#}
{% macro tag_category_codes() %}
    {{ return(['appliance', 'digital', 'baby', 'fresh', 'beauty', 'apparel', 'home', 'service']) }}
{% endmacro %}
