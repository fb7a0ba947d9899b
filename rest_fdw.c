/*-------------------------------------------------------------------------
 *
 * rest_fdw.c
 *		  Foreign-data wrapper for REST services: the handler and the
 *		  planner's callbacks.
 *
 * A foreign table stands for a collection of a REST service.  A scan is a
 * GET of the collection, page after page (pager.c), with the conditions,
 * order, limit and offset the service can apply put in the URL
 * (deparse.c), or a GET of one item when the query fixes the key;
 * count(*) reads the count the service reports, and a service that
 * declares the capabilities computes SELECT DISTINCT c and GROUP BY c with
 * count(*); a GROUP BY on a table's key over "a LEFT JOIN b" is a scan of
 * a, with b's counts per value when it has count(b.k).  INSERT is a POST
 * to the collection, UPDATE a PATCH and DELETE a DELETE of the item, and
 * RETURNING is filled from the service's response.  How a service says
 * each of these is its dialect's (dialect.h).
 *
 * The callbacks are in three files, by when PostgreSQL calls them: this
 * one plans, in the order the planner calls them (rel size, paths, upper
 * paths and plan of a scan; update targets, plan, updatability and direct
 * modification of a write); scan.c executes a scan and modify.c a write,
 * a direct modification and TRUNCATE.  What the plans hand the executor is
 * described in rest_fdw.h (their fdw_private lists); nothing else crosses
 * between planning and execution.  Each callback is followed by its
 * helpers.
 *
 * Design assumptions:
 * - A condition sent to a service that may ignore it is checked locally
 *   too, and LIMIT/OFFSET and count(*) are sent only when every condition
 *   is sent and evaluated by the service as here; so no wrong row reaches
 *   the query.  Under a LIMIT the service applies, a row failing such a
 *   check is an error (scan.c): the service ignored a filter and rows are
 *   missing.
 * - Costs count requests first (a round trip is worth many rows), so that
 *   the planner prefers the plans that make fewer.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/pg_am.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/appendinfo.h"
#include "optimizer/clauses.h"
#include "optimizer/cost.h"
#include "optimizer/inherit.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "optimizer/tlist.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteManip.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "common/hashfn.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/selfuncs.h"
#include "utils/typcache.h"

#include "dialect.h"
#include "pager.h"


PG_MODULE_MAGIC;

/* Cost of one request (a round trip), in units of seq_page_cost. */
#define REST_REQUEST_COST		100.0
/* Cost of reading one row of a page (JSON to datums), besides the tuple's. */
#define REST_ROW_COST			0.01
/* Row estimate for a collection the planner knows nothing about. */
#define REST_DEFAULT_ROWS		1000.0
/*
 * A scan that sends LIMIT and OFFSET costs half the scan of its rows, so
 * that the planner prefers it to a local Limit over the same scan.
 */
#define REST_LIMITED_SCAN_FACTOR	0.5
/*
 * A scan of the service's distinct values or counts per group costs less
 * than a scan of as many rows: a row is one or two members, and nothing is
 * aggregated here; so that the planner prefers it where requests tie.
 */
#define REST_GROUPED_SCAN_FACTOR	0.9
/* Rows a LIMIT known only at execution keeps, as the planner guesses. */
#define REST_UNKNOWN_LIMIT_FRACTION	0.10

/*
 * Indexes of the items of a ForeignPath's fdw_private list (upper paths).
 */
enum RestPathPrivate
{
	RestPathKind,				/* Integer: RestScanKind (REST_SCAN_JOIN: a
								 * GROUP BY over a LEFT JOIN with counts) */
	RestPathLimit,				/* Boolean: LIMIT/OFFSET pushed */
	RestPathGroupColumn,		/* Integer: attnum of the column grouped by
								 * the service (of the join's inner table
								 * for REST_SCAN_JOIN), 0 if none */
	RestPathGroupCount,			/* Boolean: ... with the count per group */
};

PG_FUNCTION_INFO_V1(rest_fdw_handler);
PG_FUNCTION_INFO_V1(rest_fdw_version);

static void restGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
								  Oid foreigntableid);
static void restGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
								Oid foreigntableid);
static ForeignScan *restGetForeignPlan(PlannerInfo *root, RelOptInfo *foreignrel,
									   Oid foreigntableid, ForeignPath *best_path,
									   List *tlist, List *scan_clauses,
									   Plan *outer_plan);
static void restGetForeignUpperPaths(PlannerInfo *root,
									 UpperRelationKind stage,
									 RelOptInfo *input_rel,
									 RelOptInfo *output_rel, void *extra);
static void restAddForeignUpdateTargets(PlannerInfo *root, Index rtindex,
										RangeTblEntry *target_rte,
										Relation target_relation);
static List *restPlanForeignModify(PlannerInfo *root, ModifyTable *plan,
								   Index resultRelation, int subplan_index);
static int	restIsForeignRelUpdatable(Relation rel);
static bool restPlanDirectModify(PlannerInfo *root, ModifyTable *plan,
								 Index resultRelation, int subplan_index);
static Oid	rest_user_for_rel(PlannerInfo *root, RelOptInfo *baserel);
static bool is_key_column(RelOptInfo *baserel, RestColumn *key, Node *node);
static bool key_text_is_canonical(Oid keytype, Oid valtype);
static List *retrieved_attrs(RelOptInfo *baserel, RestTable *table,
							 List *local_exprs);
static void add_parameterized_paths(PlannerInfo *root, RelOptInfo *baserel,
									RestRelationInfo *info);
static void add_final_path(PlannerInfo *root, RestRelationInfo *info,
						   RelOptInfo *output_rel, FinalPathExtraData *extra);
static void add_count_path(PlannerInfo *root, RestRelationInfo *info,
						   RelOptInfo *input_rel, RelOptInfo *output_rel);
static bool is_count_star(Node *node);
static void add_outer_groups_path(PlannerInfo *root, RelOptInfo *input_rel,
								  RelOptInfo *output_rel);
static void add_group_count_join_path(PlannerInfo *root,
									  RelOptInfo *input_rel,
									  RelOptInfo *output_rel);
static JoinExpr *left_join(PlannerInfo *root, RestRelationInfo **outer,
						   RestRelationInfo **inner);
static bool groups_by_key(PlannerInfo *root, RestRelationInfo *info,
						  PathTarget *target, List **aggregates);
static Var *count_join_column(PlannerInfo *root, RestRelationInfo *outer,
							  RestRelationInfo *inner, JoinExpr *join);
static bool counts_inner_rows(Aggref *agg, RestRelationInfo *inner);
static bool having_reads_groups(RestRelationInfo *outer, Node *having,
								List **aggregates);
static void add_group_path(PlannerInfo *root, RestRelationInfo *info,
						   RelOptInfo *input_rel, RelOptInfo *output_rel,
						   UpperRelationKind stage);
static void add_distinct_expr_path(PlannerInfo *root, RestRelationInfo *info,
								   RelOptInfo *input_rel,
								   RelOptInfo *output_rel);
static Var *single_column(RestRelationInfo *info, Node *expr);
static bool equal_means_identical(Oid typid);
static bool service_may_group(PlannerInfo *root, RestRelationInfo *info);
static bool groupable_column(RestRelationInfo *info, Var *var);
static Var *group_column(PlannerInfo *root, RestRelationInfo *info,
						 List *clauses);
static bool group_target(RestRelationInfo *info, PathTarget *target,
						 Var *group_var, bool *has_count);
static bool is_group_count(RestRelationInfo *info, Node *node);
static bool groups_as_here(RestTable *table, RestColumn *col, Var *var);
static const char *limit_refusal(PlannerInfo *root, RestRelationInfo *info);
static bool reads_system_column(PathTarget *target, Index relid);
static ForeignScan *plan_upper_scan(PlannerInfo *root, RelOptInfo *foreignrel,
									ForeignPath *best_path, List *tlist,
									Plan *outer_plan);
static int	add_fdw_expr(List **fdw_exprs, Node *expr);
static List *scan_private(RestScanKind kind, List *columns, char *explain_url,
						  List *params, int limit_index, int offset_index,
						  int key_index, bool ordered, const char *limit_note,
						  const char *count_note, const char *group_note,
						  List *recheck_texts);
static char *condition_text(RestRelationInfo *info, Expr *clause,
							List **fdw_exprs);
static Node *value_placeholders(Node *node, List **fdw_exprs);
static List *vars_columns(RestRelationInfo *info, List *vars);
static char *upper_explain_url(RestTable *table, RestScanKind kind,
							   bool limited, List *params, List *exprs,
							   Query *parse);

/*
 * rest_fdw_handler
 *		Return the FdwRoutine with the wrapper's callbacks.
 */
Datum
rest_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	routine->GetForeignRelSize = restGetForeignRelSize;
	routine->GetForeignPaths = restGetForeignPaths;
	routine->GetForeignPlan = restGetForeignPlan;
	routine->GetForeignUpperPaths = restGetForeignUpperPaths;
	routine->GetForeignJoinPaths = RestGetForeignJoinPaths;
	routine->BeginForeignScan = RestBeginForeignScan;
	routine->IterateForeignScan = RestIterateForeignScan;
	routine->ReScanForeignScan = RestReScanForeignScan;
	routine->EndForeignScan = RestEndForeignScan;
	routine->ShutdownForeignScan = RestShutdownForeignScan;
	routine->ExplainForeignScan = RestExplainForeignScan;

	routine->AddForeignUpdateTargets = restAddForeignUpdateTargets;
	routine->PlanForeignModify = restPlanForeignModify;
	routine->BeginForeignModify = RestBeginForeignModify;
	routine->ExecForeignInsert = RestExecForeignInsert;
	routine->GetForeignModifyBatchSize = RestGetForeignModifyBatchSize;
	routine->ExecForeignBatchInsert = RestExecForeignBatchInsert;
	routine->ExecForeignUpdate = RestExecForeignUpdate;
	routine->ExecForeignDelete = RestExecForeignDelete;
	routine->EndForeignModify = RestEndForeignModify;
	routine->ExplainForeignModify = RestExplainForeignModify;
	routine->IsForeignRelUpdatable = restIsForeignRelUpdatable;
	routine->ImportForeignSchema = RestImportForeignSchema;
	routine->AnalyzeForeignTable = RestAnalyzeForeignTable;
	routine->ExecForeignTruncate = RestExecForeignTruncate;
	routine->PlanDirectModify = restPlanDirectModify;
	routine->BeginDirectModify = RestBeginDirectModify;
	routine->IterateDirectModify = RestIterateDirectModify;
	routine->EndDirectModify = RestEndDirectModify;
	routine->ExplainDirectModify = RestExplainDirectModify;

	PG_RETURN_POINTER(routine);
}

