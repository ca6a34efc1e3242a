{#-
  Materialization `connected_components`: the model's SQL returns rows
  (node_a, node_b) of an undirected graph, both integers. A row with both ends
  is an edge; a row with one end null (or both ends equal) declares a node, so
  isolated nodes get a component too. The result table has one row per node:
  (node_id, component_id), component_id being the smallest node id of its
  connected component.

  Config:
  - nodes: which nodes the result lists.
      'all' (default): every distinct value of node_a or node_b.
      'listed': the rows whose node_b is null list the nodes, once each, as a
        node table does (e.g. one row per identifier with its hashed id). The
        result has exactly one row per listed row and keeps that row's other
        columns (e.g. the identifier itself), so no join back is needed. The
        components are those of the whole graph; an unlisted node that edges
        mention has no row, though it may be a component's id. Cheaper than
        'all': no distinct over every node.
  - max_rounds (default 200): fail loudly rather than loop forever.
  The rounds are logged and kept in `<model>__rounds`: round, edges still in
  the graph at its start, nodes set aside in it (with nodes='listed', the
  components' minimums are not counted: they need no row of their own).

  Algorithm: alternating large-star / small-star (Kiveris et al., "Connected
  Components in MapReduce and Beyond", SoCC 2014), the default of GraphFrames:
  every round shortens paths geometrically, so the number of rounds grows like
  log(n), not like the longest path as naive min-label propagation does.

  Finished components are set aside every round, so that later rounds only
  touch the few components still growing (in an identity graph, round 1
  finishes almost every person). Edges are kept as (a, b) with a > b. Each
  round, every node's label is its smallest parent (itself if it has none).
  A label group whose every edge joins two nodes of the same label is a whole
  component labelled by its minimum, so it is final: its nodes go to the
  result and its edges leave the graph. (Proof: such a group is closed under
  adjacency; a label always lies in its node's component and is at most that
  node, so the group is one component and its label is its minimum.)

  The loop runs here in dbt; each round is plain SQL (group by, join, min,
  least, greatest), so the same model runs on DuckDB and Spark. Only where
  scratch tables live is dispatched (DuckDB: temporary tables, in memory or
  spilled to its temp_directory).
-#}
{% materialization connected_components, default %}
  {%- set max_rounds = config.get('max_rounds', 200) | int -%}
  {%- set nodes = config.get('nodes', 'all') -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set rounds_rel = api.Relation.create(database=this.database, schema=this.schema,
                                           identifier=this.identifier ~ '__rounds', type='table') -%}

  {{ run_hooks(pre_hooks) }}
  {%- set components = connected_components_of(sql, nodes, max_rounds) -%}
  {% if existing_relation is not none %}{% do adapter.drop_relation(existing_relation) %}{% endif %}
  {% call statement('main') %}
    {{ create_table_as(False, target_relation, components.result_sql) }}
  {% endcall %}
  {% call statement('cc_rounds') %}{{ cc_drop_table(rounds_rel) }}{% endcall %}
  {% call statement('cc_rounds') %}
    {{ cc_create_table(rounds_rel, cc_rounds_sql(components.stats)) }}
  {% endcall %}
  {% do cc_drop_scratch(components.scratch) %}
  {{ run_hooks(post_hooks) }}
  {% do adapter.commit() %}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- The connected components of the graph that `input_sql` returns (rows
    node_a, node_b, as the materialization above reads them), computed into
    scratch tables of the current model. Returns result_sql (one row per
    node: node_id, component_id, and with nodes='listed' the listed rows'
    other columns), the rounds' stats and the scratch tables, which the
    caller drops (cc_drop_scratch) once it has read result_sql. The one
    implementation every identity model that needs components runs: the
    materialization, and the guardrails between their rounds of cuts. -#}
{% macro connected_components_of(input_sql, nodes='all', max_rounds=200) %}
  {% if nodes not in ['all', 'listed'] %}
    {{ exceptions.raise_compiler_error(this ~ ": config nodes must be 'all' or 'listed', not '" ~ nodes ~ "'") }}
  {% endif %}
  {%- set input_rel = cc_scratch_relation('input') -%}
  {%- set nodes_rel = cc_scratch_relation('nodes') -%}
  {%- set first_edges_rel = cc_scratch_relation('edges') -%}
  {%- set edges_rels = [cc_scratch_relation('edges_even'), cc_scratch_relation('edges_odd')] -%}
  {%- set parents_rel = cc_scratch_relation('parents') -%}
  {%- set labelled_rel = cc_scratch_relation('labelled') -%}
  {%- set unfinished_rel = cc_scratch_relation('unfinished') -%}
  {%- set done_rel = cc_scratch_relation('done') -%}
  {%- set scratch = [input_rel, nodes_rel, first_edges_rel, parents_rel, labelled_rel, unfinished_rel, done_rel]
                     + edges_rels -%}

  {#- The input split in two tables, so that the planner knows their sizes
      (it underestimates a filtered table and builds its hash tables on the
      wrong side). -#}
  {% do cc_build(input_rel, input_sql) %}
  {% do cc_build(first_edges_rel, cc_first_edges_sql(input_rel)) %}
  {%- set carried = [] -%}
  {% if nodes == 'listed' %}
    {% for column in run_query('select * from ' ~ input_rel ~ ' where 1 = 0').column_names %}
      {% if column | lower not in ['node_a', 'node_b'] %}{% do carried.append(column) %}{% endif %}
    {% endfor %}
    {% do cc_build(nodes_rel, cc_listed_nodes_sql(input_rel, carried)) %}
  {% else %}
    {% do cc_build(nodes_rel, cc_declared_nodes_sql(input_rel)) %}
  {% endif %}
  {% call statement('cc_drop') %}{{ cc_drop_table(input_rel) }}{% endcall %}
  {% do cc_build(done_rel, cc_empty_done_sql(first_edges_rel)) %}
  {#- Commits along the way: DuckDB reads a table still local to the open
      transaction much more slowly, and frees dropped scratch tables only on
      commit. Nothing outside the scratch tables changes before the end. -#}
  {% do adapter.commit() %}

  {%- set state = namespace(edges=first_edges_rel, converged=false, rounds=0, done=0, stats=[]) -%}
  {% for round in range(1, max_rounds + 1) %}
    {% if not state.converged %}
      {% do cc_build(parents_rel, cc_parents_sql(state.edges)) %}
      {% do cc_build(labelled_rel, cc_labelled_sql(state.edges, parents_rel)) %}
      {% do cc_build(unfinished_rel, cc_unfinished_sql(labelled_rel)) %}
      {% call statement('cc_set_aside') %}
        {{ cc_set_aside_sql(done_rel, parents_rel, unfinished_rel, with_roots=(nodes == 'all')) }}
      {% endcall %}
      {%- set counts = run_query(cc_round_counts_sql(labelled_rel, unfinished_rel, done_rel)) -%}
      {%- set edge_count = counts.columns[0].values()[0] | int -%}
      {%- set unfinished_count = counts.columns[1].values()[0] | int -%}
      {%- set done_count = counts.columns[2].values()[0] | int -%}
      {%- set state.rounds = round -%}
      {%- set state.stats = state.stats + [(round, edge_count, done_count - state.done)] -%}
      {%- set state.done = done_count -%}
      {{ log(this.identifier ~ ': round ' ~ round ~ ': ' ~ edge_count ~ ' edges, '
             ~ unfinished_count ~ ' unfinished labels', info=False) }}
      {% if unfinished_count == 0 %}
        {%- set state.converged = true -%}
      {% else %}
        {#- Two edge tables in turn: this round's input is dropped only once read. -#}
        {%- set next_edges = edges_rels[round % 2] -%}
        {% do cc_build(next_edges, cc_next_edges_sql(labelled_rel, unfinished_rel)) %}
        {%- set state.edges = next_edges -%}
      {% endif %}
      {% do adapter.commit() %}
    {% endif %}
  {% endfor %}
  {% if not state.converged %}
    {{ exceptions.raise_compiler_error(this ~ ': connected components did not converge in ' ~ max_rounds ~ ' rounds') }}
  {% endif %}
  {{ log(this.identifier ~ ': connected components converged in ' ~ state.rounds ~ ' rounds', info=True) }}

  {% if nodes == 'listed' %}
    {%- set result_sql = cc_listed_result_sql(nodes_rel, done_rel, carried) -%}
  {% else %}
    {%- set result_sql = cc_all_nodes_result_sql(nodes_rel, done_rel) -%}
  {% endif %}
  {{ return({'result_sql': result_sql, 'stats': state.stats, 'scratch': scratch}) }}
{% endmacro %}


{% macro cc_drop_scratch(scratch) %}
  {% for rel in scratch %}
    {% call statement('cc_drop') %}{{ cc_drop_table(rel) }}{% endcall %}
  {% endfor %}
{% endmacro %}


{#- Scratch tables: in the model's schema by default; DuckDB keeps them temporary. -#}
{% macro cc_scratch_relation(suffix) %}
  {{ return(adapter.dispatch('cc_scratch_relation')(suffix)) }}
{% endmacro %}
{% macro default__cc_scratch_relation(suffix) %}
  {{ return(api.Relation.create(database=this.database, schema=this.schema,
                                identifier=this.identifier ~ '__cc_' ~ suffix, type='table')) }}
{% endmacro %}
{% macro duckdb__cc_scratch_relation(suffix) %}
  {{ return(api.Relation.create(database='temp', schema='main',
                                identifier=this.identifier ~ '__cc_' ~ suffix, type='table')) }}
{% endmacro %}

{#- (Re)creates a scratch table; on DuckDB in one statement (a round runs a dozen). -#}
{% macro cc_build(relation, select_sql) %}
  {{ return(adapter.dispatch('cc_build')(relation, select_sql)) }}
{% endmacro %}
{% macro default__cc_build(relation, select_sql) %}
  {% call statement('cc_drop') %}{{ cc_drop_table(relation) }}{% endcall %}
  {% call statement('cc_build') %}{{ cc_create_table(relation, select_sql) }}{% endcall %}
{% endmacro %}
{% macro duckdb__cc_build(relation, select_sql) %}
  {% call statement('cc_build') %}
    create or replace temporary table {{ adapter.quote(relation.identifier) }} as {{ select_sql }}
  {% endcall %}
{% endmacro %}

{#- Plain CTAS: the model's contract and headers belong to the result only. -#}
{% macro cc_create_table(relation, select_sql) %}
create table {{ relation }} as {{ select_sql }}
{% endmacro %}

{% macro cc_drop_table(relation) %}
drop table if exists {{ relation }}
{% endmacro %}


{% macro cc_empty_done_sql(edges_rel) %}
select a as node_id, b as component_id from {{ edges_rel }} where 1 = 0
{% endmacro %}


{# Edges as (a, b) with a > b; duplicates are harmless (every step takes a min or a distinct). #}
{% macro cc_first_edges_sql(input_rel) %}
select greatest(node_a, node_b) as a, least(node_a, node_b) as b
from {{ input_rel }}
where node_a is not null and node_b is not null and node_a <> node_b
{% endmacro %}


{# nodes='listed': the listed rows, their node id as node_id, with their other columns. #}
{% macro cc_listed_nodes_sql(input_rel, carried) %}
select
    node_a as node_id
    {%- for column in carried %},
    {{ adapter.quote(column) }}
    {%- endfor %}
from {{ input_rel }}
where node_b is null and node_a is not null
{% endmacro %}


{# nodes='all': the nodes that rows declare (a null end, or both ends equal), maybe several times. #}
{% macro cc_declared_nodes_sql(input_rel) %}
select coalesce(node_a, node_b) as node_id
from {{ input_rel }}
where (node_a is null or node_b is null or node_a = node_b) and coalesce(node_a, node_b) is not null
{% endmacro %}


{# A node's parent: its smallest neighbour below it. #}
{% macro cc_parents_sql(edges) %}
select edges.a, min(edges.b) as m
from {{ edges }} as edges
group by edges.a
{% endmacro %}


{#- Each edge with the labels of its ends; a node without a parent is its own label.
    lb is also what large-star links a to: the least of b and b's neighbours. -#}
{% macro cc_labelled_sql(edges, parents_rel) %}
select
    edges.a,
    parent_a.m as la,
    coalesce(parent_b.m, edges.b) as lb
from {{ edges }} as edges
inner join {{ parents_rel }} as parent_a on edges.a = parent_a.a
left join {{ parents_rel }} as parent_b on edges.b = parent_b.a
{% endmacro %}


{# Labels of the groups that an edge leaves: those groups are not whole components yet. #}
{% macro cc_unfinished_sql(labelled_rel) %}
select la as label from {{ labelled_rel }} where la <> lb
union
select lb as label from {{ labelled_rel }} where la <> lb
{% endmacro %}


{#- Nodes of finished groups: every node with a parent gets its label; with
    roots, the group's label (its minimum, a node without parent) gets itself.
    Anti- and semi-joins are written as joins: DuckDB plans `not exists` here
    with the large side as build side, several times slower. -#}
{% macro cc_set_aside_sql(done_rel, parents_rel, unfinished_rel, with_roots) %}
insert into {{ done_rel }}
with finished as (
    select parents.a, parents.m
    from {{ parents_rel }} as parents
    left join {{ unfinished_rel }} as unfinished on parents.m = unfinished.label
    where unfinished.label is null
)

select a as node_id, m as component_id from finished
{% if with_roots %}
union all
select m as node_id, m as component_id from finished group by m
{% endif %}
{% endmacro %}


{% macro cc_round_counts_sql(labelled_rel, unfinished_rel, done_rel) %}
select
    (select count(*) from {{ labelled_rel }}) as edges,
    (select count(*) from {{ unfinished_rel }}) as unfinished,
    (select count(*) from {{ done_rel }}) as done
{% endmacro %}


{#- One large-star then one small-star step on the unfinished groups.
    Large-star links a to lb (see cc_labelled_sql); small-star then links each
    node u and each of its smaller neighbours to the least of them, m(u). -#}
{% macro cc_next_edges_sql(labelled_rel, unfinished_rel) %}
with large_star as (
    select labelled.a, labelled.lb as b
    from {{ labelled_rel }} as labelled
    inner join {{ unfinished_rel }} as unfinished on labelled.la = unfinished.label  -- labels are distinct
),

least_smaller as (
    select a, min(b) as m
    from large_star
    group by a
)

select distinct a, b from (
    select large_star.b as a, least_smaller.m as b
    from large_star
    inner join least_smaller on large_star.a = least_smaller.a
    where large_star.b <> least_smaller.m

    union all

    select a, m as b
    from least_smaller
) as small_star
{% endmacro %}


{#- nodes='all': the nodes set aside (every end of an edge, roots included),
    then the declared nodes that no edge touches. -#}
{% macro cc_all_nodes_result_sql(nodes_rel, done_rel) %}
select node_id, component_id from {{ done_rel }}
union all
select declared.node_id, declared.node_id as component_id
from {{ nodes_rel }} as declared
left join {{ done_rel }} as done on declared.node_id = done.node_id
where done.node_id is null
group by declared.node_id
{% endmacro %}


{#- nodes='listed': one row per listed row; a node that was never set aside
    with a parent is its component's minimum (or isolated). -#}
{% macro cc_listed_result_sql(nodes_rel, done_rel, carried) %}
select
    listed.node_id,
    coalesce(done.component_id, listed.node_id) as component_id
    {%- for column in carried %},
    listed.{{ adapter.quote(column) }}
    {%- endfor %}
from {{ nodes_rel }} as listed
left join {{ done_rel }} as done on listed.node_id = done.node_id
{% endmacro %}


{% macro cc_rounds_sql(stats) %}
{% for round, edges, set_aside in stats %}
select {{ round }} as round, {{ edges }} as edges, {{ set_aside }} as set_aside_nodes
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endmacro %}
