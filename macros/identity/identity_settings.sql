{#- The identity graph's settings: dbt vars with documented defaults
    (docs/identity.md explains each default). Override any of them in
    dbt_project.yml or with `--vars`. -#}

{% macro identity_setting(name) -%}
    {%- set defaults = {
        'identity_person_level_types': [
            'phone', 'email', 'wechat_unionid', 'wechat_openid', 'app_user_id',
            'jd_pin', 'tmall_ouid', 'crm_member_id'],
        'identity_hub_max_neighbours': 5,
        'identity_one_per_person_types': ['wechat_unionid', 'app_user_id', 'tmall_ouid'],
        'identity_max_oneid_size': 50,
        'identity_max_guardrail_rounds': 200,
    } -%}
    {%- if name not in defaults -%}
        {{ exceptions.raise_compiler_error("identity_setting: unknown setting " ~ name ~ "; known: " ~ defaults.keys() | list | join(', ')) }}
    {%- endif -%}
    {%- set value = var(name, defaults[name]) -%}
    {%- if defaults[name] is number and (value is not number or value < 1) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a positive number, got " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- A SQL list of string literals: ('a', 'b'). -#}
{% macro identity_sql_list(values) -%}
    ({%- for value in values -%}'{{ value | replace("'", "''") }}'{%- if not loop.last %}, {% endif -%}{%- endfor -%})
{%- endmacro %}

{#- The secret of keyed hashes: env var ONEID_HASH_KEY through var
    `identity_hash_key`; the default is for development only. -#}
{% macro identity_hash_key() -%}
    {{ return(var('identity_hash_key', env_var('ONEID_HASH_KEY', 'oneid-development-key-not-secret'))) }}
{%- endmacro %}