/*
 * rest_fdw_version
 *		The version of the loaded library, rest_fdw.version() in SQL.
 */
Datum
rest_fdw_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(REST_FDW_VERSION));
}

/*
 * restGetForeignRelSize
 *		Read the table's options, decide what the service can filter, and
 *		estimate how many rows the scan returns: from ANALYZE's statistics
 *		when the table has them, and from the service's count of the rows
 *		matching the conditions sent with use_remote_estimate.
 */
static void
restGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
					  Oid foreigntableid)
{
	RestRelationInfo *info = palloc0(sizeof(RestRelationInfo));
	RestTable  *table;

	table = RestGetTable(foreigntableid, rest_user_for_rel(root, baserel));
	info->table = table;
	info->relid = baserel->relid;
	info->key_expr = RestFindKeyValue(root, baserel, table,
									extract_actual_clauses(baserel->baserestrictinfo,
														   false));
	RestClassifyConditions(root, baserel, table, baserel->baserestrictinfo,
						   &info->pushdown);
	baserel->fdw_private = info;

	info->rows = RestCollectionRows(baserel, REST_DEFAULT_ROWS);
	info->remote_rows = -1;
	if (table->use_remote_estimate && info->key_expr == NULL)
		info->remote_rows = RestRemoteRows(root, table, &info->pushdown);
	if (info->key_expr != NULL)
		baserel->rows = 1;
	else if (info->remote_rows >= 0)
		baserel->rows = clamp_row_est(info->remote_rows *
									  clauselist_selectivity(root,
															 info->pushdown.local_conds,
															 0, JOIN_INNER,
															 NULL));
	else
		baserel->rows = clamp_row_est(info->rows *
									  clauselist_selectivity(root,
															 baserel->baserestrictinfo,
															 0, JOIN_INNER,
															 NULL));
}

/*
 * RestPageRequests
 *		Requests for about rows rows: a page each of the rows per request
 *		the table asks for.
 */
double
RestPageRequests(RestTable *table, double rows)
{
	double		page_rows = table->page_size > 0 ? table->page_size
		: REST_DEFAULT_PAGE_ROWS;

	return Max(1.0, ceil(rows / page_rows));
}

/*
 * RestScanCost
 *		Cost of a scan returning about rows rows: a request per page of the
 *		rows per request the table asks for.
 */
void
RestScanCost(RestTable *table, double rows, Cost *startup, Cost *total)
{
	double		pages = RestPageRequests(table, rows);

	*startup = REST_REQUEST_COST;
	*total = pages * REST_REQUEST_COST + rows * (REST_ROW_COST + cpu_tuple_cost);
}

/*
 * restGetForeignPaths
 *		Offer a plain scan, a scan sorted by the service when the query's
 *		order can be sent, and scans parameterized by join clauses.
 */
static void
restGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
					Oid foreigntableid)
{
	RestRelationInfo *info = baserel->fdw_private;
	RestTable  *table = info->table;
	Cost		startup_cost;
	Cost		total_cost;
	double		fetched;

	/* rows fetched: those the service's filters keep */
	fetched = info->key_expr != NULL ? 1
		: info->remote_rows >= 0 ? clamp_row_est(info->remote_rows)
		: clamp_row_est(info->rows *
						clauselist_selectivity(root,
											   info->pushdown.remote_conds,
											   0, JOIN_INNER, NULL));
	RestScanCost(table, fetched, &startup_cost, &total_cost);

	add_path(baserel, (Path *)
			 RestCreateForeignScanPath(root, baserel, NULL, baserel->rows,
									 startup_cost, total_cost, NIL,
									 NULL, NULL, NIL));

	/* the service sorts, if it can sort by the query's order */
	if (info->key_expr == NULL && !info->pushdown.has_in_list &&
		root->query_pathkeys != NIL &&
		RestSortParams(table, root, baserel, root->query_pathkeys) != NIL)
		add_path(baserel, (Path *)
				 RestCreateForeignScanPath(root, baserel, NULL, baserel->rows,
										 startup_cost,
										 total_cost * REST_SORTED_SCAN_FACTOR,
										 root->query_pathkeys,
										 NULL, NULL, NIL));

	add_parameterized_paths(root, baserel, info);
}

/*
 * ec_member_is_column
 *		Callback for generate_implied_equalities_for_column: is this
 *		EquivalenceClass member the column we look for?
 */
static bool
ec_member_is_column(PlannerInfo *root, RelOptInfo *rel,
					EquivalenceClass *ec, EquivalenceMember *em, void *arg)
{
	Expr	   *expr = em->em_expr;

	while (IsA(expr, RelabelType))
		expr = ((RelabelType *) expr)->arg;
	return IsA(expr, Var) &&
		(Index) ((Var *) expr)->varno == rel->relid &&
		((Var *) expr)->varattno == *(AttrNumber *) arg;
}

/*
 * add_parameterized_paths
 *		For join clauses "column = outer value" on the key or on a column
 *		the service can filter by equality, offer a scan repeated per outer
 *		row with the value in the URL: an item GET for the key (Django's
 *		select_related), a filtered GET otherwise.
 */
static void
add_parameterized_paths(PlannerInfo *root, RelOptInfo *baserel,
						RestRelationInfo *info)
{
	RestTable  *table = info->table;
	List	   *clauses = NIL;
	List	   *done = NIL;
	ListCell   *lc;
	int			i;

	if (info->key_expr != NULL)
		return;

	foreach(lc, baserel->joininfo)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		if (join_clause_is_movable_to(ri, baserel))
			clauses = lappend(clauses, ri);
	}
	for (i = 0; i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];
		AttrNumber	attnum = col->attnum;

		if (col->dropped ||
			!(col->is_key || (col->lookups & (1 << REST_LOOKUP_EXACT))))
			continue;
		clauses = list_concat(clauses,
							  generate_implied_equalities_for_column(root, baserel,
																	 ec_member_is_column,
																	 &attnum,
																	 baserel->lateral_referencers));
	}

	foreach(lc, clauses)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		Relids		required_outer;
		ParamPathInfo *ppi;
		bool		is_key;
		Cost		startup_cost;
		Cost		total_cost;
		double		rows;

		if (!join_clause_is_movable_to(ri, baserel))
			continue;
		is_key = RestFindKeyValue(root, baserel, table,
								list_make1(ri->clause)) != NULL;
		if (!is_key && !RestIsPushableCondition(root, baserel, table,
												ri->clause))
			continue;

		required_outer = bms_difference(ri->clause_relids, baserel->relids);
		if (bms_is_empty(required_outer))
			continue;
		ppi = get_baserel_parampathinfo(root, baserel, required_outer);
		if (list_member_ptr(done, ppi))
			continue;
		done = lappend(done, ppi);

		rows = is_key ? 1 : ppi->ppi_rows;
		RestScanCost(table, rows, &startup_cost, &total_cost);
		add_path(baserel, (Path *)
				 RestCreateForeignScanPath(root, baserel, NULL, rows,
										 startup_cost, total_cost, NIL,
										 ppi->ppi_req_outer, NULL, NIL));
	}
}

/*
 * restGetForeignUpperPaths
 *		Let the service compute count(*), distinct values and counts per
 *		group, and apply LIMIT/OFFSET.
 */
static void
restGetForeignUpperPaths(PlannerInfo *root, UpperRelationKind stage,
						 RelOptInfo *input_rel, RelOptInfo *output_rel,
						 void *extra)
{
	RestRelationInfo *info = input_rel->fdw_private;

	/* a GROUP BY that undoes a LEFT JOIN: the groups are the outer rows */
	if (stage == UPPERREL_GROUP_AGG && IS_JOIN_REL(input_rel) &&
		output_rel->fdw_private == NULL)
	{
		if (root->parse->hasAggs)
			add_group_count_join_path(root, input_rel, output_rel);
		else
			add_outer_groups_path(root, input_rel, output_rel);
		return;
	}

	/* otherwise only directly above a scan of one of our tables */
	if (info == NULL || output_rel->fdw_private != NULL ||
		IS_JOIN_REL(input_rel))
		return;

	switch (stage)
	{
		case UPPERREL_GROUP_AGG:
			if (input_rel->reloptkind == RELOPT_BASEREL)
			{
				add_count_path(root, info, input_rel, output_rel);
				add_group_path(root, info, input_rel, output_rel, stage);
			}
			break;
		case UPPERREL_DISTINCT:
			if (input_rel->reloptkind == RELOPT_BASEREL)
			{
				add_group_path(root, info, input_rel, output_rel, stage);
				add_distinct_expr_path(root, info, input_rel, output_rel);
			}
			break;
		case UPPERREL_ORDERED:
			/* remember the table for the final stage above */
			if (input_rel->reloptkind == RELOPT_BASEREL)
				output_rel->fdw_private = info;
			break;
		case UPPERREL_FINAL:
			add_final_path(root, info, output_rel, extra);
			break;
		default:
			break;
	}
}

/*
 * add_count_path
 *		SELECT count(*) FROM t WHERE <conditions all sent, and evaluated by
 *		the service as here>: the count the service reports with one small
 *		page.
 */
static void
add_count_path(PlannerInfo *root, RestRelationInfo *info,
			   RelOptInfo *input_rel, RelOptInfo *output_rel)
{
	Query	   *parse = root->parse;
	RestTable  *table = info->table;
	PathTarget *target = root->upper_targets[UPPERREL_GROUP_AGG];
	ListCell   *lc;
	bool		has_count = false;

	if (parse->groupClause || parse->groupingSets || parse->havingQual ||
		parse->hasWindowFuncs || info->key_expr != NULL)
		return;
	foreach(lc, target->exprs)
	{
		Node	   *expr = lfirst(lc);

		if (is_count_star(expr))
			has_count = true;
		else if (!IsA(expr, Const))
			return;
	}
	if (!has_count)
		return;

	/* the service would count other rows than we do */
	if (info->pushdown.local_conds != NIL)
		info->count_note = "a condition is checked only here";
	else if (info->pushdown.inexact_conds != NIL)
		info->count_note = "a sent condition is only approximate";
	else if (info->pushdown.has_in_list)
		info->count_note = "an IN list may be split over several requests";
	else if (!table->dialect->reports_total(table))
		info->count_note = "the table's pagination reports no count";
	if (info->count_note != NULL)
		return;

	output_rel->fdw_private = info;
	add_path(output_rel, (Path *)
			 RestCreateForeignUpperPath(root, output_rel, target, 1,
									   REST_REQUEST_COST, REST_REQUEST_COST,
									   NIL, NULL,
									   list_make4(makeInteger(REST_SCAN_COUNT),
												  makeBoolean(false),
												  makeInteger(0),
												  makeBoolean(false))));
}

