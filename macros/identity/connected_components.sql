{#-
  Materialization `connected_components`: the model's SQL returns edges
  (node_a, node_b) of an undirected graph, both integers; a row whose node_b
  is null or equal to node_a declares an isolated node. The result table has
  one row per node: (node_id, component_id), component_id being the smallest
  node id of its connected component.

  Algorithm: alternating large-star / small-star (Kiveris et al., "Connected
  Components in MapReduce and Beyond", SoCC 2014), the default of GraphFrames.
  Every round shortens paths geometrically, so the number of rounds grows like
  log(n), not like the longest path as naive min-label propagation does. The
  loop runs here in dbt; each round is plain SQL (group by, join, min, least,
  greatest), so the same model runs on DuckDB and Spark.

  Config: max_rounds (default 200): fail loudly rather than loop forever.
  The rounds are logged and kept in `<model>__rounds` (round, edges).
-#}
{% materialization connected_components, default %}
  {%- set max_rounds = config.get('max_rounds', 200) | int -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set input_rel = cc_scratch_relation('input') -%}
  {%- set nodes_rel = cc_scratch_relation('nodes') -%}
  {%- set edges_rel = cc_scratch_relation('edges') -%}
  {%- set large_rel = cc_scratch_relation('large') -%}
  {%- set small_rel = cc_scratch_relation('small') -%}
  {%- set rounds_rel = api.Relation.create(database=this.database, schema=this.schema,
                                           identifier=this.identifier ~ '__rounds', type='table') -%}

  {{ run_hooks(pre_hooks) }}
  {% for rel in [input_rel, nodes_rel, edges_rel, large_rel, small_rel, rounds_rel] %}
    {% do adapter.drop_relation(rel) %}
  {% endfor %}

  {% call statement('cc_input') %}{{ create_table_as(False, input_rel, sql) }}{% endcall %}
  {% call statement('cc_nodes') %}
    {{ create_table_as(False, nodes_rel, cc_nodes_sql(input_rel)) }}
  {% endcall %}
  {% call statement('cc_edges') %}
    {{ create_table_as(False, edges_rel, cc_initial_edges_sql(input_rel)) }}
  {% endcall %}

  {%- set state = namespace(converged=false, rounds=0, stats=[]) -%}
  {% for round in range(1, max_rounds + 1) %}
    {% if not state.converged %}
      {% call statement('cc_large_' ~ round) %}
        {{ create_table_as(False, large_rel, cc_large_star_sql(edges_rel)) }}
      {% endcall %}
      {% call statement('cc_small_' ~ round) %}
        {{ create_table_as(False, small_rel, cc_small_star_sql(large_rel)) }}
      {% endcall %}
      {%- set changed = run_query(cc_changed_sql(edges_rel, small_rel)).columns[0].values()[0] -%}
      {%- set edge_count = run_query('select count(*) from ' ~ small_rel).columns[0].values()[0] -%}
      {% do adapter.drop_relation(edges_rel) %}
      {% do adapter.drop_relation(large_rel) %}
      {% do adapter.rename_relation(small_rel, edges_rel) %}
      {%- set state.rounds = round -%}
      {%- set state.stats = state.stats + [(round, edge_count)] -%}
      {%- if changed | int == 0 -%}{%- set state.converged = true -%}{%- endif -%}
    {% endif %}
  {% endfor %}
  {% if not state.converged %}
    {{ exceptions.raise_compiler_error(this ~ ': connected components did not converge in ' ~ max_rounds ~ ' rounds') }}
  {% endif %}

  {%- set stars = run_query('select count(*) - count(distinct a) from ' ~ edges_rel).columns[0].values()[0] -%}
  {% if stars | int != 0 %}
    {{ exceptions.raise_compiler_error(this ~ ': the converged graph is not a set of stars') }}
  {% endif %}

  {% if existing_relation is not none %}{% do adapter.drop_relation(existing_relation) %}{% endif %}
  {% call statement('main') %}
    {{ create_table_as(False, target_relation, cc_result_sql(nodes_rel, edges_rel)) }}
  {% endcall %}
  {% call statement('cc_rounds') %}
    {{ create_table_as(False, rounds_rel, cc_rounds_sql(state.stats)) }}
  {% endcall %}
  {{ log(this.identifier ~ ': connected components converged in ' ~ state.rounds ~ ' rounds', info=True) }}

  {% for rel in [input_rel, nodes_rel, edges_rel] %}
    {% do adapter.drop_relation(rel) %}
  {% endfor %}
  {{ run_hooks(post_hooks) }}
  {% do adapter.commit() %}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{% macro cc_scratch_relation(suffix) %}
  {{ return(api.Relation.create(database=this.database, schema=this.schema,
                                identifier=this.identifier ~ '__cc_' ~ suffix, type='table')) }}
{% endmacro %}


{% macro cc_nodes_sql(input_rel) %}
select node_a as node from {{ input_rel }} where node_a is not null
union
select node_b as node from {{ input_rel }} where node_b is not null
{% endmacro %}


{# Edges are kept as (a, b) with a > b: undirected, no self loops, no duplicates. #}
{% macro cc_initial_edges_sql(input_rel) %}
select distinct
    greatest(node_a, node_b) as a,
    least(node_a, node_b) as b
from {{ input_rel }}
where node_a is not null and node_b is not null and node_a <> node_b
{% endmacro %}


{# Large-star: every node u links each larger neighbour v to m(u), the least of u and its neighbours. #}
{% macro cc_large_star_sql(edges_rel) %}
with neighbours as (
    select a as u, b as v from {{ edges_rel }}
    union all
    select b as u, a as v from {{ edges_rel }}
),

least_neighbour as (
    select u, least(u, min(v)) as m
    from neighbours
    group by u
)

select distinct
    neighbours.v as a,
    least_neighbour.m as b
from neighbours
inner join least_neighbour on neighbours.u = least_neighbour.u
where neighbours.v > neighbours.u
{% endmacro %}


{# Small-star: every node u links itself and each smaller neighbour to m, the least of them. #}
{% macro cc_small_star_sql(edges_rel) %}
with least_smaller as (
    select a as u, min(b) as m
    from {{ edges_rel }}
    group by a
),

relinked as (
    select edges.b as a, least_smaller.m as b
    from {{ edges_rel }} as edges
    inner join least_smaller on edges.a = least_smaller.u
    where edges.b <> least_smaller.m

    union

    select u as a, m as b
    from least_smaller
)

select distinct a, b from relinked
{% endmacro %}


{% macro cc_changed_sql(before_rel, after_rel) %}
select case
    when (select count(*) from {{ before_rel }}) <> (select count(*) from {{ after_rel }}) then 1
    else (select count(*) from (
        select a, b from {{ after_rel }}
        except
        select a, b from {{ before_rel }}
    ) as added)
end as changed
{% endmacro %}


{% macro cc_result_sql(nodes_rel, edges_rel) %}
select
    nodes.node as node_id,
    coalesce(edges.b, nodes.node) as component_id
from {{ nodes_rel }} as nodes
left join {{ edges_rel }} as edges on nodes.node = edges.a
{% endmacro %}


{% macro cc_rounds_sql(stats) %}
{% for round, edges in stats %}
select {{ round }} as round, {{ edges }} as edges {% if not loop.last %}union all{% endif %}
{% endfor %}
{% endmacro %}
