{#- The loops of the identity guardrails, in dbt like the closure itself:
    every round is plain SQL (group by, join, window functions), so the same
    models run on DuckDB and Spark. -#}


{#-
  Materialization `size_capped_components`: the model's SQL returns the links
  (node_a, node_b, drop_level) of the components that exceed a size cap;
  drop_level orders links from weakest to strongest, null for links that are
  never dropped (must-links). Round after round, every component with more
  than `max_size` nodes loses its weakest links: all links up to the level of
  its weakest tenth (at least its weakest level), then its components are
  recomputed. A tenth per round keeps the rounds logarithmic in the size of a
  runaway component, at the price of dropping a few more links than a
  one-link-at-a-time loop would.

  Result: (node_id, component_id) for every node of the input,
  component_id being the smallest node id of its final component.
  Config: max_size (required), max_rounds (default 200; fail loudly beyond).
  The rounds are kept in `<model>__rounds` (round, components_over, links_dropped).
-#}
{% materialization size_capped_components, default %}
  {%- set max_size = config.require('max_size') | int -%}
  {%- set max_rounds = config.get('max_rounds', 200) | int -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set links_rel = guardrail_scratch_relation('links') -%}
  {%- set kept_rel = guardrail_scratch_relation('kept') -%}
  {%- set labels_rel = guardrail_scratch_relation('labels') -%}
  {%- set rounds_rel = guardrail_scratch_relation('rounds', suffix_only=true) -%}

  {{ run_hooks(pre_hooks) }}
  {% for rel in [links_rel, kept_rel, labels_rel, rounds_rel] %}
    {% do adapter.drop_relation(rel) %}
  {% endfor %}

  {% call statement('size_links') %}{{ create_table_as(False, links_rel, size_links_with_nodes_sql(sql)) }}{% endcall %}
  {% do guardrail_components(links_rel, labels_rel) %}

  {%- set state = namespace(done=false, rounds=0, stats=[]) -%}
  {% for round in range(1, max_rounds + 1) %}
    {% if not state.done %}
      {%- set over = run_query(size_over_sql(labels_rel, max_size)).columns[0].values()[0] | int -%}
      {%- set droppable = run_query(size_droppable_sql(links_rel, labels_rel, max_size)).columns[0].values()[0] | int -%}
      {% if over == 0 or droppable == 0 %}
        {%- set state.done = true -%}
      {% else %}
        {% call statement('size_drop_' ~ round) %}
          {{ create_table_as(False, kept_rel, size_keep_sql(links_rel, labels_rel, max_size)) }}
        {% endcall %}
        {%- set dropped = run_query(guardrail_count_difference_sql(links_rel, kept_rel)).columns[0].values()[0] | int -%}
        {% do adapter.drop_relation(links_rel) %}
        {% do adapter.rename_relation(kept_rel, links_rel) %}
        {% do adapter.drop_relation(labels_rel) %}
        {% do guardrail_components(links_rel, labels_rel) %}
        {%- set state.rounds = round -%}
        {%- set state.stats = state.stats + [(round, over, dropped)] -%}
      {% endif %}
    {% endif %}
  {% endfor %}
  {% if not state.done %}
    {{ exceptions.raise_compiler_error(this ~ ': components still exceed ' ~ max_size ~ ' nodes after ' ~ max_rounds ~ ' rounds') }}
  {% endif %}

  {% if existing_relation is not none %}{% do adapter.drop_relation(existing_relation) %}{% endif %}
  {% call statement('main') %}
    {{ create_table_as(False, target_relation, 'select node_id, component_id from ' ~ labels_rel) }}
  {% endcall %}
  {% call statement('size_rounds') %}
    {{ create_table_as(False, rounds_rel, guardrail_rounds_sql(['components_over', 'links_dropped'], state.stats)) }}
  {% endcall %}
  {{ log(this.identifier ~ ': size cap ' ~ max_size ~ ' held after ' ~ state.rounds ~ ' rounds of dropping links', info=True) }}

  {% for rel in [links_rel, labels_rel] %}
    {% do adapter.drop_relation(rel) %}
  {% endfor %}
  {{ run_hooks(post_hooks) }}
  {% do adapter.commit() %}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{% macro size_over_sql(labels_rel, max_size) %}
select count(*) from (
    select component_id from {{ labels_rel }} group by component_id having count(*) > {{ max_size }}
) as over_cap
{% endmacro %}


{% macro size_links_over_sql(links_rel, labels_rel, max_size) %}
select links.node_a, links.node_b, links.drop_level, labels.component_id
from {{ links_rel }} as links
inner join {{ labels_rel }} as labels on links.node_a = labels.node_id
where labels.component_id in (
    select component_id from {{ labels_rel }} group by component_id having count(*) > {{ max_size }}
)
{% endmacro %}


{% macro size_droppable_sql(links_rel, labels_rel, max_size) %}
select count(*) from ({{ size_links_over_sql(links_rel, labels_rel, max_size) }}) as over_links
where drop_level is not null
{% endmacro %}


{#- Keeps every link except, in each component over the cap, the links at or
    below the level of its weakest tenth. -#}
{% macro size_keep_sql(links_rel, labels_rel, max_size) %}
with

over_links as (

    {{ size_links_over_sql(links_rel, labels_rel, max_size) }}

),

ranked as (

    select
        component_id,
        drop_level,
        row_number() over (partition by component_id order by drop_level) as weakness_rank,
        count(*) over (partition by component_id) as droppable_links
    from over_links
    where drop_level is not null

),

thresholds as (

    select component_id, max(drop_level) as drop_up_to
    from ranked
    where weakness_rank * 10 <= droppable_links or weakness_rank = 1
    group by component_id

),

dropped as (

    select over_links.node_a, over_links.node_b
    from over_links
    inner join thresholds on over_links.component_id = thresholds.component_id
    where over_links.drop_level <= thresholds.drop_up_to

)

select links.node_a, links.node_b, links.drop_level
from {{ links_rel }} as links
left join dropped
    on links.node_a = dropped.node_a
    and links.node_b = dropped.node_b
where dropped.node_a is null
{% endmacro %}


{#- Every node also linked to itself, never dropped: a node whose links are
    all dropped stays a component of its own. -#}
{% macro size_links_with_nodes_sql(links_sql) %}
with links as ({{ links_sql }})
select node_a, node_b, drop_level from links
union all
select node_id, node_id, cast(null as {{ dbt.type_bigint() }})
from (select node_a as node_id from links union select node_b from links) as nodes
{% endmacro %}


{#- The rounds of a loop as a table: (round, <columns>) from (round, values...) tuples. -#}
{% macro guardrail_rounds_sql(columns, stats) %}
{% if stats | length == 0 %}
select cast(0 as {{ dbt.type_bigint() }}) as round
{%- for column in columns %}, cast(0 as {{ dbt.type_bigint() }}) as {{ column }}{% endfor %}
where 1 = 0
{% endif %}
{% for row in stats %}
select {{ row[0] }} as round
{%- for column in columns %}, {{ row[loop.index] }} as {{ column }}{% endfor %}
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endmacro %}


{#-
  Materialization `widest_path_labels`: separates anchors. The model's SQL
  returns the seeds (group_id, anchor_id, node_id): in each group, nodes that
  must end up apart belong to different anchors (several nodes may share one
  anchor). Config `edges` names a model of undirected, weighted links
  (node_a, node_b, strength) with distinct strengths, larger meaning
  stronger.

  Every node reached from a group's seeds gets the anchor it is most strongly
  tied to: the one whose strongest path (the path whose weakest link is the
  strongest, "widest path") is strongest; on equal bottlenecks the offer that
  arrives over the stronger upstream path wins, so a node hanging off a
  neighbour follows that neighbour. Links whose ends get different anchors
  are exactly the weakest links between the anchors: cutting them separates
  every anchor from every other of its group.

  Result: (group_id, node_id, anchor_id, bottleneck). Rounds (Bellman-Ford on
  the max-min semiring) grow like the longest widest path, kept in
  `<model>__rounds` (round, labels). Config max_rounds (default 200).
-#}
{% materialization widest_path_labels, default %}
  {%- set max_rounds = config.get('max_rounds', 200) | int -%}
  {%- set edges_rel = ref(config.require('edges')) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set labels_rel = guardrail_scratch_relation('labels') -%}
  {%- set next_rel = guardrail_scratch_relation('next') -%}
  {%- set rounds_rel = guardrail_scratch_relation('rounds', suffix_only=true) -%}

  {{ run_hooks(pre_hooks) }}
  {% for rel in [labels_rel, next_rel, rounds_rel] %}
    {% do adapter.drop_relation(rel) %}
  {% endfor %}

  {% call statement('widest_seeds') %}
    {{ create_table_as(False, labels_rel, widest_seed_sql(sql)) }}
  {% endcall %}

  {%- set state = namespace(converged=false, rounds=0, stats=[]) -%}
  {% for round in range(1, max_rounds + 1) %}
    {% if not state.converged %}
      {% call statement('widest_round_' ~ round) %}
        {{ create_table_as(False, next_rel, widest_round_sql(labels_rel, edges_rel)) }}
      {% endcall %}
      {%- set changed = run_query(guardrail_count_difference_sql(next_rel, labels_rel)).columns[0].values()[0] | int -%}
      {%- set labels = run_query('select count(*) from ' ~ next_rel).columns[0].values()[0] -%}
      {% do adapter.drop_relation(labels_rel) %}
      {% do adapter.rename_relation(next_rel, labels_rel) %}
      {%- set state.rounds = round -%}
      {%- set state.stats = state.stats + [(round, labels)] -%}
      {%- if changed == 0 -%}{%- set state.converged = true -%}{%- endif -%}
    {% endif %}
  {% endfor %}
  {% if not state.converged %}
    {{ exceptions.raise_compiler_error(this ~ ': widest paths did not converge in ' ~ max_rounds ~ ' rounds') }}
  {% endif %}

  {% if existing_relation is not none %}{% do adapter.drop_relation(existing_relation) %}{% endif %}
  {% call statement('main') %}
    {{ create_table_as(False, target_relation, 'select group_id, node_id, anchor_id, bottleneck from ' ~ labels_rel) }}
  {% endcall %}
  {% call statement('widest_rounds') %}
    {{ create_table_as(False, rounds_rel, guardrail_rounds_sql(['labels'], state.stats)) }}
  {% endcall %}
  {{ log(this.identifier ~ ': widest paths converged in ' ~ state.rounds ~ ' rounds', info=True) }}

  {% do adapter.drop_relation(labels_rel) %}
  {{ run_hooks(post_hooks) }}
  {% do adapter.commit() %}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- A seed holds its own anchor with an unbeatable bottleneck. -#}
{% macro widest_seed_sql(seeds_sql) %}
select distinct
    group_id,
    node_id,
    anchor_id,
    cast({{ guardrail_unbounded_strength() }} as {{ dbt.type_bigint() }}) as bottleneck,
    cast({{ guardrail_unbounded_strength() }} as {{ dbt.type_bigint() }}) as upstream
from ({{ seeds_sql }}) as seeds
{% endmacro %}


{% macro guardrail_unbounded_strength() -%}
    9223372036854775807
{%- endmacro %}


{% macro widest_round_sql(labels_rel, edges_rel) %}
with

directed as (

    select node_a as node_id, node_b as neighbour_id, strength from {{ edges_rel }}
    union all
    select node_b as node_id, node_a as neighbour_id, strength from {{ edges_rel }}

),

offers as (

    select group_id, node_id, anchor_id, bottleneck, upstream
    from {{ labels_rel }}

    union all

    select
        labels.group_id,
        directed.neighbour_id as node_id,
        labels.anchor_id,
        least(labels.bottleneck, directed.strength) as bottleneck,
        labels.bottleneck as upstream
    from {{ labels_rel }} as labels
    inner join directed on labels.node_id = directed.node_id

),

ranked as (

    select
        group_id,
        node_id,
        anchor_id,
        bottleneck,
        upstream,
        row_number() over (
            partition by group_id, node_id
            order by bottleneck desc, upstream desc, anchor_id
        ) as offer_rank
    from offers

)

select group_id, node_id, anchor_id, bottleneck, upstream
from ranked
where offer_rank = 1
{% endmacro %}


{#- Rows of `left_rel` not in `right_rel` (both with the same columns). -#}
{% macro guardrail_count_difference_sql(left_rel, right_rel) %}
select count(*) from (
    select * from {{ left_rel }}
    except
    select * from {{ right_rel }}
) as difference
{% endmacro %}


{% macro guardrail_scratch_relation(suffix, suffix_only=false) %}
  {%- set identifier = this.identifier ~ ('__' if suffix_only else '__guard_') ~ suffix -%}
  {{ return(api.Relation.create(database=this.database, schema=this.schema, identifier=identifier, type='table')) }}
{% endmacro %}


{#- Connected components of `links_rel` (node_a, node_b, ...) into
    `result_rel` (node_id, component_id = the smallest node id of the
    component): the one algorithm of macros/identity/connected_components.sql. -#}
{% macro guardrail_components(links_rel, result_rel) %}
  {% do adapter.drop_relation(result_rel) %}
  {%- set components = connected_components_of('select node_a, node_b from ' ~ links_rel) -%}
  {% call statement('guard_cc_labels') %}
    {{ create_table_as(False, result_rel, components.result_sql) }}
  {% endcall %}
  {% do cc_drop_scratch(components.scratch) %}
{% endmacro %}