/*
 * service_may_group
 *		May the service compute the groups or distinct values of this
 *		query's table: a dialect that asks for them, a plain SELECT without
 *		grouping sets, HAVING, window functions, set-returning functions,
 *		row locks or a fixed key, and every condition sent and evaluated by
 *		the service as here (else it would group other rows than we do)?
 */
static bool
service_may_group(PlannerInfo *root, RestRelationInfo *info)
{
	Query	   *parse = root->parse;

	return info->table->dialect->group_params != NULL &&
		!parse->groupingSets && !parse->havingQual &&
		!parse->hasWindowFuncs && !parse->hasTargetSRFs &&
		parse->rowMarks == NIL && parse->commandType == CMD_SELECT &&
		info->key_expr == NULL &&
		info->pushdown.local_conds == NIL &&
		info->pushdown.inexact_conds == NIL &&
		!info->pushdown.has_in_list;
}

/*
 * add_group_path
 *		SELECT DISTINCT c FROM t, SELECT c FROM t GROUP BY c and SELECT c,
 *		count(*) FROM t GROUP BY c, WHERE <conditions all sent, and
 *		evaluated by the service as here>, no HAVING: the rows of the
 *		service's distinct values or counts per group (the dialect's
 *		group_params), a row per group, NULL a group of its own.  An ORDER
 *		BY c is sent along (a second path); other orders and LIMIT stay
 *		here, above.
 */
static void
add_group_path(PlannerInfo *root, RestRelationInfo *info,
			   RelOptInfo *input_rel, RelOptInfo *output_rel,
			   UpperRelationKind stage)
{
	Query	   *parse = root->parse;
	RestTable  *table = info->table;
	PathTarget *target = root->upper_targets[stage];
	Var		   *var;
	bool		has_count = false;
	double		groups;
	Cost		startup_cost;
	Cost		total_cost;

	if (!service_may_group(root, info))
		return;
	if (stage == UPPERREL_DISTINCT)
	{
		if (parse->hasDistinctOn || parse->groupClause || parse->hasAggs)
			return;
		var = group_column(root, info, parse->distinctClause);
	}
	else
	{
		if (parse->distinctClause)
			return;
		var = group_column(root, info, parse->groupClause);
	}
	if (var == NULL || !group_target(info, target, var, &has_count) ||
		(stage == UPPERREL_DISTINCT && has_count))
		return;
	if (table->dialect->group_params(table, &table->columns[var->varattno - 1],
									 has_count) == NIL)
		return;

	groups = estimate_num_groups(root, list_make1(var), input_rel->rows,
								 NULL, NULL);
	RestScanCost(table, groups, &startup_cost, &total_cost);
	total_cost *= REST_GROUPED_SCAN_FACTOR;

	output_rel->fdw_private = info;
	add_path(output_rel, (Path *)
			 RestCreateForeignUpperPath(root, output_rel, target, groups,
									   startup_cost, total_cost, NIL, NULL,
									   list_make4(makeInteger(REST_SCAN_COLLECTION),
												  makeBoolean(false),
												  makeInteger(var->varattno),
												  makeBoolean(has_count))));

	/* the service sorts its groups, if the ORDER BY is the column's */
	if (root->sort_pathkeys != NIL &&
		RestGroupSortParams(table, root, input_rel, root->sort_pathkeys,
							&table->columns[var->varattno - 1]) != NIL)
		add_path(output_rel, (Path *)
				 RestCreateForeignUpperPath(root, output_rel, target, groups,
										   startup_cost,
										   total_cost * REST_SORTED_SCAN_FACTOR,
										   root->sort_pathkeys, NULL,
										   list_make4(makeInteger(REST_SCAN_COLLECTION),
													  makeBoolean(false),
													  makeInteger(var->varattno),
													  makeBoolean(has_count))));
}

/*
 * add_distinct_expr_path
 *		SELECT DISTINCT f(c) FROM t, every expression of the target made of
 *		one column c (Django's dates() and the admin's date_hierarchy:
 *		DATE_TRUNC('year', published)), WHERE <conditions all sent, and
 *		evaluated by the service as here>: the service's distinct values of
 *		c, f computed here on each, and a HashAggregate above that makes
 *		the results distinct.  It reads a row per distinct value of c
 *		rather than every row of the collection.  The results are those of
 *		every row as long as f gives one result for equal values of c: no
 *		volatile function, and a type whose equal values are identical
 *		(equal_means_identical).
 */
static void
add_distinct_expr_path(PlannerInfo *root, RestRelationInfo *info,
					   RelOptInfo *input_rel, RelOptInfo *output_rel)
{
	Query	   *parse = root->parse;
	RestTable  *table = info->table;
	PathTarget *target = root->upper_targets[UPPERREL_DISTINCT];
	Var		   *var;
	List	   *distinct_exprs;
	Path	   *values;
	double		nvalues;
	double		groups;
	Cost		startup_cost;
	Cost		total_cost;

	if (!service_may_group(root, info) || parse->hasDistinctOn ||
		parse->groupClause || parse->hasAggs || parse->distinctClause == NIL ||
		!grouping_is_hashable(parse->distinctClause) ||
		contain_volatile_functions((Node *) target->exprs))
		return;
	/* a plain column is add_group_path's */
	if (group_column(root, info, parse->distinctClause) != NULL)
		return;
	var = single_column(info, (Node *) target->exprs);
	if (var == NULL)
		return;
	if (table->dialect->group_params(table, &table->columns[var->varattno - 1],
									 false) == NIL)
		return;

	nvalues = estimate_num_groups(root, list_make1(var), input_rel->rows,
								  NULL, NULL);
	RestScanCost(table, nvalues, &startup_cost, &total_cost);
	total_cost *= REST_GROUPED_SCAN_FACTOR;
	output_rel->fdw_private = info;
	values = (Path *)
		RestCreateForeignUpperPath(root, output_rel, target, nvalues,
								   startup_cost, total_cost, NIL, NULL,
								   list_make4(makeInteger(REST_SCAN_COLLECTION),
											  makeBoolean(false),
											  makeInteger(var->varattno),
											  makeBoolean(false)));
	distinct_exprs = get_sortgrouplist_exprs(parse->distinctClause,
											 parse->targetList);
	groups = estimate_num_groups(root, distinct_exprs, nvalues, NULL, NULL);
	add_path(output_rel, (Path *)
			 create_agg_path(root, output_rel, values, target, AGG_HASHED,
							 AGGSPLIT_SIMPLE, parse->distinctClause, NIL,
							 NULL, groups));
}

/*
 * single_column
 *		The one column of the table the expression reads, if it reads one
 *		and its values group as here (groups_as_here); else NULL.
 */
static Var *
single_column(RestRelationInfo *info, Node *expr)
{
	List	   *vars = pull_var_clause(expr, PVC_RECURSE_PLACEHOLDERS);
	Var		   *var = NULL;
	ListCell   *lc;

	foreach(lc, vars)
	{
		Var		   *v = lfirst(lc);

		if (!groupable_column(info, v) ||
			(var != NULL && v->varattno != var->varattno))
			return NULL;
		var = v;
	}
	if (var == NULL ||
		!equal_means_identical(info->table->columns[var->varattno - 1].typid))
		return NULL;
	return var;
}

/*
 * equal_means_identical
 *		Are two values of the type equal only if they are the same value,
 *		so that any expression of them gives the same result: integers,
 *		booleans, dates, timestamps, uuids, and text and varchar (whose
 *		equality under a deterministic collation is bytewise)?  Not numeric
 *		(1.0 = 1.00), float (0 = -0), interval ('1 day' = '24 hours') or
 *		character(n), whose trailing spaces do not count.
 */
static bool
equal_means_identical(Oid typid)
{
	switch (getBaseType(typid))
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case BOOLOID:
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case UUIDOID:
		case TEXTOID:
		case VARCHAROID:
			return true;
		default:
			return false;
	}
}

/*
 * group_column
 *		The table's column a GROUP BY or DISTINCT of one expression groups
 *		by, when the service groups its values as here; NULL otherwise.
 */
static Var *
group_column(PlannerInfo *root, RestRelationInfo *info, List *clauses)
{
	Node	   *expr;

	if (list_length(clauses) != 1)
		return NULL;
	expr = get_sortgroupclause_expr(linitial(clauses),
									root->parse->targetList);
	if (!IsA(expr, Var) || !groupable_column(info, (Var *) expr))
		return NULL;
	return (Var *) expr;
}

/*
 * groupable_column
 *		Is the Var a column of the scanned table whose values the service
 *		groups as here?
 */
static bool
groupable_column(RestRelationInfo *info, Var *var)
{
	RestColumn *col;

	if ((Index) var->varno != info->relid || var->varlevelsup != 0 ||
		var->varattno <= 0 || var->varattno > info->table->ncolumns)
		return false;
	col = &info->table->columns[var->varattno - 1];
	return !col->dropped && groups_as_here(info->table, col, var);
}

/*
 * groups_as_here
 *		Does the service find the same groups of the column's values as the
 *		grouping here: a number, a boolean, a date or time, a uuid, or text
 *		compared as here (collation_matches, a deterministic collation)?
 *		JSON, arrays and other types stay here.
 */
static bool
groups_as_here(RestTable *table, RestColumn *col, Var *var)
{
	char		category;
	bool		preferred;
	Oid			typid = getBaseType(col->typid);

	get_type_category_preferred(typid, &category, &preferred);
	switch (category)
	{
		case TYPCATEGORY_NUMERIC:
		case TYPCATEGORY_BOOLEAN:
		case TYPCATEGORY_DATETIME:
			return true;
		case TYPCATEGORY_STRING:
			return table->collation_matches &&
				(!OidIsValid(var->varcollid) ||
				 get_collation_isdeterministic(var->varcollid));
		default:
			return typid == UUIDOID;
	}
}

/*
 * group_target
 *		Is every column and aggregate of the target the grouped column or
 *		the count of rows per group (is_group_count)?  *has_count says
 *		whether a count is.
 */
static bool
group_target(RestRelationInfo *info, PathTarget *target, Var *group_var,
			 bool *has_count)
{
	List	   *vars = pull_var_clause((Node *) target->exprs,
									   PVC_INCLUDE_AGGREGATES |
									   PVC_RECURSE_PLACEHOLDERS);
	ListCell   *lc;

	*has_count = false;
	foreach(lc, vars)
	{
		Node	   *node = lfirst(lc);

		if (IsA(node, Var) && ((Var *) node)->varno == group_var->varno &&
			((Var *) node)->varattno == group_var->varattno &&
			((Var *) node)->varlevelsup == 0)
			continue;
		if (!is_group_count(info, node))
			return false;
		*has_count = true;
	}
	return true;
}

/*
 * is_group_count
 *		Is this count(*), or count(c) of a NOT NULL column c of the table
 *		(Django's Count("id")), with no FILTER, DISTINCT or ORDER BY?
 */
static bool
is_group_count(RestRelationInfo *info, Node *node)
{
	Aggref	   *agg;
	TargetEntry *arg;
	Var		   *var;

	if (is_count_star(node))
		return true;
	if (!IsA(node, Aggref))
		return false;
	agg = (Aggref *) node;
	if (agg->aggfnoid != F_COUNT_ANY || agg->aggfilter != NULL ||
		agg->aggdistinct != NIL || agg->aggorder != NIL ||
		agg->agglevelsup != 0 || list_length(agg->args) != 1)
		return false;
	arg = linitial(agg->args);
	if (!IsA(arg->expr, Var))
		return false;
	var = (Var *) arg->expr;
	return (Index) var->varno == info->relid && var->varlevelsup == 0 &&
		var->varattno > 0 && var->varattno <= info->table->ncolumns &&
		info->table->columns[var->varattno - 1].not_null;
}

/*
 * is_count_star
 *		Is this count(*), with no FILTER, DISTINCT or ORDER BY?
 */
static bool
is_count_star(Node *node)
{
	Aggref	   *agg;

	if (!IsA(node, Aggref))
		return false;
	agg = (Aggref *) node;
	return agg->aggfnoid == F_COUNT_ && agg->aggstar &&
		agg->aggfilter == NULL && agg->aggdistinct == NIL &&
		agg->aggorder == NIL && agg->agglevelsup == 0;
}

/*
 * add_outer_groups_path
 *		SELECT <columns of a> FROM a LEFT JOIN b ON ... WHERE <conditions on
 *		a> GROUP BY <columns of a, among them its key>, without aggregates:
 *		Django's count of an annotated queryset (the paginator's SELECT
 *		count(*) FROM (SELECT a.id FROM a LEFT JOIN b ... GROUP BY 1)) and
 *		the admin's filter choices over it.  A LEFT JOIN keeps every row of
 *		a, once or with each of its matches, and the GROUP BY on a's key
 *		makes one group of each row of a and its matches; so the groups are
 *		the rows of a, and b need not be read at all.  That holds as long as
 *		the key identifies a row, as it does for item URLs, UPDATE and
 *		DELETE: no two rows of the collection share it and none lacks it.
 */
static void
add_outer_groups_path(PlannerInfo *root, RelOptInfo *input_rel,
					  RelOptInfo *output_rel)
{
	Query	   *parse = root->parse;
	PathTarget *target = root->upper_targets[UPPERREL_GROUP_AGG];
	RestRelationInfo *info;
	RestRelationInfo *inner;
	RelOptInfo *baserel;
	List	   *conds;
	double		rows;
	Cost		startup_cost;
	Cost		total_cost;

	if (parse->commandType != CMD_SELECT || parse->rowMarks != NIL ||
		parse->hasAggs || parse->groupingSets || parse->havingQual ||
		parse->hasWindowFuncs || parse->hasTargetSRFs ||
		parse->groupClause == NIL || !bms_is_empty(input_rel->lateral_relids))
		return;
	if (left_join(root, &info, &inner) == NULL || info->key_expr != NULL ||
		!groups_by_key(root, info, target, NULL))
		return;
	/* the outer table's conditions checked here filter its rows */
	conds = extract_actual_clauses(list_concat(list_copy(info->pushdown.local_conds),
											   info->pushdown.recheck_conds),
								   false);
	if (contain_subplans((Node *) conds))
		return;

	baserel = find_base_rel(root, info->relid);
	rows = baserel->rows;
	RestScanCost(info->table, rows, &startup_cost, &total_cost);
	output_rel->fdw_private = info;
	add_path(output_rel, (Path *)
			 RestCreateForeignUpperPath(root, output_rel, target, rows,
									   startup_cost, total_cost, NIL, NULL,
									   list_make4(makeInteger(REST_SCAN_COLLECTION),
												  makeBoolean(false),
												  makeInteger(0),
												  makeBoolean(false))));

	/* the service sorts the rows, if it can sort by the ORDER BY */
	if (root->sort_pathkeys != NIL &&
		RestSortParams(info->table, root, baserel, root->sort_pathkeys) != NIL)
		add_path(output_rel, (Path *)
				 RestCreateForeignUpperPath(root, output_rel, target, rows,
										   startup_cost,
										   total_cost * REST_SORTED_SCAN_FACTOR,
										   root->sort_pathkeys, NULL,
										   list_make4(makeInteger(REST_SCAN_COLLECTION),
													  makeBoolean(false),
													  makeInteger(0),
													  makeBoolean(false))));
}

/*
 * left_join
 *		If the query's FROM is "a LEFT JOIN b", two of our tables, and its
 *		WHERE reads only a, the join, with a's and b's planner information;
 *		else NULL.  The ON clause must not be volatile.  a comes first in
 *		the range table (as in every FROM Django writes), so that it is the
 *		scan's first base relation at execution (scan.c).
 */
static JoinExpr *
left_join(PlannerInfo *root, RestRelationInfo **outer_info,
		  RestRelationInfo **inner_info)
{
	FromExpr   *from = root->parse->jointree;
	JoinExpr   *join;
	Index		outer;
	Index		inner;
	RelOptInfo *outerrel;
	RelOptInfo *innerrel;

	if (list_length(from->fromlist) != 1 ||
		!IsA(linitial(from->fromlist), JoinExpr))
		return NULL;
	join = linitial(from->fromlist);
	if (join->jointype != JOIN_LEFT || !IsA(join->larg, RangeTblRef) ||
		!IsA(join->rarg, RangeTblRef) ||
		contain_volatile_functions(join->quals))
		return NULL;
	outer = ((RangeTblRef *) join->larg)->rtindex;
	inner = ((RangeTblRef *) join->rarg)->rtindex;
	if (outer >= inner ||
		!bms_is_subset(pull_varnos(root, from->quals),
					   bms_make_singleton(outer)))
		return NULL;
	outerrel = find_base_rel(root, outer);
	innerrel = find_base_rel(root, inner);
	if (outerrel->fdw_private == NULL || innerrel->fdw_private == NULL)
		return NULL;
	*outer_info = outerrel->fdw_private;
	*inner_info = innerrel->fdw_private;
	return join;
}

/*
 * groups_by_key
 *		Is every GROUP BY expression a column of the table, one of them its
 *		key, of a type whose equal values are identical under a
 *		deterministic collation (so that GROUP BY puts two rows together
 *		only when the service's keys are the same),
 *		and does the target read only the table's columns, and aggregates
 *		when aggregates is not NULL (they are added to it)?
 */
static bool
groups_by_key(PlannerInfo *root, RestRelationInfo *info, PathTarget *target,
			  List **aggregates)
{
	RestTable  *table = info->table;
	RestColumn *key;
	bool		has_key = false;
	ListCell   *lc;

	if (table->key_index < 0)
		return false;
	key = &table->columns[table->key_index];
	if (!equal_means_identical(key->typid))
		return false;
	foreach(lc, get_sortgrouplist_exprs(root->parse->groupClause,
										root->parse->targetList))
	{
		Var		   *var = lfirst(lc);

		if (!IsA(var, Var) || (Index) var->varno != info->relid ||
			var->varlevelsup != 0 || var->varattno <= 0)
			return false;
		/* a collation that calls 'A' and 'a' equal would merge two keys */
		if (var->varattno == key->attnum &&
			(!OidIsValid(var->varcollid) ||
			 get_collation_isdeterministic(var->varcollid)))
			has_key = true;
	}
	if (!has_key)
		return false;
	foreach(lc, pull_var_clause((Node *) target->exprs,
								PVC_INCLUDE_AGGREGATES |
								PVC_INCLUDE_PLACEHOLDERS))
	{
		Var		   *var = lfirst(lc);

		if (IsA(var, Aggref) && aggregates != NULL)
		{
			*aggregates = lappend(*aggregates, var);
			continue;
		}
		if (!IsA(var, Var) || (Index) var->varno != info->relid ||
			var->varlevelsup != 0 || var->varattno <= 0)
			return false;
	}
	return true;
}

/*
 * add_group_count_join_path
 *		SELECT <columns of a>, count(b.k) FROM a LEFT JOIN b ON a.key = b.fk
 *		[AND <conditions on b>] WHERE <conditions on a> GROUP BY <columns of
 *		a, its key among them> [HAVING <on a's columns and such counts>]:
 *		Django's Author.objects.annotate(Count("books")), and .filter() on
 *		the count, checked on each row of the scan.  Each group is a row of a
 *		(add_outer_groups_path), and its count the number of b's rows whose
 *		fk is a's key, which the service counts per value of fk
 *		(group_by=fk&aggregate=count, with b's conditions): a scan of a and
 *		one of b's counts, read whole and hashed by value (join.c), instead
 *		of every row of b.  k is b's key or a NOT NULL column (count(k)
 *		counts every matching row), the conditions on b are all sent and
 *		evaluated by the service as here, and fk groups as here.
 */
static void
add_group_count_join_path(PlannerInfo *root, RelOptInfo *input_rel,
						  RelOptInfo *output_rel)
{
	Query	   *parse = root->parse;
	PathTarget *target = root->upper_targets[UPPERREL_GROUP_AGG];
	RestRelationInfo *outer;
	RestRelationInfo *inner;
	RestTable  *it;
	RelOptInfo *outerrel;
	RelOptInfo *innerrel;
	JoinExpr   *join;
	List	   *aggregates = NIL;
	List	   *conds;
	Var		   *fk;
	List	   *private;
	double		rows;
	double		groups;
	Cost		outer_startup;
	Cost		outer_total;
	Cost		inner_startup;
	Cost		inner_total;
	Cost		startup_cost;
	Cost		total_cost;
	Cost		sorted_total_cost;
	ListCell   *lc;

	if (parse->commandType != CMD_SELECT || parse->rowMarks != NIL ||
		parse->groupingSets || parse->hasWindowFuncs ||
		parse->hasTargetSRFs || parse->groupClause == NIL ||
		!bms_is_empty(input_rel->lateral_relids))
		return;
	join = left_join(root, &outer, &inner);
	if (join == NULL || outer->key_expr != NULL || inner->key_expr != NULL ||
		!groups_by_key(root, outer, target, &aggregates) || aggregates == NIL ||
		!having_reads_groups(outer, (Node *) parse->havingQual, &aggregates))
		return;
	foreach(lc, aggregates)
		if (!counts_inner_rows(lfirst(lc), inner))
			return;
	fk = count_join_column(root, outer, inner, join);
	if (fk == NULL)
		return;

	/* the service counts the rows of b we would, per value of fk */
	it = inner->table;
	if (it->dialect->group_params == NULL ||
		inner->pushdown.local_conds != NIL ||
		inner->pushdown.inexact_conds != NIL || inner->pushdown.has_in_list ||
		!groupable_column(inner, fk) ||
		it->dialect->group_params(it, &it->columns[fk->varattno - 1],
								  true) == NIL)
		return;
	conds = extract_actual_clauses(list_concat(list_copy(outer->pushdown.local_conds),
											   outer->pushdown.recheck_conds),
								   false);
	if (contain_subplans((Node *) conds))
		return;

	outerrel = find_base_rel(root, outer->relid);
	innerrel = find_base_rel(root, inner->relid);
	rows = outerrel->rows;
	if (parse->havingQual != NULL)
		rows = clamp_row_est(rows * clauselist_selectivity(root,
														   (List *) parse->havingQual,
														   0, JOIN_INNER, NULL));
	groups = estimate_num_groups(root, list_make1(fk), innerrel->rows, NULL,
								 NULL);
	RestScanCost(outer->table, outerrel->rows, &outer_startup, &outer_total);
	RestScanCost(it, groups, &inner_startup, &inner_total);
	inner_total *= REST_GROUPED_SCAN_FACTOR;
	/* every count is read before the first row */
	startup_cost = inner_total + outer_startup;
	total_cost = inner_total + outer_total + cpu_tuple_cost * outerrel->rows;
	sorted_total_cost = inner_total + outer_total * REST_SORTED_SCAN_FACTOR +
		cpu_tuple_cost * outerrel->rows;

	private = list_make4(makeInteger(REST_SCAN_JOIN), makeBoolean(false),
						 makeInteger(fk->varattno), makeBoolean(true));
	output_rel->fdw_private = outer;
	add_path(output_rel, (Path *)
			 RestCreateForeignUpperPath(root, output_rel, target, rows,
									   startup_cost, total_cost, NIL, NULL,
									   private));

	/* the service sorts a's rows, if it can sort by the ORDER BY */
	if (root->sort_pathkeys != NIL &&
		RestSortParams(outer->table, root, outerrel,
					   root->sort_pathkeys) != NIL)
		add_path(output_rel, (Path *)
				 RestCreateForeignUpperPath(root, output_rel, target, rows,
										   startup_cost, sorted_total_cost,
										   root->sort_pathkeys, NULL,
										   private));
}

/*
 * count_join_column
 *		If the ON clause is "a.key = b.fk" and conditions on b alone (which
 *		are b's conditions, sent with its counts), b.fk; else NULL.  Both
 *		columns of one type whose values have one text, the one the rows
 *		are matched by (join.c), and the type's own equality under a
 *		deterministic collation.
 */
static Var *
count_join_column(PlannerInfo *root, RestRelationInfo *outer,
				  RestRelationInfo *inner, JoinExpr *join)
{
	RestTable  *ot = outer->table;
	List	   *quals = IsA(join->quals, List) ? (List *) join->quals
		: make_ands_implicit((Expr *) join->quals);
	Var		   *fk = NULL;
	ListCell   *lc;

	foreach(lc, quals)
	{
		Node	   *qual = lfirst(lc);
		OpExpr	   *op = (OpExpr *) qual;
		Bitmapset  *varnos = pull_varnos(root, qual);
		Var		   *left;
		Var		   *right;
		Var		   *key;
		TypeCacheEntry *type;

		if (bms_equal(varnos, bms_make_singleton(inner->relid)))
			continue;
		if (fk != NULL || !IsA(qual, OpExpr) || list_length(op->args) != 2)
			return NULL;
		left = linitial(op->args);
		right = lsecond(op->args);
		if (!IsA(left, Var) || !IsA(right, Var) ||
			left->varlevelsup != 0 || right->varlevelsup != 0)
			return NULL;
		key = (Index) left->varno == outer->relid ? left : right;
		fk = key == left ? right : left;
		if ((Index) key->varno != outer->relid ||
			(Index) fk->varno != inner->relid ||
			ot->key_index < 0 ||
			key->varattno != ot->columns[ot->key_index].attnum ||
			fk->varattno <= 0 || key->vartype != fk->vartype ||
			!equal_means_identical(key->vartype) ||
			!key_text_is_canonical(key->vartype, fk->vartype))
			return NULL;
		type = lookup_type_cache(key->vartype, TYPECACHE_EQ_OPR);
		if (op->opno != type->eq_opr ||
			(OidIsValid(op->inputcollid) &&
			 !get_collation_isdeterministic(op->inputcollid)))
			return NULL;
	}
	return fk;
}

/*
 * having_reads_groups
 *		Does the HAVING clause (NULL: none) read only a's columns and
 *		aggregates (added to aggregates), nothing volatile and no subquery,
 *		so that the scan can check it on each of its rows, the groups?
 *		(Django's annotate(n=Count("books")).filter(n__gt=0).)
 */
static bool
having_reads_groups(RestRelationInfo *outer, Node *having, List **aggregates)
{
	ListCell   *lc;

	if (having == NULL)
		return true;
	if (contain_volatile_functions(having) || contain_subplans(having))
		return false;
	foreach(lc, pull_var_clause(having, PVC_INCLUDE_AGGREGATES |
								PVC_INCLUDE_PLACEHOLDERS))
	{
		Var		   *var = lfirst(lc);

		if (IsA(var, Aggref))
			*aggregates = lappend(*aggregates, var);
		else if (!IsA(var, Var) || (Index) var->varno != outer->relid ||
				 var->varlevelsup != 0 || var->varattno <= 0)
			return false;
	}
	return true;
}

/*
 * counts_inner_rows
 *		Is the aggregate count(b.k), k b's key or a NOT NULL column: the
 *		number of b's rows in the group?
 */
static bool
counts_inner_rows(Aggref *agg, RestRelationInfo *inner)
{
	RestTable  *table = inner->table;
	TargetEntry *arg;
	Var		   *var;
	RestColumn *col;

	if (agg->aggfnoid != F_COUNT_ANY || agg->aggstar ||
		agg->aggfilter != NULL || agg->aggdistinct != NIL ||
		agg->aggorder != NIL || agg->agglevelsup != 0 ||
		list_length(agg->args) != 1)
		return false;
	arg = linitial(agg->args);
	var = (Var *) arg->expr;
	if (!IsA(var, Var) || (Index) var->varno != inner->relid ||
		var->varlevelsup != 0 || var->varattno <= 0)
		return false;
	col = &table->columns[var->varattno - 1];
	return col->not_null || var->varattno - 1 == table->key_index;
}

/*
 * add_final_path
 *		A scan that also applies the query's LIMIT and OFFSET, and its
 *		ORDER BY when there is one, on the service.  Only when every
 *		condition is sent and evaluated by the service as here: another
 *		condition would make the service's first rows the wrong ones.
 */
static void
add_final_path(PlannerInfo *root, RestRelationInfo *info,
			   RelOptInfo *output_rel, FinalPathExtraData *extra)
{
	Query	   *parse = root->parse;
	RestTable  *table = info->table;
	RelOptInfo *baserel = find_base_rel(root, info->relid);
	double		rows;
	Cost		startup_cost;
	Cost		total_cost;

	if (!extra->limit_needed || parse->rowMarks != NIL ||
		parse->hasTargetSRFs || parse->hasAggs || parse->groupClause ||
		parse->distinctClause || parse->hasWindowFuncs ||
		info->key_expr != NULL || parse->commandType != CMD_SELECT)
		return;
	info->limit_note = limit_refusal(root, info);
	if (info->limit_note != NULL)
		return;

	/* a LIMIT known only at execution: a tenth, as the planner guesses */
	if (extra->count_est > 0)
		rows = extra->count_est;
	else if (extra->count_est < 0)
		rows = clamp_row_est(baserel->rows * REST_UNKNOWN_LIMIT_FRACTION);
	else
		rows = baserel->rows;
	RestScanCost(table, rows, &startup_cost, &total_cost);

	output_rel->fdw_private = info;
	add_path(output_rel, (Path *)
			 RestCreateForeignUpperPath(root, output_rel,
									   root->upper_targets[UPPERREL_FINAL],
									   rows, startup_cost,
									   total_cost * REST_LIMITED_SCAN_FACTOR,
									   root->sort_pathkeys, NULL,
									   list_make4(makeInteger(REST_SCAN_COLLECTION),
												  makeBoolean(true),
												  makeInteger(0),
												  makeBoolean(false))));
}

/*
 * is_negative_const
 *		Is this LIMIT or OFFSET a negative constant?
 */
static bool
is_negative_const(Node *node)
{
	return node != NULL && IsA(node, Const) && !((Const *) node)->constisnull &&
		DatumGetInt64(((Const *) node)->constvalue) < 0;
}

/*
 * limit_refusal
 *		Why the service cannot apply the query's LIMIT and OFFSET to this
 *		scan, as EXPLAIN shows it; NULL if it can.
 */
static const char *
limit_refusal(PlannerInfo *root, RestRelationInfo *info)
{
	Query	   *parse = root->parse;
	RestTable  *table = info->table;
	RelOptInfo *baserel = find_base_rel(root, info->relid);

	if (info->pushdown.local_conds != NIL)
		return "a condition is checked only here";
	if (info->pushdown.inexact_conds != NIL)
		return "a sent condition is only approximate";
	if (info->pushdown.has_in_list)
		return "an IN list may be split over several requests";
	if (parse->limitOption == LIMIT_OPTION_WITH_TIES)
		return "WITH TIES needs the rows after the last";
	if (is_negative_const(parse->limitCount) ||
		is_negative_const(parse->limitOffset))
		return "a negative LIMIT or OFFSET is an error";
	if ((parse->limitCount && contain_var_clause(parse->limitCount)) ||
		(parse->limitOffset && contain_var_clause(parse->limitOffset)))
		return "the LIMIT or OFFSET depends on the rows";
	if (root->sort_pathkeys != NIL &&
		RestSortParams(table, root, baserel, root->sort_pathkeys) == NIL)
		return "the service cannot sort by the ORDER BY";
	if (!RestCanPushLimit(table, parse->limitCount, parse->limitOffset))
		return parse->limitCount == NULL ||
			(IsA(parse->limitCount, Const) &&
			 ((Const *) parse->limitCount)->constisnull)
			? "the table's pages cannot start at an OFFSET without LIMIT"
			: "the table's pagination cannot express this LIMIT and OFFSET";
	if (reads_system_column(root->upper_targets[UPPERREL_FINAL], info->relid))
		return "the query reads a system column";
	return NULL;
}

/*
 * reads_system_column
 *		Does the target read a system column of the table other than
 *		tableoid, which the scan of an upper relation cannot supply?
 */
static bool
reads_system_column(PathTarget *target, Index relid)
{
	List	   *vars = pull_var_clause((Node *) target->exprs,
									   PVC_RECURSE_PLACEHOLDERS);
	ListCell   *lc;

	foreach(lc, vars)
	{
		Var		   *var = lfirst(lc);

		if (IsA(var, Var) && (Index) var->varno == relid &&
			var->varattno < 0 && var->varattno != TableOidAttributeNumber)
			return true;
	}
	return false;
}

/*
 * add_fdw_expr
 *		Append an expression to fdw_exprs; return its index.
 */
static int
add_fdw_expr(List **fdw_exprs, Node *expr)
{
	*fdw_exprs = lappend(*fdw_exprs, expr);
	return list_length(*fdw_exprs) - 1;
}

/*
 * restGetForeignPlan
 *		Build the ForeignScan of a table, or of an upper relation computed
 *		by the service.
 */
static ForeignScan *
restGetForeignPlan(PlannerInfo *root, RelOptInfo *foreignrel,
				   Oid foreigntableid, ForeignPath *best_path,
				   List *tlist, List *scan_clauses, Plan *outer_plan)
{
	RestRelationInfo *info;
	RestTable  *table;
	RestPushdown pushdown;
	List	   *fdw_exprs;
	List	   *local_exprs;
	List	   *params;
	List	   *columns;
	Expr	   *key;
	int			key_index = -1;
	bool		ordered = false;
	char	   *explain_url;
	List	   *fdw_private;

	if (IS_JOIN_REL(foreignrel))
		return RestGetJoinPlan(root, foreignrel, best_path, tlist, outer_plan);
	if (IS_UPPER_REL(foreignrel))
		return plan_upper_scan(root, foreignrel, best_path, tlist, outer_plan);
	info = foreignrel->fdw_private;
	table = info->table;

	/*
	 * Classify the conditions again: a parameterized path adds join
	 * clauses to the restriction conditions.
	 */
	RestClassifyConditions(root, foreignrel, table, scan_clauses, &pushdown);
	key = RestFindKeyValue(root, foreignrel, table,
						 extract_actual_clauses(scan_clauses, false));

	if (key != NULL)
	{
		/* an item GET; every condition is checked here */
		fdw_exprs = NIL;
		key_index = add_fdw_expr(&fdw_exprs, (Node *) key);
		params = NIL;
		local_exprs = extract_actual_clauses(scan_clauses, false);
		explain_url = IsA(key, Const) && !((Const *) key)->constisnull
			? RestItemUrl(table,
						  RestDatumToUrlValue(((Const *) key)->constvalue,
											  ((Const *) key)->consttype))
			: RestItemUrl(table, NULL);
	}
	else
	{
		List	   *sort = NIL;

		fdw_exprs = pushdown.exprs;
		local_exprs = extract_actual_clauses(list_concat(list_copy(pushdown.local_conds),
														 pushdown.recheck_conds),
											 false);
		if (best_path->path.pathkeys != NIL)
		{
			sort = RestSortParams(table, root, foreignrel,
								  best_path->path.pathkeys);
			Assert(sort != NIL);
			ordered = true;
		}
		params = list_concat(list_copy(pushdown.params), sort);
		explain_url = NULL;
	}

	columns = retrieved_attrs(foreignrel, table, local_exprs);
	if (key == NULL)
	{
		params = list_concat(params, RestProjectionParams(table, columns));
		explain_url = RestExplainUrl(table, params, fdw_exprs);
	}

	fdw_private = scan_private(key ? REST_SCAN_ITEM : REST_SCAN_COLLECTION,
							   columns, explain_url, params, -1, -1,
							   key_index, ordered, info->limit_note,
							   info->count_note, NULL, NIL);

	return make_foreignscan(tlist, local_exprs, foreignrel->relid, fdw_exprs,
							fdw_private, NIL, NIL, outer_plan);
}

/*
 * scan_private
 *		The fdw_private list of a ForeignScan, in RestScanPrivate order.
 */
static List *
scan_private(RestScanKind kind, List *columns, char *explain_url,
			 List *params, int limit_index, int offset_index, int key_index,
			 bool ordered, const char *limit_note, const char *count_note,
			 const char *group_note, List *recheck_texts)
{
	List	   *result = NIL;

	result = lappend(result, makeInteger(kind));
	result = lappend(result, columns);
	result = lappend(result, makeString(explain_url));
	result = lappend(result, params);
	result = lappend(result, makeInteger(limit_index));
	result = lappend(result, makeInteger(offset_index));
	result = lappend(result, makeInteger(key_index));
	result = lappend(result, makeBoolean(ordered));
	result = lappend(result, makeString(pstrdup(limit_note ? limit_note : "")));
	result = lappend(result, makeString(pstrdup(count_note ? count_note : "")));
	result = lappend(result, recheck_texts);
	result = lappend(result, makeString(pstrdup(group_note ? group_note : "")));
	return result;
}

/*
 * condition_text
 *		A condition of the table as SQL text, for EXPLAIN and messages; a
 *		value of fdw_exprs reads $n as in the request EXPLAIN shows.
 */
static char *
condition_text(RestRelationInfo *info, Expr *clause, List **fdw_exprs)
{
	Node	   *copy = value_placeholders((Node *) clause, fdw_exprs);

	ChangeVarNodes(copy, info->relid, 1, 0);
	return deparse_expression(copy,
							  deparse_context_for(info->table->relname,
												  info->table->relid),
							  false, false);
}

/*
 * value_placeholders
 *		A copy of the expression in which every value the scan evaluates,
 *		an element of fdw_exprs other than a constant, is the placeholder
 *		$n of the n-th.  A Param of the executor is always replaced, added
 *		to fdw_exprs if need be: outside a plan tree, ruleutils.c cannot
 *		print it (PostgreSQL 17 crashes looking for the plan that sets it).
 */
static Node *
value_placeholders(Node *node, List **fdw_exprs)
{
	int			index = -1;
	ListCell   *lc;
	Param	   *placeholder;

	if (node == NULL || IsA(node, Const))
		return copyObject(node);
	foreach(lc, *fdw_exprs)
		if (equal(node, lfirst(lc)))
		{
			index = foreach_current_index(lc);
			break;
		}
	if (index < 0 && IsA(node, Param) &&
		((Param *) node)->paramkind == PARAM_EXEC)
		index = add_fdw_expr(fdw_exprs, node);
	if (index < 0)
		return expression_tree_mutator(node, value_placeholders, fdw_exprs);

	/* ruleutils.c prints an external Param without a referent as $n */
	placeholder = makeNode(Param);
	placeholder->paramkind = PARAM_EXTERN;
	placeholder->paramid = index + 1;
	placeholder->paramtype = exprType(node);
	placeholder->paramtypmod = exprTypmod(node);
	placeholder->paramcollid = exprCollation(node);
	placeholder->location = -1;
	return (Node *) placeholder;
}

/*
 * plan_upper_scan
 *		The ForeignScan of count(*), of the service's groups or of a scan
 *		with LIMIT/OFFSET: its tuples are described by fdw_scan_tlist, the
 *		table's columns it reads (a whole row and tableoid included) and the
 *		counts.
 *
 *		The conditions sent to a lenient service are checked again on each
 *		row; under a LIMIT the service applies, a row failing one means that
 *		the service ignored a filter the table says it honours, and rows
 *		would be missing.  So they are not the plan's filter, which would
 *		drop the row quietly, but fdw_recheck_quals, which the scan checks
 *		itself and fails on.
 */
static ForeignScan *
plan_upper_scan(PlannerInfo *root, RelOptInfo *foreignrel,
				ForeignPath *best_path, List *tlist, Plan *outer_plan)
{
	RestRelationInfo *info = foreignrel->fdw_private;
	RestTable  *table = info->table;
	RestScanKind kind = intVal(linitial(best_path->fdw_private));
	bool		limited = boolVal(list_nth(best_path->fdw_private,
										   RestPathLimit));
	int			group_attnum = intVal(list_nth(best_path->fdw_private,
											   RestPathGroupColumn));
	List	   *fdw_exprs = list_copy(info->pushdown.exprs);
	List	   *params = list_copy(info->pushdown.params);
	List	   *local_exprs = NIL;
	List	   *qual = NIL;
	const char *group_note = NULL;
	List	   *recheck_texts = NIL;
	List	   *scan_tlist = NIL;
	List	   *columns = NIL;
	List	   *retrieved = NIL;
	ListCell   *lc;
	int			limit_index = -1;
	int			offset_index = -1;
	bool		ordered = false;
	List	   *fdw_private;

	if (kind == REST_SCAN_JOIN)
	{
		RestRelationInfo *outer;
		RestRelationInfo *inner;

		/* add_group_count_join_path's join, found again */
		if (left_join(root, &outer, &inner) == NULL)
			elog(ERROR, "rest_fdw: no LEFT JOIN for the plan of a grouped join");
		return RestGetGroupCountJoinPlan(root, best_path, tlist, outer, inner,
										 group_attnum, outer_plan);
	}
	if (kind == REST_SCAN_COUNT)
	{
		/* the count(*) aggregates, matched by setrefs.c to the tlist */
		foreach(lc, root->upper_targets[UPPERREL_GROUP_AGG]->exprs)
		{
			Node	   *expr = lfirst(lc);

			if (is_count_star(expr) &&
				!tlist_member((Expr *) expr, scan_tlist))
			{
				scan_tlist = lappend(scan_tlist,
									 makeTargetEntry((Expr *) expr,
													 list_length(scan_tlist) + 1,
													 NULL, false));
				columns = lappend_int(columns, 0);
			}
		}
	}
	else if (group_attnum > 0)
	{
		bool		count = boolVal(list_nth(best_path->fdw_private,
											 RestPathGroupCount));

		/* the grouped column and the counts: a group row's two members */
		scan_tlist = add_to_flat_tlist(NIL,
									   pull_var_clause((Node *) tlist,
													   PVC_INCLUDE_AGGREGATES |
													   PVC_RECURSE_PLACEHOLDERS));
		foreach(lc, scan_tlist)
		{
			TargetEntry *tle = lfirst(lc);

			columns = lappend_int(columns, IsA(tle->expr, Var)
								  ? ((Var *) tle->expr)->varattno
								  : REST_ATTNUM_GROUP_COUNT);
		}
		params = list_concat(params,
							 table->dialect->group_params(table,
														  &table->columns[group_attnum - 1],
														  count));
		if (best_path->path.pathkeys != NIL)
		{
			params = list_concat(params,
								 RestGroupSortParams(table, root,
													 find_base_rel(root, info->relid),
													 best_path->path.pathkeys,
													 &table->columns[group_attnum - 1]));
			ordered = true;
		}
	}
	else if (!limited)
	{
		List	   *vars;

		/*
		 * The table's rows as its own scan reads them (the groups of
		 * add_outer_groups_path), its local conditions the plan's filter.
		 */
		qual = extract_actual_clauses(list_concat(list_copy(info->pushdown.local_conds),
												  info->pushdown.recheck_conds),
									  false);
		vars = pull_var_clause((Node *) list_concat(list_copy(tlist), qual),
							   PVC_RECURSE_PLACEHOLDERS);
		retrieved = vars_columns(info, vars);
		scan_tlist = add_to_flat_tlist(NIL, vars);
		foreach(lc, scan_tlist)
			columns = lappend_int(columns,
								  ((Var *) ((TargetEntry *) lfirst(lc))->expr)->varattno);
		if (best_path->path.pathkeys != NIL)
		{
			params = list_concat(params,
								 RestSortParams(table, root,
												find_base_rel(root, info->relid),
												best_path->path.pathkeys));
			ordered = true;
		}
		params = list_concat(params, RestProjectionParams(table, retrieved));
		group_note = psprintf("one per row of %s, whose key the GROUP BY has",
							  table->relname);
	}
	else
	{
		Query	   *parse = root->parse;
		RelOptInfo *baserel = find_base_rel(root, info->relid);
		List	   *vars;

		/* conditions sent to a lenient service are still checked here */
		local_exprs = extract_actual_clauses(info->pushdown.recheck_conds,
											 false);
		foreach(lc, local_exprs)
			recheck_texts = lappend(recheck_texts,
									makeString(condition_text(info, lfirst(lc),
															  &fdw_exprs)));
		vars = pull_var_clause((Node *) list_concat(list_copy(tlist),
													local_exprs),
							   PVC_RECURSE_PLACEHOLDERS);
		retrieved = vars_columns(info, vars);
		scan_tlist = add_to_flat_tlist(NIL, vars);
		foreach(lc, scan_tlist)
		{
			TargetEntry *tle = lfirst(lc);

			columns = lappend_int(columns, ((Var *) tle->expr)->varattno);
		}

		if (root->sort_pathkeys != NIL)
		{
			params = list_concat(params,
								 RestSortParams(table, root, baserel,
												root->sort_pathkeys));
			ordered = true;
		}
		params = list_concat(params, RestProjectionParams(table, retrieved));
		if (parse->limitCount)
			limit_index = add_fdw_expr(&fdw_exprs, parse->limitCount);
		if (parse->limitOffset)
			offset_index = add_fdw_expr(&fdw_exprs, parse->limitOffset);
	}

	fdw_private = scan_private(kind, columns,
							   upper_explain_url(table, kind, limited,
												 params, info->pushdown.exprs,
												 root->parse),
							   params, limit_index, offset_index, -1,
							   ordered, NULL, NULL, group_note,
							   recheck_texts);

	return make_foreignscan(tlist, qual, 0, fdw_exprs, fdw_private,
							scan_tlist, local_exprs, outer_plan);
}

/*
 * vars_columns
 *		The attnums of the table's columns these Vars read, a whole-row
 *		reference standing for every column.
 */
static List *
vars_columns(RestRelationInfo *info, List *vars)
{
	RestTable  *table = info->table;
	List	   *retrieved = NIL;
	ListCell   *lc;

	foreach(lc, vars)
	{
		Var		   *var = lfirst(lc);

		if (!IsA(var, Var) || (Index) var->varno != info->relid)
			continue;
		if (var->varattno == 0)
		{
			int			i;

			for (i = 0; i < table->ncolumns; i++)
				if (!table->columns[i].dropped)
					retrieved = list_append_unique_int(retrieved,
													   table->columns[i].attnum);
		}
		else if (var->varattno > 0)
			retrieved = list_append_unique_int(retrieved, var->varattno);
	}
	return retrieved;
}

/*
 * upper_explain_url
 *		The first URL of an upper scan as EXPLAIN shows it, with the page
 *		parameters of LIMIT and OFFSET when the scan applies them (limited)
 *		and they are constants.
 */
static char *
upper_explain_url(RestTable *table, RestScanKind kind, bool limited,
				  List *params, List *exprs, Query *parse)
{
	StringInfoData url;
	int64		limit = -1;
	int64		offset = 0;
	Node	   *lc = parse->limitCount;
	Node	   *oc = parse->limitOffset;

	initStringInfo(&url);
	appendStringInfoString(&url, RestExplainUrl(table, params, exprs));
	if (kind == REST_SCAN_COUNT)
	{
		RestAppendPageParams(&url, table, -1, 0, true);
		return url.data;
	}
	if (!limited)
	{
		RestAppendPageParams(&url, table, -1, 0, false);
		return url.data;
	}
	if ((lc && !IsA(lc, Const)) || (oc && !IsA(oc, Const)))
		return url.data;
	if (lc && !((Const *) lc)->constisnull)
		limit = DatumGetInt64(((Const *) lc)->constvalue);
	if (oc && !((Const *) oc)->constisnull)
		offset = DatumGetInt64(((Const *) oc)->constvalue);
	RestAppendPageParams(&url, table, limit, offset, false);
	return url.data;
}

/*
 * rest_user_for_rel
 *		The user whose mapping a scan of this relation uses.
 */
static Oid
rest_user_for_rel(PlannerInfo *root, RelOptInfo *baserel)
{
	Oid			userid = RestRelCheckAsUser(root, baserel);

	return OidIsValid(userid) ? userid : GetUserId();
}

/*
 * RestFindKeyValue
 *		Find a condition "key = value" among the clauses, where the value
 *		can be computed before the scan starts (it may come from an outer
 *		relation of a nested loop); return the value.
 *
 * The row is then addressed by the value's text, so the condition must be
 * the key type's own equality on the column as it is (WHERE id = 1.0 on a
 * bigint key compares numerics, and no item is called "1.0"), and the
 * value of a type whose text is the key's canonical text.
 */
Expr *
RestFindKeyValue(PlannerInfo *root, RelOptInfo *baserel, RestTable *table,
			   List *clauses)
{
	ListCell   *lc;
	RestColumn *key;
	Oid			opfamily;

	if (table->key_index < 0)
		return NULL;
	key = &table->columns[table->key_index];
	/* the default btree family, from the type cache (no catalog scan) */
	opfamily = lookup_type_cache(key->typid,
								 TYPECACHE_BTREE_OPFAMILY)->btree_opf;
	if (!OidIsValid(opfamily))
		return NULL;

	foreach(lc, clauses)
	{
		Expr	   *clause = lfirst(lc);
		OpExpr	   *op;
		Node	   *left;
		Node	   *right;

		if (!IsA(clause, OpExpr))
			continue;
		op = (OpExpr *) clause;
		if (list_length(op->args) != 2 ||
			get_op_opfamily_strategy(op->opno, opfamily) != BTEqualStrategyNumber)
			continue;
		if (OidIsValid(op->inputcollid) &&
			!get_collation_isdeterministic(op->inputcollid))
			continue;

		left = linitial(op->args);
		right = lsecond(op->args);
		if (!is_key_column(baserel, key, left))
		{
			Node	   *tmp = left;

			left = right;
			right = tmp;
		}
		if (!is_key_column(baserel, key, left) ||
			!key_text_is_canonical(key->typid, exprType(right)))
			continue;
		if (bms_is_member(baserel->relid, pull_varnos(root, right)) ||
			contain_volatile_functions(right) || contain_subplans(right))
			continue;
		return (Expr *) right;
	}
	return NULL;
}

/*
 * is_key_column
 *		Is the node the key column, read as it is (relabelings between
 *		binary-compatible types aside)?
 */
static bool
is_key_column(RelOptInfo *baserel, RestColumn *key, Node *node)
{
	while (IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	return IsA(node, Var) &&
		(Index) ((Var *) node)->varno == baserel->relid &&
		((Var *) node)->varlevelsup == 0 &&
		((Var *) node)->varattno == key->attnum;
}

/*
 * key_text_is_canonical
 *		Is the text of a value of type valtype, equal to a key of type
 *		keytype, the text the service knows that key by?  Integers of any
 *		width for integer keys, strings for string keys (not char(n), which
 *		pads), and otherwise the key's own type, unless its equal values
 *		have several texts (numeric 1.0 and 1, floats).
 */
static bool
key_text_is_canonical(Oid keytype, Oid valtype)
{
	Oid			key = getBaseType(keytype);
	Oid			val = getBaseType(valtype);

	switch (key)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			return val == INT2OID || val == INT4OID || val == INT8OID;
		case TEXTOID:
		case VARCHAROID:
			return val == TEXTOID || val == VARCHAROID;
		case NUMERICOID:
		case FLOAT4OID:
		case FLOAT8OID:
		case BPCHAROID:
			return false;
		default:
			return val == key;
	}
}

/*
 * retrieved_attrs
 *		The columns the query reads: only those are converted from JSON.
 */
static List *
retrieved_attrs(RelOptInfo *baserel, RestTable *table, List *local_exprs)
{
	Bitmapset  *attrs_used = NULL;
	List	   *result = NIL;
	int			i;
	bool		whole_row;

	pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid,
				   &attrs_used);
	pull_varattnos((Node *) local_exprs, baserel->relid, &attrs_used);

	whole_row = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber,
							  attrs_used);
	for (i = 0; i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];

		if (col->dropped)
			continue;
		if (whole_row ||
			bms_is_member(col->attnum - FirstLowInvalidHeapAttributeNumber,
						  attrs_used))
			result = lappend_int(result, col->attnum);
	}
	return result;
}

/*
 * restAddForeignUpdateTargets
 *		Ask for the key column as the row identity of UPDATE and DELETE.
 */
static void
restAddForeignUpdateTargets(PlannerInfo *root, Index rtindex,
							RangeTblEntry *target_rte,
							Relation target_relation)
{
	Oid			userid = RestTargetCheckAsUser(root, target_rte);
	RestTable  *table;
	RestColumn *key;
	Var		   *var;

	/* a view's owner, as the scan's (rest_user_for_rel) */
	table = RestGetTable(RelationGetRelid(target_relation),
						 OidIsValid(userid) ? userid : GetUserId());

	if (table->key_index < 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
				 errmsg("foreign table \"%s\" has no key column",
						table->relname),
				 errdetail("UPDATE and DELETE address rows by their key."),
				 errhint("Name the key column with the table option \"key\", or add a column named \"id\".")));

	key = &table->columns[table->key_index];
	var = makeVar(rtindex, key->attnum, key->typid, key->typmod,
				  get_typcollation(key->typid), 0);
	add_row_identity_var(root, var, rtindex, REST_KEY_JUNK);

	/*
	 * DELETE ... RETURNING returns the row as the scan read it, so that the
	 * service need not be asked for it again; with option undo, the undo
	 * of an UPDATE or DELETE restores that row (undo.c).
	 */
	if ((root->parse->commandType == CMD_DELETE &&
		 root->parse->returningList != NIL) || table->undo)
		add_row_identity_var(root,
							 makeWholeRowVar(target_rte, rtindex, 0, false),
							 rtindex, "wholerow");
}

/*
 * restPlanForeignModify
 *		Record which columns an INSERT names or an UPDATE sets, whether
 *		RETURNING is used, and ON CONFLICT DO NOTHING.
 */
static List *
restPlanForeignModify(PlannerInfo *root, ModifyTable *plan,
					  Index resultRelation, int subplan_index)
{
	List	   *updated = NIL;
	bool		has_returning = plan->returningLists != NIL;
	bool		do_nothing = false;

	/*
	 * PostgreSQL itself refuses the forms that need a unique index (a
	 * conflict target, DO UPDATE), which a foreign table has not.
	 */
	if (plan->onConflictAction == ONCONFLICT_NOTHING)
		do_nothing = true;
	else if (plan->onConflictAction != ONCONFLICT_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ON CONFLICT DO UPDATE is not supported on foreign table \"%s\"",
						get_rel_name(planner_rt_fetch(resultRelation, root)->relid))));

	if (plan->operation == CMD_INSERT)
	{
		/*
		 * The columns the INSERT names are always sent; the others when
		 * defaults or triggers leave a value in them (insert_columns).
		 */
		RangeTblEntry *rte = planner_rt_fetch(resultRelation, root);
		int			col = -1;

		Bitmapset  *cols = RestInsertedCols(root, rte);
		while ((col = bms_next_member(cols, col)) >= 0)
		{
			AttrNumber	attno = col + FirstLowInvalidHeapAttributeNumber;

			if (attno > InvalidAttrNumber)
				updated = lappend_int(updated, attno);
		}
	}
	else if (plan->operation == CMD_UPDATE)
	{
		RelOptInfo *rel = find_base_rel(root, resultRelation);
		Bitmapset  *cols = get_rel_all_updated_cols(root, rel);
		int			col = -1;

		while ((col = bms_next_member(cols, col)) >= 0)
		{
			AttrNumber	attno = col + FirstLowInvalidHeapAttributeNumber;

			if (attno <= InvalidAttrNumber)
				elog(ERROR, "system-column update is not supported");
			updated = lappend_int(updated, attno);
		}
	}

	return list_make4(updated, makeBoolean(has_returning),
					  makeBoolean(plan->withCheckOptionLists != NIL &&
								  list_nth(plan->withCheckOptionLists,
										   subplan_index) != NIL),
					  makeBoolean(do_nothing));
}

/*
 * restIsForeignRelUpdatable
 *		INSERT, UPDATE and DELETE, unless the table says "updatable false".
 */
static int
restIsForeignRelUpdatable(Relation rel)
{
	ForeignTable *ft = GetForeignTable(RelationGetRelid(rel));
	ListCell   *lc;

	foreach(lc, ft->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, "updatable") == 0 && !defGetBoolean(def))
			return 0;
	}
	return (1 << CMD_INSERT) | (1 << CMD_UPDATE) | (1 << CMD_DELETE);
}

/*
 * restPlanDirectModify
 *		Turn "UPDATE t SET col = value... WHERE key = value" and "DELETE FROM
 *		t WHERE key = value" into one PATCH or DELETE of the item, without
 *		reading it first.  The 404 of a missing item counts 0 rows.  An
 *		UPDATE that PUTs the whole row (update_method 'put') reads it first.
 */
static bool
restPlanDirectModify(PlannerInfo *root, ModifyTable *plan,
					 Index resultRelation, int subplan_index)
{
	CmdType		operation = plan->operation;
	Plan	   *subplan = outerPlan(plan);
	ForeignScan *fscan;
	RelOptInfo *baserel;
	RestRelationInfo *info;
	RangeTblEntry *rte;
	Relation	rel;
	bool		has_triggers;
	Expr	   *key;
	List	   *fdw_exprs;
	List	   *set_attrs = NIL;
	bool		has_returning = plan->returningLists != NIL;

	if ((operation != CMD_UPDATE && operation != CMD_DELETE) ||
		subplan == NULL || !IsA(subplan, ForeignScan))
		return false;
	fscan = (ForeignScan *) subplan;
	if (fscan->scan.scanrelid != resultRelation ||
		intVal(list_nth(fscan->fdw_private, RestScanKindItem)) != REST_SCAN_ITEM)
		return false;

	/* the key's condition must be the only one */
	baserel = find_base_rel(root, resultRelation);
	info = baserel->fdw_private;
	if (list_length(fscan->scan.plan.qual) != 1 || info->table->undo ||
		(operation == CMD_UPDATE && info->table->update_put))
		return false;
	key = RestFindKeyValue(root, baserel, info->table, fscan->scan.plan.qual);
	if (key == NULL ||
		!equal(key, list_nth(fscan->fdw_exprs,
							 intVal(list_nth(fscan->fdw_private, RestScanKeyExpr)))))
		return false;

	/* row triggers need the old row */
	rte = planner_rt_fetch(resultRelation, root);
	rel = table_open(rte->relid, NoLock);
	has_triggers = rel->trigdesc != NULL &&
		(operation == CMD_UPDATE
		 ? (rel->trigdesc->trig_update_before_row ||
			rel->trigdesc->trig_update_after_row)
		 : (rel->trigdesc->trig_delete_before_row ||
			rel->trigdesc->trig_delete_after_row));
	table_close(rel, NoLock);
	if (has_triggers)
		return false;

	/* DELETE ... RETURNING needs the row, which not every service returns */
	if (operation == CMD_DELETE && has_returning &&
		!info->table->dialect->delete_returns_row)
		return false;

	fdw_exprs = list_make1(key);
	if (operation == CMD_UPDATE)
	{
		List	   *processed_tlist = NIL;
		List	   *update_colnos = NIL;
		ListCell   *lc;
		ListCell   *lc2;

		get_translated_update_targetlist(root, resultRelation,
										 &processed_tlist, &update_colnos);
		forboth(lc, processed_tlist, lc2, update_colnos)
		{
			TargetEntry *tle = lfirst_node(TargetEntry, lc);
			AttrNumber	attno = lfirst_int(lc2);

			/*
			 * New values may not depend on the old row; the key and the
			 * nested members a PATCH cannot change alone are sent only when
			 * they change (update_columns).
			 */
			if (attno <= InvalidAttrNumber ||
				contain_var_clause((Node *) tle->expr) ||
				contain_volatile_functions((Node *) tle->expr) ||
				contain_subplans((Node *) tle->expr) ||
				attno - 1 == info->table->key_index ||
				!RestColumnUpdatable(info->table,
									 &info->table->columns[attno - 1]))
				return false;
			set_attrs = lappend_int(set_attrs, attno);
			fdw_exprs = lappend(fdw_exprs, tle->expr);
		}
	}

	fscan->operation = operation;
	fscan->resultRelation = resultRelation;
	fscan->fdw_exprs = fdw_exprs;
	fscan->fdw_private = list_make4(set_attrs, makeBoolean(has_returning),
									makeBoolean(plan->canSetTag),
									makeString(IsA(key, Const) && !((Const *) key)->constisnull
											   ? RestItemUrl(info->table,
															 RestDatumToUrlValue(((Const *) key)->constvalue,
																				 ((Const *) key)->consttype))
											   : RestItemUrl(info->table, NULL)));
	fscan->scan.plan.qual = NIL;
	return true;
}
