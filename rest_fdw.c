/*-------------------------------------------------------------------------
 *
 * rest_fdw.c
 *		  Foreign-data wrapper for REST services: the FDW callbacks.
 *
 * A foreign table stands for a collection of a REST service.  A scan is a
 * GET of the collection, page after page (pager.c), with the conditions,
 * order, limit and offset the service can apply put in the URL
 * (deparse.c), or a GET of one item when the query fixes the key;
 * count(*) reads the count the service reports.  INSERT is a POST to the
 * collection, UPDATE a PATCH and DELETE a DELETE of the item, and
 * RETURNING is filled from the service's response.  How a service says
 * each of these is its dialect's (dialect.h).
 *
 * Design assumptions:
 * - A scan holds at most one page of the response in memory, and reads its
 *   rows in place with the streaming reader of json.c; each row's datums
 *   live in a context reset per row.
 * - A condition sent to a service that may ignore it is checked locally
 *   too, and LIMIT/OFFSET and count(*) are sent only when every condition
 *   is sent and evaluated by the service as here; so no wrong row reaches
 *   the query.  Under a LIMIT the service applies, a row failing such a
 *   check is an error: the service ignored a filter and rows are missing.
 * - Pages that cannot start at an OFFSET are read from row 0 and the rows
 *   skipped here; numbered pages are checked to be the window asked for
 *   before a row of them is returned.
 * - Writes take effect on the service at once; a ROLLBACK does not undo
 *   them.
 *
 * The callbacks come in the order PostgreSQL calls them: planning a scan
 * (rel size, paths, upper paths, plan), planning a modification (update
 * targets, plan, updatability, direct modification), then executing a scan
 * (begin, iterate, rescan, end, explain), a modification (begin, insert,
 * batch insert, update, delete, end, explain), a direct modification, and
 * TRUNCATE; each is followed by its helpers.
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
/* Rows per page assumed when the table does not say. */
#define REST_DEFAULT_PAGE_ROWS	100.0

/*
 * A scan the service sorts costs a little more than the plain one, so that
 * the planner takes it only where the order is of use.
 */
#define REST_SORTED_SCAN_FACTOR	1.01
/*
 * A scan that sends LIMIT and OFFSET costs half the scan of its rows, so
 * that the planner prefers it to a local Limit over the same scan.
 */
#define REST_LIMITED_SCAN_FACTOR	0.5
/* Rows a LIMIT known only at execution keeps, as the planner guesses. */
#define REST_UNKNOWN_LIMIT_FRACTION	0.10

/* Name of the junk column that carries the key to UPDATE and DELETE. */
#define REST_KEY_JUNK			"rest_key"

/*
 * Planner information about a foreign table (baserel->fdw_private), and
 * about an upper relation computed by the service.
 */
typedef struct RestRelationInfo
{
	RestTable  *table;
	Index		relid;			/* the table's range table index */
	Expr	   *key_expr;		/* value fixing the key, or NULL */
	RestPushdown pushdown;		/* of the restriction conditions */
	double		rows;			/* estimated rows of the collection */
	const char *limit_note;		/* why the query's LIMIT stays local */
	const char *count_note;		/* why its count(*) is not the service's */
	double		remote_rows;	/* rows the service counts for the
								 * conditions sent, or -1 if not asked */
} RestRelationInfo;

/*
 * Indexes of the items of a ForeignScan's fdw_private list.
 */
enum RestScanPrivate
{
	RestScanKindItem,			/* Integer: RestScanKind */
	RestScanColumns,			/* List of Integer: per scan tuple column,
								 * the table's attnum (0 for the count) */
	RestScanExplainUrl,			/* String: URL shown by EXPLAIN */
	RestScanParams,				/* List: URL parameter templates */
	RestScanLimitExpr,			/* Integer: index in fdw_exprs, or -1 */
	RestScanOffsetExpr,			/* Integer: index in fdw_exprs, or -1 */
	RestScanKeyExpr,			/* Integer: index in fdw_exprs, or -1 */
	RestScanOrdered,			/* Boolean: the service sorts */
	RestScanLimitNote,			/* String: why LIMIT stays local, or "" */
	RestScanCountNote,			/* String: why count(*) stays local, or "" */
	RestScanRecheckTexts		/* List of String: fdw_recheck_quals as text */
};

/*
 * What a scan tuple column holds besides a table column (slot_columns).
 */
#define REST_SLOT_COUNT			(-1)	/* the service's row count */
#define REST_SLOT_NULL			(-2)	/* a column the query does not read */
#define REST_SLOT_WHOLE_ROW		(-3)	/* the row as a composite value */
#define REST_SLOT_TABLEOID		(-4)	/* the foreign table's OID */

/*
 * Indexes of the items of a ForeignPath's fdw_private list (upper paths).
 */
enum RestPathPrivate
{
	RestPathKind,				/* Integer: RestScanKind */
	RestPathLimit,				/* Boolean: LIMIT/OFFSET pushed */
};

/*
 * Execution state of a scan: what the plan says, and its pages (pager.c).
 */
typedef struct RestScanState
{
	RestTable  *table;
	RestScanKind kind;
	int		   *slot_columns;	/* per slot column: table column index, or
								 * REST_SLOT_* */
	int			nslot_columns;
	char	   *explain_url;
	List	   *params;			/* URL parameter templates */
	List	   *expr_states;	/* ExprState per value */
	RestParamValue *values;		/* their values for this (re)scan */
	int			limit_index;
	int			offset_index;
	int			key_index;
	bool		ordered;
	char	   *limit_note;		/* why LIMIT stays local, or "" */
	char	   *count_note;		/* why count(*) stays local, or "" */
	List	   *recheck_texts;	/* char *: sent conditions checked per row */
	List	   *recheck_states; /* ExprState per such condition */
	TupleDesc	row_desc;		/* of a whole-row column, or NULL */
	bool		started;		/* the pager is started */
	RestPager	pager;			/* the requests and the current row */
} RestScanState;

/*
 * Indexes of the items of a ModifyTable's fdw_private list.
 */
enum RestModifyPrivate
{
	RestModifyUpdatedAttrs,		/* List of Integer: columns INSERT names or
								 * UPDATE sets */
	RestModifyHasReturning,		/* Boolean: RETURNING present */
	RestModifyCheckOption,		/* Boolean: WITH CHECK OPTION present */
	RestModifyDoNothing			/* Boolean: INSERT ... ON CONFLICT DO
								 * NOTHING */
};

/*
 * Indexes of the items of the fdw_private list of a ForeignScan that
 * modifies rows directly.
 */
enum RestDirectPrivate
{
	RestDirectSetAttrs,			/* List of Integer: columns UPDATE sets */
	RestDirectHasReturning,		/* Boolean: RETURNING present */
	RestDirectCanSetTag,		/* Boolean: count rows for the command */
	RestDirectExplainUrl		/* String: URL shown by EXPLAIN */
};

/*
 * What the service did with a row an INSERT, UPDATE or DELETE sent.
 */
typedef enum RestWriteOutcome
{
	REST_WRITE_NONE,			/* nothing written: no such row, or a
								 * duplicate skipped */
	REST_WRITE_DONE,			/* written; the slot holds what was sent */
	REST_WRITE_ROW				/* written; the slot holds the row the
								 * service returned */
} RestWriteOutcome;

/*
 * Execution state of an INSERT, UPDATE or DELETE.
 */
typedef struct RestModifyState
{
	RestTable  *table;
	RestConnection *conn;
	CmdType		operation;
	AttrNumber	key_attno;		/* junk column with the key */
	AttrNumber	wholerow_attno; /* junk whole row: the old row */
	bool	   *target;			/* per column: INSERT names it, UPDATE sets
								 * it */
	bool		has_returning;
	bool		need_row;		/* RETURNING, AFTER ROW triggers or WITH
								 * CHECK OPTION read the row written */
	bool		do_nothing;		/* skip rows the service holds already */
	RestJsonValue *values;
	MemoryContext temp_cxt;		/* reset per row */
	RestStats	stats;
} RestModifyState;

PG_FUNCTION_INFO_V1(rest_fdw_handler);
PG_FUNCTION_INFO_V1(rest_fdw_version);

/* planner */
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

/* executor: scans */
static void restBeginForeignScan(ForeignScanState *node, int eflags);
static TupleTableSlot *restIterateForeignScan(ForeignScanState *node);
static void restReScanForeignScan(ForeignScanState *node);
static void restEndForeignScan(ForeignScanState *node);
static void restShutdownForeignScan(ForeignScanState *node);
static void restExplainForeignScan(ForeignScanState *node, ExplainState *es);

/* executor: modifications */
static void restBeginForeignModify(ModifyTableState *mtstate,
								   ResultRelInfo *rinfo, List *fdw_private,
								   int subplan_index, int eflags);
static TupleTableSlot *restExecForeignInsert(EState *estate,
											 ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
static int	restGetForeignModifyBatchSize(ResultRelInfo *rinfo);
static TupleTableSlot **restExecForeignBatchInsert(EState *estate,
												   ResultRelInfo *rinfo,
												   TupleTableSlot **slots,
												   TupleTableSlot **planSlots,
												   int *numSlots);
static TupleTableSlot *restExecForeignUpdate(EState *estate,
											 ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
static TupleTableSlot *restExecForeignDelete(EState *estate,
											 ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
static void restEndForeignModify(EState *estate, ResultRelInfo *rinfo);
static void restExplainForeignModify(ModifyTableState *mtstate,
									 ResultRelInfo *rinfo, List *fdw_private,
									 int subplan_index, ExplainState *es);

static void restExecForeignTruncate(List *rels, DropBehavior behavior,
									bool restart_seqs);

/* executor: direct modifications */
static bool restPlanDirectModify(PlannerInfo *root, ModifyTable *plan,
								 Index resultRelation, int subplan_index);
static void restBeginDirectModify(ForeignScanState *node, int eflags);
static TupleTableSlot *restIterateDirectModify(ForeignScanState *node);
static void restEndDirectModify(ForeignScanState *node);
static void restExplainDirectModify(ForeignScanState *node, ExplainState *es);

/* planner helpers */
static Oid	rest_user_for_rel(PlannerInfo *root, RelOptInfo *baserel);
static Expr *find_key_value(PlannerInfo *root, RelOptInfo *baserel,
							RestTable *table, List *clauses);
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
static const char *limit_refusal(PlannerInfo *root, RestRelationInfo *info);
static bool reads_system_column(PathTarget *target, Index relid);
static ForeignScan *plan_upper_scan(PlannerInfo *root, RelOptInfo *foreignrel,
									ForeignPath *best_path, List *tlist,
									Plan *outer_plan);
static int	add_fdw_expr(List **fdw_exprs, Node *expr);
static List *scan_private(RestScanKind kind, List *columns, char *explain_url,
						  List *params, int limit_index, int offset_index,
						  int key_index, bool ordered, const char *limit_note,
						  const char *count_note, List *recheck_texts);
static char *condition_text(RestRelationInfo *info, Expr *clause,
							List **fdw_exprs);
static Node *value_placeholders(Node *node, List **fdw_exprs);
static List *vars_columns(RestRelationInfo *info, List *vars);
static char *upper_explain_url(RestTable *table, RestScanKind kind,
							   List *params, List *exprs, Query *parse);

/* executor helpers */
static void map_slot_columns(RestScanState *st, ForeignScan *plan);
static void start_scan(RestScanState *st, ForeignScanState *node);
static void check_sent_conditions(RestScanState *st, ForeignScanState *node,
								  TupleTableSlot *slot);
static Datum whole_row_datum(RestScanState *st);
static void store_row(RestScanState *st, TupleTableSlot *slot);
static void store_count(RestScanState *st, TupleTableSlot *slot,
						int64 count);
static int64 eval_int8(RestScanState *st, int index);

/* modification helpers */
static Oid	result_rel_user(ResultRelInfo *rinfo, EState *estate);
static bool *insert_columns(RestModifyState *st, TupleTableSlot *slot);
static List *insert_headers(RestModifyState *st, bool representation);
static RestWriteOutcome insert_row(RestModifyState *st, TupleTableSlot *slot);
static int	insert_rows(RestModifyState *st, TupleTableSlot **slots,
						bool **columns, int nslots);
static int	count_returned_rows(RestModifyState *st, RestRequest *req,
								RestResponse *resp);
static bool *update_columns(RestModifyState *st, TupleTableSlot *slot,
							TupleTableSlot *planSlot);
static RestWriteOutcome write_outcome(RestModifyState *st, RestRequest *req,
									  RestResponse *resp,
									  TupleTableSlot *slot, bool read_row);
static bool response_is_empty_array(RestResponse *resp);
static pg_noreturn void written_row_error(CmdType operation, RestRequest *req,
										 RestResponse *resp,
										 ErrorData *edata);
static bool response_row(RestTable *table, const char *url,
						 RestResponse *resp, RestJsonValue *values);
static void fill_slot_from_response(RestModifyState *st, TupleTableSlot *slot,
									const char *url);
static char *key_text_from_plan_slot(RestModifyState *st,
									 TupleTableSlot *planSlot);
static List *returning_extra_headers(RestTable *table, CmdType operation);

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
	routine->BeginForeignScan = restBeginForeignScan;
	routine->IterateForeignScan = restIterateForeignScan;
	routine->ReScanForeignScan = restReScanForeignScan;
	routine->EndForeignScan = restEndForeignScan;
	routine->ShutdownForeignScan = restShutdownForeignScan;
	routine->ExplainForeignScan = restExplainForeignScan;

	routine->AddForeignUpdateTargets = restAddForeignUpdateTargets;
	routine->PlanForeignModify = restPlanForeignModify;
	routine->BeginForeignModify = restBeginForeignModify;
	routine->ExecForeignInsert = restExecForeignInsert;
	routine->GetForeignModifyBatchSize = restGetForeignModifyBatchSize;
	routine->ExecForeignBatchInsert = restExecForeignBatchInsert;
	routine->ExecForeignUpdate = restExecForeignUpdate;
	routine->ExecForeignDelete = restExecForeignDelete;
	routine->EndForeignModify = restEndForeignModify;
	routine->ExplainForeignModify = restExplainForeignModify;
	routine->IsForeignRelUpdatable = restIsForeignRelUpdatable;
	routine->ImportForeignSchema = RestImportForeignSchema;
	routine->AnalyzeForeignTable = RestAnalyzeForeignTable;
	routine->ExecForeignTruncate = restExecForeignTruncate;
	routine->PlanDirectModify = restPlanDirectModify;
	routine->BeginDirectModify = restBeginDirectModify;
	routine->IterateDirectModify = restIterateDirectModify;
	routine->EndDirectModify = restEndDirectModify;
	routine->ExplainDirectModify = restExplainDirectModify;

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
	info->key_expr = find_key_value(root, baserel, table,
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
 * scan_cost
 *		Cost of a scan returning about rows rows: a request per page.
 */
static void
scan_cost(RestTable *table, double rows, Cost *startup, Cost *total)
{
	double		page_rows = table->page_size > 0 ? table->page_size
		: REST_DEFAULT_PAGE_ROWS;
	double		pages = Max(1.0, ceil(rows / page_rows));

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
	scan_cost(table, fetched, &startup_cost, &total_cost);

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
		is_key = find_key_value(root, baserel, table,
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
		scan_cost(table, rows, &startup_cost, &total_cost);
		add_path(baserel, (Path *)
				 RestCreateForeignScanPath(root, baserel, NULL, rows,
										 startup_cost, total_cost, NIL,
										 ppi->ppi_req_outer, NULL, NIL));
	}
}

/*
 * restGetForeignUpperPaths
 *		Let the service compute count(*) and apply LIMIT/OFFSET.
 */
static void
restGetForeignUpperPaths(PlannerInfo *root, UpperRelationKind stage,
						 RelOptInfo *input_rel, RelOptInfo *output_rel,
						 void *extra)
{
	RestRelationInfo *info = input_rel->fdw_private;

	/* only directly above a scan of one of our tables */
	if (info == NULL || output_rel->fdw_private != NULL)
		return;

	switch (stage)
	{
		case UPPERREL_GROUP_AGG:
			if (input_rel->reloptkind == RELOPT_BASEREL)
				add_count_path(root, info, input_rel, output_rel);
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
									   list_make2(makeInteger(REST_SCAN_COUNT),
												  makeBoolean(false))));
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
	scan_cost(table, rows, &startup_cost, &total_cost);

	output_rel->fdw_private = info;
	add_path(output_rel, (Path *)
			 RestCreateForeignUpperPath(root, output_rel,
									   root->upper_targets[UPPERREL_FINAL],
									   rows, startup_cost,
									   total_cost * REST_LIMITED_SCAN_FACTOR,
									   root->sort_pathkeys, NULL,
									   list_make2(makeInteger(REST_SCAN_COLLECTION),
												  makeBoolean(true))));
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
	RestRelationInfo *info = foreignrel->fdw_private;
	RestTable  *table = info->table;
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

	if (IS_UPPER_REL(foreignrel))
		return plan_upper_scan(root, foreignrel, best_path, tlist, outer_plan);

	/*
	 * Classify the conditions again: a parameterized path adds join
	 * clauses to the restriction conditions.
	 */
	RestClassifyConditions(root, foreignrel, table, scan_clauses, &pushdown);
	key = find_key_value(root, foreignrel, table,
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
							   info->count_note, NIL);

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
			 List *recheck_texts)
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
 *		The ForeignScan of count(*) or of a scan with LIMIT/OFFSET: its
 *		tuples are described by fdw_scan_tlist, the table's columns it reads
 *		(a whole row and tableoid included) and the count.
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
	List	   *fdw_exprs = list_copy(info->pushdown.exprs);
	List	   *params = list_copy(info->pushdown.params);
	List	   *local_exprs = NIL;
	List	   *recheck_texts = NIL;
	List	   *scan_tlist = NIL;
	List	   *columns = NIL;
	List	   *retrieved = NIL;
	ListCell   *lc;
	int			limit_index = -1;
	int			offset_index = -1;
	bool		ordered = false;
	List	   *fdw_private;

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
							   upper_explain_url(table, kind, params,
												 info->pushdown.exprs,
												 root->parse),
							   params, limit_index, offset_index, -1,
							   ordered, NULL, NULL, recheck_texts);

	return make_foreignscan(tlist, NIL, 0, fdw_exprs, fdw_private,
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
 *		parameters when LIMIT and OFFSET are constants.
 */
static char *
upper_explain_url(RestTable *table, RestScanKind kind, List *params,
				  List *exprs, Query *parse)
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
 * find_key_value
 *		Find a condition "key = value" among the clauses, where the value
 *		can be computed before the scan starts (it may come from an outer
 *		relation of a nested loop); return the value.
 *
 * The row is then addressed by the value's text, so the condition must be
 * the key type's own equality on the column as it is (WHERE id = 1.0 on a
 * bigint key compares numerics, and no item is called "1.0"), and the
 * value of a type whose text is the key's canonical text.
 */
static Expr *
find_key_value(PlannerInfo *root, RelOptInfo *baserel, RestTable *table,
			   List *clauses)
{
	ListCell   *lc;
	RestColumn *key;
	Oid			opclass;
	Oid			opfamily;

	if (table->key_index < 0)
		return NULL;
	key = &table->columns[table->key_index];
	opclass = GetDefaultOpClass(key->typid, BTREE_AM_OID);
	if (!OidIsValid(opclass))
		return NULL;
	opfamily = get_opclass_family(opclass);

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
	 * service need not be asked for it again.
	 */
	if (root->parse->commandType == CMD_DELETE &&
		root->parse->returningList != NIL)
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
 *		reading it first.  The 404 of a missing item counts 0 rows.
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
	if (list_length(fscan->scan.plan.qual) != 1)
		return false;
	key = find_key_value(root, baserel, info->table, fscan->scan.plan.qual);
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
			 * New values may not depend on the old row; the key and nested
			 * members are sent only when they change (update_columns).
			 */
			if (attno <= InvalidAttrNumber ||
				contain_var_clause((Node *) tle->expr) ||
				contain_volatile_functions((Node *) tle->expr) ||
				contain_subplans((Node *) tle->expr) ||
				attno - 1 == info->table->key_index ||
				info->table->columns[attno - 1].npointer > 1)
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

/*
 * restBeginForeignScan
 *		Set up the scan state; the first request waits for the first row.
 */
static void
restBeginForeignScan(ForeignScanState *node, int eflags)
{
	ForeignScan *plan = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	RestScanState *st = palloc0(sizeof(RestScanState));
	Index		rtindex;
	RangeTblEntry *rte;
	Oid			userid;
	ListCell   *lc;
	int			i;

	node->fdw_state = st;

	/*
	 * The table's range table index: setrefs.c adjusts scanrelid and
	 * fs_relids when it flattens the range tables of subqueries, so the
	 * index is taken from them, not from fdw_private.
	 */
	rtindex = plan->scan.scanrelid > 0 ? plan->scan.scanrelid
		: (Index) bms_next_member(RestScanBaseRelids(plan), -1);
	rte = exec_rt_fetch(rtindex, estate);

	userid = RestScanCheckAsUser(plan, rte);
	if (!OidIsValid(userid))
		userid = GetUserId();

	st->table = RestGetTable(rte->relid, userid);
	st->kind = intVal(list_nth(plan->fdw_private, RestScanKindItem));
	st->explain_url = strVal(list_nth(plan->fdw_private, RestScanExplainUrl));
	st->params = list_nth(plan->fdw_private, RestScanParams);
	st->limit_index = intVal(list_nth(plan->fdw_private, RestScanLimitExpr));
	st->offset_index = intVal(list_nth(plan->fdw_private, RestScanOffsetExpr));
	st->key_index = intVal(list_nth(plan->fdw_private, RestScanKeyExpr));
	st->ordered = boolVal(list_nth(plan->fdw_private, RestScanOrdered));
	st->limit_note = strVal(list_nth(plan->fdw_private, RestScanLimitNote));
	st->count_note = strVal(list_nth(plan->fdw_private, RestScanCountNote));
	foreach(lc, (List *) list_nth(plan->fdw_private, RestScanRecheckTexts))
		st->recheck_texts = lappend(st->recheck_texts, strVal(lfirst(lc)));

	map_slot_columns(st, plan);

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	for (i = 0; i < st->nslot_columns; i++)
		if (st->slot_columns[i] == REST_SLOT_WHOLE_ROW)
		{
			Form_pg_attribute attr =
				TupleDescAttr(node->ss.ss_ScanTupleSlot->tts_tupleDescriptor, i);

			st->row_desc = lookup_rowtype_tupdesc_copy(attr->atttypid, -1);
		}
	foreach(lc, plan->fdw_recheck_quals)
		st->recheck_states = lappend(st->recheck_states,
									 ExecInitQual(list_make1(lfirst(lc)),
												  (PlanState *) node));

	RestPrepareColumns(st->table);
	st->expr_states = ExecInitExprList(plan->fdw_exprs, (PlanState *) node);
	st->values = palloc0(sizeof(RestParamValue) *
						 Max(list_length(plan->fdw_exprs), 1));
	/* the scan feeding an UPDATE or DELETE of the table reads it all first */
	RestPagerInit(&st->pager, st->table, st->kind,
				  st->kind == REST_SCAN_COLLECTION &&
				  plan->scan.scanrelid > 0 &&
				  ExecRelationIsTargetRelation(estate, plan->scan.scanrelid),
				  estate->es_query_cxt);
}

/*
 * map_slot_columns
 *		Which table column each column of the scan tuple is, or what else
 *		(REST_SLOT_*).
 */
static void
map_slot_columns(RestScanState *st, ForeignScan *plan)
{
	List	   *columns = list_nth(plan->fdw_private, RestScanColumns);
	ListCell   *lc;
	int			i;

	if (plan->scan.scanrelid > 0)
	{
		/* the table's own tuple: retrieved columns, the others NULL */
		st->nslot_columns = st->table->ncolumns;
		st->slot_columns = palloc(sizeof(int) * Max(st->nslot_columns, 1));
		for (i = 0; i < st->nslot_columns; i++)
			st->slot_columns[i] = REST_SLOT_NULL;
		foreach(lc, columns)
			st->slot_columns[lfirst_int(lc) - 1] = lfirst_int(lc) - 1;
	}
	else
	{
		/* fdw_scan_tlist: columns, the count, a whole row, tableoid */
		st->nslot_columns = list_length(columns);
		st->slot_columns = palloc(sizeof(int) * Max(st->nslot_columns, 1));
		i = 0;
		foreach(lc, columns)
		{
			int			attnum = lfirst_int(lc);

			if (attnum > 0)
				st->slot_columns[i] = attnum - 1;
			else if (attnum == 0 && st->kind == REST_SCAN_COLLECTION)
				st->slot_columns[i] = REST_SLOT_WHOLE_ROW;
			else if (attnum == TableOidAttributeNumber)
				st->slot_columns[i] = REST_SLOT_TABLEOID;
			else
				st->slot_columns[i] = REST_SLOT_COUNT;
			i++;
		}
	}
}

/*
 * restIterateForeignScan
 *		Return the next row, fetching the next page when one is used up.
 */
static TupleTableSlot *
restIterateForeignScan(ForeignScanState *node)
{
	RestScanState *st = node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	bool		skip;

	ExecClearTuple(slot);
	MemoryContextReset(st->pager.row_cxt);

	if (!st->started)
	{
		start_scan(st, node);
		if (st->kind == REST_SCAN_COUNT)
		{
			store_count(st, slot, RestPagerCount(&st->pager));
			return slot;
		}
	}

	while (RestPagerNextRow(&st->pager, &skip))
	{
		store_row(st, slot);
		if (st->recheck_states != NIL)
			check_sent_conditions(st, node, slot);
		if (!skip)
			return slot;
		/* before an OFFSET the service could not apply */
		ExecClearTuple(slot);
		ResetExprContext(node->ss.ps.ps_ExprContext);
		MemoryContextReset(st->pager.row_cxt);
	}
	return slot;
}

/*
 * check_sent_conditions
 *		Check a row against the conditions sent to the service, when the
 *		service also applies LIMIT and OFFSET: a row failing one means the
 *		service ignored or misread a filter the table declares, and the
 *		result would silently miss rows.
 */
static void
check_sent_conditions(RestScanState *st, ForeignScanState *node,
					  TupleTableSlot *slot)
{
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	ListCell   *lc;
	ListCell   *lt;

	econtext->ecxt_scantuple = slot;
	forboth(lc, st->recheck_states, lt, st->recheck_texts)
	{
		if (!ExecQual((ExprState *) lfirst(lc), econtext))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INCONSISTENT_DESCRIPTOR_INFORMATION),
					 errmsg("service returned a row of foreign table \"%s\" that fails a condition sent to it",
							st->table->relname),
					 errdetail("A row from GET %s does not satisfy %s. The service applies LIMIT and OFFSET, so rows would be missing from the result.",
							   st->pager.page_url, (char *) lfirst(lt)),
					 errhint("Remove the filter from the table option \"filters\" unless the service applies it exactly.")));
	}
}

/*
 * eval_int8
 *		The value of a LIMIT or OFFSET expression; NULL means none (-1).  A
 *		negative value is the executor's own error.
 */
static int64
eval_int8(RestScanState *st, int index)
{
	RestParamValue *pv = &st->values[index];
	int64		value;

	if (pv->isnull)
		return -1;
	value = DatumGetInt64(pv->value);
	if (value < 0 && index == st->offset_index)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE),
				 errmsg("OFFSET must not be negative")));
	if (value < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_ROW_COUNT_IN_LIMIT_CLAUSE),
				 errmsg("LIMIT must not be negative")));
	return value;
}

/*
 * start_scan
 *		Compute the values of the scan's expressions and its first URL.
 */
static void
start_scan(RestScanState *st, ForeignScanState *node)
{
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	MemoryContext oldcxt;
	ListCell   *lc;
	int			i = 0;
	int64		offset = 0;
	int64		limit = -1;

	st->started = true;
	RestPagerReset(&st->pager);

	oldcxt = MemoryContextSwitchTo(st->pager.scan_cxt);
	foreach(lc, st->expr_states)
	{
		ExprState  *state = lfirst(lc);
		RestParamValue *pv = &st->values[i++];
		MemoryContext evalcxt = MemoryContextSwitchTo(econtext->ecxt_per_tuple_memory);
		Datum		value = ExecEvalExpr(state, econtext, &pv->isnull);

		MemoryContextSwitchTo(evalcxt);
		pv->typid = exprType((Node *) state->expr);
		if (!pv->isnull)
		{
			int16		typlen;
			bool		typbyval;

			get_typlenbyval(pv->typid, &typlen, &typbyval);
			pv->value = datumCopy(value, typbyval, typlen);
		}
		RestPrepareValue(pv);
	}
	MemoryContextSwitchTo(oldcxt);

	/* as the executor's Limit node: OFFSET checked first, then LIMIT */
	if (st->offset_index >= 0)
		offset = eval_int8(st, st->offset_index);
	if (st->limit_index >= 0)
		limit = eval_int8(st, st->limit_index);
	RestPagerStart(&st->pager, st->params, st->values,
				   st->key_index >= 0 ? &st->values[st->key_index] : NULL,
				   offset, limit,
				   st->kind == REST_SCAN_COLLECTION && !st->ordered &&
				   st->limit_index < 0);
}

/*
 * store_row
 *		Convert the current row's values into the scan slot.
 */
static void
store_row(RestScanState *st, TupleTableSlot *slot)
{
	RestTable  *table = st->table;
	MemoryContext oldcxt = MemoryContextSwitchTo(st->pager.row_cxt);
	int			i;

	for (i = 0; i < st->nslot_columns; i++)
	{
		int			c = st->slot_columns[i];

		slot->tts_isnull[i] = false;
		if (c >= 0)
			slot->tts_values[i] = RestJsonToDatum(table, &table->columns[c],
												  &st->pager.row[c],
												  st->pager.page_url,
												  &slot->tts_isnull[i]);
		else if (c == REST_SLOT_WHOLE_ROW)
			slot->tts_values[i] = whole_row_datum(st);
		else if (c == REST_SLOT_TABLEOID)
			slot->tts_values[i] = ObjectIdGetDatum(table->relid);
		else
		{
			slot->tts_values[i] = (Datum) 0;
			slot->tts_isnull[i] = true;
		}
	}
	MemoryContextSwitchTo(oldcxt);
	ExecStoreVirtualTuple(slot);
}

/*
 * store_count
 *		Store the service's row count in every column of the slot (the
 *		count(*) aggregates of the query).
 */
static void
store_count(RestScanState *st, TupleTableSlot *slot, int64 count)
{
	int			i;

	for (i = 0; i < st->nslot_columns; i++)
	{
		slot->tts_values[i] = Int64GetDatum(count);
		slot->tts_isnull[i] = false;
	}
	ExecStoreVirtualTuple(slot);
}

/*
 * whole_row_datum
 *		The current row as a value of the table's row type.
 */
static Datum
whole_row_datum(RestScanState *st)
{
	RestTable  *table = st->table;
	TupleDesc	desc = st->row_desc;
	Datum	   *values = palloc(sizeof(Datum) * Max(desc->natts, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(desc->natts, 1));
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		values[i] = (Datum) 0;
		nulls[i] = true;
		if (i < table->ncolumns && !table->columns[i].dropped &&
			!TupleDescAttr(desc, i)->attisdropped)
			values[i] = RestJsonToDatum(table, &table->columns[i],
										&st->pager.row[i], st->pager.page_url,
										&nulls[i]);
	}
	return heap_copy_tuple_as_datum(heap_form_tuple(desc, values, nulls), desc);
}

/*
 * restReScanForeignScan
 *		Start again from the first request (its values may have changed).
 */
static void
restReScanForeignScan(ForeignScanState *node)
{
	RestScanState *st = node->fdw_state;

	st->started = false;
	RestPagerReset(&st->pager);
}

/*
 * restEndForeignScan
 *		Give up the pages asked for ahead; memory goes with the query's
 *		context and the connection stays cached.
 */
static void
restEndForeignScan(ForeignScanState *node)
{
	RestScanState *st = node->fdw_state;

	/* pages asked for ahead and not read (the query needed fewer rows) */
	if (st != NULL)
		RestPagerStop(&st->pager);
}

/*
 * restShutdownForeignScan
 *		The scan may return no more rows (a LIMIT above it is reached), or
 *		go on (a cursor's next FETCH): other scans may take the transfers
 *		of its pages asked for ahead meanwhile.
 */
static void
restShutdownForeignScan(ForeignScanState *node)
{
	RestScanState *st = node->fdw_state;

	/* a direct modification's node has other state, and no pages ahead */
	if (st != NULL && ((ForeignScan *) node->ss.ps.plan)->operation == CMD_SELECT)
		RestPagerPark(&st->pager);
}

/*
 * restExplainForeignScan
 *		Show the request, and with ANALYZE what it cost.
 */
static void
restExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	RestScanState *st = node->fdw_state;

	if (st->recheck_texts != NIL)
	{
		StringInfoData buf;
		ListCell   *lc;

		/* the conditions the rows of a pushed LIMIT must pass, or fail */
		initStringInfo(&buf);
		foreach(lc, st->recheck_texts)
		{
			if (buf.len > 0)
				appendStringInfoString(&buf, " AND ");
			appendStringInfoString(&buf, (char *) lfirst(lc));
		}
		ExplainPropertyText("Recheck", buf.data, es);
	}
	if (es->verbose)
	{
		ExplainPropertyText("Remote request",
							psprintf("GET %s", st->explain_url), es);
		if (st->kind == REST_SCAN_COUNT)
			ExplainPropertyText("Remote count", "the service's row count",
								es);
		else if (st->count_note[0] != '\0')
			ExplainPropertyText("Remote count",
								psprintf("not sent, %s", st->count_note), es);
		if ((st->limit_index >= 0 || st->offset_index >= 0) &&
			st->recheck_texts != NIL)
			ExplainPropertyText("Remote limit",
								"LIMIT/OFFSET applied by the service, a row failing the recheck is an error",
								es);
		else if (st->limit_index >= 0 || st->offset_index >= 0)
			ExplainPropertyText("Remote limit", "LIMIT/OFFSET applied by the service", es);
		else if (st->limit_note[0] != '\0')
			ExplainPropertyText("Remote limit",
								psprintf("not sent, %s", st->limit_note), es);
	}
	if (es->analyze)
	{
		ExplainPropertyInteger("Remote requests", NULL, st->pager.stats.requests, es);
		ExplainPropertyInteger("Remote bytes", NULL,
							   st->pager.stats.bytes_received, es);
		if (es->timing)
			ExplainPropertyFloat("Remote wait time", "ms", st->pager.stats.wait_ms,
								 3, es);
		if (st->pager.ahead_short)
			ExplainPropertyText("Remote look-ahead",
								"fewer pages, the connection's transfers were in use",
								es);
	}
}

/*
 * result_rel_user
 *		The user whose mapping a write to a result relation uses.
 */
static Oid
result_rel_user(ResultRelInfo *rinfo, EState *estate)
{
	Oid			userid = RestResultRelCheckAsUser(rinfo, estate);

	return OidIsValid(userid) ? userid : GetUserId();
}

/*
 * restBeginForeignModify
 *		Set up an INSERT, UPDATE or DELETE.
 */
static void
restBeginForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
					   List *fdw_private, int subplan_index, int eflags)
{
	RestModifyState *st = palloc0(sizeof(RestModifyState));
	EState	   *estate = mtstate->ps.state;
	Relation	rel = rinfo->ri_RelationDesc;
	TriggerDesc *trigdesc = rinfo->ri_TrigDesc;
	Oid			userid;
	ListCell   *lc;

	rinfo->ri_FdwState = st;
	st->operation = mtstate->operation;

	userid = result_rel_user(rinfo, estate);
	st->table = RestGetTable(RelationGetRelid(rel), userid);
	st->has_returning = boolVal(list_nth(fdw_private, RestModifyHasReturning));
	st->do_nothing = boolVal(list_nth(fdw_private, RestModifyDoNothing));
	st->need_row = st->has_returning ||
		boolVal(list_nth(fdw_private, RestModifyCheckOption)) ||
		(trigdesc != NULL &&
		 ((st->operation == CMD_INSERT && trigdesc->trig_insert_after_row) ||
		  (st->operation == CMD_UPDATE && trigdesc->trig_update_after_row)));

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	RestPrepareColumns(st->table);
	st->conn = RestGetConnection(st->table);
	st->values = palloc0(sizeof(RestJsonValue) * Max(st->table->ncolumns, 1));
	st->target = palloc0(sizeof(bool) * Max(st->table->ncolumns, 1));
	st->temp_cxt = AllocSetContextCreate(estate->es_query_cxt,
										 "rest_fdw modify",
										 ALLOCSET_SMALL_SIZES);

	/* the columns an INSERT names, or an UPDATE sets */
	foreach(lc, (List *) list_nth(fdw_private, RestModifyUpdatedAttrs))
		st->target[lfirst_int(lc) - 1] = true;

	if (st->operation == CMD_UPDATE || st->operation == CMD_DELETE)
	{
		Plan	   *subplan;

		subplan = outerPlanState(mtstate)->plan;
		st->key_attno = ExecFindJunkAttributeInTlist(subplan->targetlist,
													 REST_KEY_JUNK);
		if (!AttributeNumberIsValid(st->key_attno))
			elog(ERROR, "could not find junk column \"%s\"", REST_KEY_JUNK);
		st->wholerow_attno = ExecFindJunkAttributeInTlist(subplan->targetlist,
														  "wholerow");
	}
}

/*
 * insert_columns
 *		The columns an INSERT sends for one row: those it names, and those
 *		that defaults or BEFORE ROW triggers leave a value in, as a local
 *		table would store them.  A column the INSERT does not name and that
 *		is still NULL is left out, and so is a NULL key, so that the service
 *		applies its own default and assigns the key.
 */
static bool *
insert_columns(RestModifyState *st, TupleTableSlot *slot)
{
	RestTable  *table = st->table;
	bool	   *send = palloc(sizeof(bool) * Max(table->ncolumns, 1));

	slot_getallattrs(slot);
	for (int i = 0; i < table->ncolumns; i++)
		send[i] = !table->columns[i].dropped &&
			(st->target[i] || !slot->tts_isnull[i]);
	if (table->key_index >= 0 && slot->tts_isnull[table->key_index])
		send[table->key_index] = false;
	return send;
}

/*
 * insert_headers
 *		Headers of a POST: the service is asked to return the rows it
 *		creates, if representation, and for ON CONFLICT DO NOTHING to skip
 *		the rows whose key it holds already.
 */
static List *
insert_headers(RestModifyState *st, bool representation)
{
	return RestRequestHeaders(st->table, REST_REQUEST_INSERT,
							  (representation ? REST_ASK_ROWS : 0) |
							  (st->do_nothing ? REST_ASK_SKIP_DUPLICATES : 0));
}

/*
 * insert_row
 *		POST one row.  With ON CONFLICT DO NOTHING, a row the service
 *		refuses as a duplicate is not inserted, and no error.
 */
static RestWriteOutcome
insert_row(RestModifyState *st, TupleTableSlot *slot)
{
	RestTable  *table = st->table;
	RestRequest req = {0};
	RestResponse resp = {0};
	bool	   *send = insert_columns(st, slot);
	RestWriteOutcome outcome;

	req.method = "POST";
	req.url = table->collection_url;
	req.body = RestWriteBody(table, CMD_INSERT, slot->tts_tupleDescriptor,
							 slot->tts_values, slot->tts_isnull, send,
							 &req.body_len);
	req.extra_headers = insert_headers(st, true);
	RestPerform(st->conn, table, &req, &resp, &st->stats);
	if (st->do_nothing && RestIsDuplicateRefusal(table, &resp))
		return REST_WRITE_NONE;
	(void) RestResponseOk(table, &req, &resp, 0);

	outcome = write_outcome(st, &req, &resp, slot, st->need_row);
	/* RETURNING shows the row the service made: its key, its defaults */
	if (outcome == REST_WRITE_DONE && st->has_returning)
		written_row_error(st->operation, &req, &resp, NULL);
	return outcome;
}

/*
 * restExecForeignInsert
 *		POST one row to the collection; fill the slot from the response.
 */
static TupleTableSlot *
restExecForeignInsert(EState *estate, ResultRelInfo *rinfo,
					  TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	RestModifyState *st = rinfo->ri_FdwState;
	MemoryContext oldcxt;
	RestWriteOutcome outcome;

	MemoryContextReset(st->temp_cxt);
	oldcxt = MemoryContextSwitchTo(st->temp_cxt);
	outcome = insert_row(st, slot);
	MemoryContextSwitchTo(oldcxt);

	return outcome == REST_WRITE_NONE ? NULL : slot;
}

/*
 * restGetForeignModifyBatchSize
 *		Rows per INSERT request: PostgREST takes an array of rows in one
 *		POST, when nothing needs each row back (RETURNING, row triggers,
 *		WITH CHECK OPTION).
 */
static int
restGetForeignModifyBatchSize(ResultRelInfo *rinfo)
{
	RestModifyState *st = rinfo->ri_FdwState;
	RestTable  *table;

	if (st == NULL)
		table = RestGetTable(RelationGetRelid(rinfo->ri_RelationDesc),
							 GetUserId());
	else
		table = st->table;
	if (!table->dialect->batch_insert ||
		rinfo->ri_projectReturning != NULL ||
		rinfo->ri_WithCheckOptions != NIL ||
		(rinfo->ri_TrigDesc &&
		 (rinfo->ri_TrigDesc->trig_insert_before_row ||
		  rinfo->ri_TrigDesc->trig_insert_after_row)))
		return 1;
	return table->batch_size;
}

/*
 * restExecForeignBatchInsert
 *		POST several rows as JSON arrays, one per run of rows that send the
 *		same columns: PostgREST wants the objects of an array to have the
 *		same members.
 *
 * With ON CONFLICT DO NOTHING fewer rows may be inserted than sent.  Only
 * their number matters: a batch is made only when nothing reads the rows
 * (see restGetForeignModifyBatchSize), so the first ones are returned.
 */
static TupleTableSlot **
restExecForeignBatchInsert(EState *estate, ResultRelInfo *rinfo,
						   TupleTableSlot **slots, TupleTableSlot **planSlots,
						   int *numSlots)
{
	RestModifyState *st = rinfo->ri_FdwState;
	size_t		width = sizeof(bool) * st->table->ncolumns;
	MemoryContext oldcxt;
	bool	  **columns;
	int			inserted = 0;
	int			first = 0;

	MemoryContextReset(st->temp_cxt);
	oldcxt = MemoryContextSwitchTo(st->temp_cxt);

	columns = palloc(sizeof(bool *) * *numSlots);
	for (int i = 0; i < *numSlots; i++)
		columns[i] = insert_columns(st, slots[i]);
	while (first < *numSlots)
	{
		int			next = first + 1;

		while (next < *numSlots &&
			   memcmp(columns[next], columns[first], width) == 0)
			next++;
		inserted += insert_rows(st, slots + first, columns + first,
								next - first);
		first = next;
	}

	MemoryContextSwitchTo(oldcxt);
	*numSlots = inserted;
	return slots;
}

/*
 * insert_rows
 *		POST rows that send the same columns as one JSON array; return how
 *		many the service created.
 */
static int
insert_rows(RestModifyState *st, TupleTableSlot **slots, bool **columns,
			int nslots)
{
	RestTable  *table = st->table;
	RestRequest req = {0};
	RestResponse resp = {0};
	StringInfoData body;
	int			inserted = 0;

	initStringInfo(&body);
	appendStringInfoChar(&body, '[');
	for (int i = 0; i < nslots; i++)
	{
		size_t		len;
		char	   *row = RestWriteBody(table, CMD_INSERT,
										slots[i]->tts_tupleDescriptor,
										slots[i]->tts_values,
										slots[i]->tts_isnull, columns[i],
										&len);

		if (i > 0)
			appendStringInfoChar(&body, ',');
		appendBinaryStringInfo(&body, row, len);
	}
	appendStringInfoChar(&body, ']');

	req.method = "POST";
	req.url = table->collection_url;
	req.body = body.data;
	req.body_len = body.len;
	req.extra_headers = insert_headers(st, st->do_nothing);
	RestPerform(st->conn, table, &req, &resp, &st->stats);

	if (st->do_nothing && RestIsDuplicateRefusal(table, &resp))
	{
		/*
		 * A duplicate PostgREST does not skip itself, of another unique
		 * constraint than the primary key: the request created no row, so
		 * the rows are sent one at a time.
		 */
		for (int i = 0; i < nslots; i++)
			if (insert_row(st, slots[i]) != REST_WRITE_NONE)
				inserted++;
		return inserted;
	}
	(void) RestResponseOk(table, &req, &resp, 0);
	if (!st->do_nothing)
		return nslots;
	return count_returned_rows(st, &req, &resp);
}

/* What the reader of a write's response reads, and for whom. */
typedef struct WrittenResponse
{
	RestTable  *table;
	RestResponse *resp;
	const char *what;			/* "METHOD url", for messages */
	RestJsonValue *values;		/* spans of the row read, one per column */
	void	   *state;			/* the caller's modify state */
	TupleTableSlot *slot;		/* where the row goes, or NULL */
	TupleDesc	tupdesc;		/* of the row (direct modifications) */
	int			rows;			/* rows the response returns, -1: none */
} WrittenResponse;

/*
 * read_written_response
 *		Run read on the 2xx response to a write: the service did write, so
 *		an error in reading what it returns says so (written_row_error);
 *		a cancel stays a cancel.
 */
static void
read_written_response(CmdType operation, RestRequest *req,
					  WrittenResponse *wr, void (*read) (WrittenResponse *wr))
{
	MemoryContext cxt = CurrentMemoryContext;

	wr->what = psprintf("%s %s", req->method, req->url);
	wr->rows = -1;
	PG_TRY();
	{
		read(wr);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
			PG_RE_THROW();
		FlushErrorState();
		written_row_error(operation, req, wr->resp, edata);
	}
	PG_END_TRY();
}

/*
 * count_rows_read
 *		Count the rows of an array response (read_written_response).
 */
static void
count_rows_read(WrittenResponse *wr)
{
	RestResponse *resp = wr->resp;
	RestPageReader reader;

	if (resp->body_len > 0 &&
		resp->body[strspn(resp->body, " \t\r\n")] == '[')
	{
		wr->rows = 0;
		RestPageBegin(&reader, wr->table, wr->what, resp->body,
					  resp->body_len);
		while (RestPageNextRow(&reader, wr->values))
			wr->rows++;
	}
}

/*
 * count_returned_rows
 *		The number of rows in the array a write response returns.
 */
static int
count_returned_rows(RestModifyState *st, RestRequest *req, RestResponse *resp)
{
	WrittenResponse wr = {0};

	wr.table = st->table;
	wr.resp = resp;
	wr.values = st->values;
	read_written_response(st->operation, req, &wr, count_rows_read);
	if (wr.rows < 0)
		written_row_error(st->operation, req, resp, NULL);
	return wr.rows;
}

/*
 * restExecForeignUpdate
 *		PATCH the row's item with the columns the UPDATE sets or its
 *		triggers change.
 */
static TupleTableSlot *
restExecForeignUpdate(EState *estate, ResultRelInfo *rinfo,
					  TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	RestModifyState *st = rinfo->ri_FdwState;
	RestTable  *table = st->table;
	RestRequest req = {0};
	RestResponse resp = {0};
	MemoryContext oldcxt;
	bool	   *send;
	bool		found;

	MemoryContextReset(st->temp_cxt);
	oldcxt = MemoryContextSwitchTo(st->temp_cxt);

	slot_getallattrs(slot);
	send = update_columns(st, slot, planSlot);
	req.method = "PATCH";
	req.url = RestItemUrl(table, key_text_from_plan_slot(st, planSlot));
	req.body = RestWriteBody(table, CMD_UPDATE, slot->tts_tupleDescriptor,
							 slot->tts_values, slot->tts_isnull, send,
							 &req.body_len);
	req.extra_headers = returning_extra_headers(table, CMD_UPDATE);
	found = RestPerformOk(st->conn, table, &req, &resp, &st->stats, 404) &&
		write_outcome(st, &req, &resp, slot, st->need_row) != REST_WRITE_NONE;

	MemoryContextSwitchTo(oldcxt);
	return found ? slot : NULL;
}

/*
 * update_columns
 *		The columns a PATCH sends: those the UPDATE sets, and those a
 *		BEFORE ROW trigger changed, found by comparing with the old row.
 *		The key and members nested in another member are sent only when
 *		they change, and then only where the service applies them.
 */
static bool *
update_columns(RestModifyState *st, TupleTableSlot *slot,
			   TupleTableSlot *planSlot)
{
	RestTable  *table = st->table;
	TupleDesc	tupdesc = slot->tts_tupleDescriptor;
	bool	   *send = palloc0(sizeof(bool) * Max(tupdesc->natts, 1));
	Datum	   *old_values = palloc(sizeof(Datum) * Max(tupdesc->natts, 1));
	bool	   *old_nulls = palloc(sizeof(bool) * Max(tupdesc->natts, 1));
	bool		have_old = false;
	bool		isnull;

	/* the old row, as the scan read it */
	if (AttributeNumberIsValid(st->wholerow_attno))
	{
		Datum		row = ExecGetJunkAttribute(planSlot, st->wholerow_attno,
											   &isnull);

		if (!isnull)
		{
			HeapTupleHeader td = DatumGetHeapTupleHeader(row);
			HeapTupleData tuple;

			tuple.t_len = HeapTupleHeaderGetDatumLength(td);
			ItemPointerSetInvalid(&tuple.t_self);
			tuple.t_tableOid = InvalidOid;
			tuple.t_data = td;
			heap_deform_tuple(&tuple, tupdesc, old_values, old_nulls);
			have_old = true;
		}
	}
	/* the old key, which the scan always reads */
	if (table->key_index >= 0)
	{
		old_values[table->key_index] =
			ExecGetJunkAttribute(planSlot, st->key_attno,
								 &old_nulls[table->key_index]);
	}

	for (int i = 0; i < tupdesc->natts && i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i);
		bool		changed;

		if (col->dropped || attr->attisdropped)
			continue;
		if (have_old || i == table->key_index)
			changed = old_nulls[i] != slot->tts_isnull[i] ||
				(!old_nulls[i] &&
				 !datum_image_eq(old_values[i], slot->tts_values[i],
								 attr->attbyval, attr->attlen));
		else
			changed = st->target[i];
		if (!st->target[i] && !changed)
			continue;
		if (i == table->key_index || col->npointer > 1)
		{
			if (!changed)
				continue;		/* nothing to send */
			if (col->npointer > 1)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot change column \"%s\" of foreign table \"%s\"",
								col->attname, table->relname),
						 errdetail("The column is a member nested in member \"%s\", which a PATCH would replace as a whole, losing the members no column holds.",
								   col->pointer[0])));
			if (!table->dialect->can_change_key)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot change the key of a row of foreign table \"%s\"",
								table->relname),
						 errdetail("The service addresses a row by its key, and keeps the key when it updates the row."),
						 errhint("Delete the row and insert it with the new key.")));
		}
		send[i] = true;
	}
	return send;
}

/*
 * restExecForeignDelete
 *		DELETE the row's item.  RETURNING shows the row as the scan read
 *		it; without that, as the service returns it, or, where the dialect
 *		returns no deleted row, as a GET of it finds it first.
 */
static TupleTableSlot *
restExecForeignDelete(EState *estate, ResultRelInfo *rinfo,
					  TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	RestModifyState *st = rinfo->ri_FdwState;
	RestTable  *table = st->table;
	RestRequest req = {0};
	RestResponse resp = {0};
	MemoryContext oldcxt;
	bool		have_values = false;	/* st->values hold the row */
	RestWriteOutcome outcome;
	char	   *url;

	MemoryContextReset(st->temp_cxt);
	oldcxt = MemoryContextSwitchTo(st->temp_cxt);

	url = RestItemUrl(table, key_text_from_plan_slot(st, planSlot));
	ExecClearTuple(slot);
	if (st->has_returning && AttributeNumberIsValid(st->wholerow_attno))
	{
		/* the row as the scan read it */
		bool		isnull;
		Datum		row = ExecGetJunkAttribute(planSlot, st->wholerow_attno,
											   &isnull);

		if (!isnull)
		{
			HeapTupleHeader td = DatumGetHeapTupleHeader(row);
			HeapTupleData tuple;

			tuple.t_len = HeapTupleHeaderGetDatumLength(td);
			ItemPointerSetInvalid(&tuple.t_self);
			tuple.t_tableOid = RelationGetRelid(rinfo->ri_RelationDesc);
			tuple.t_data = td;
			ExecForceStoreHeapTuple(&tuple, slot, false);
			slot_getallattrs(slot);
		}
	}
	else if (st->has_returning && !table->dialect->delete_returns_row)
	{
		RestRequest get = {0};
		RestResponse got = {0};

		get.method = "GET";
		get.url = url;
		get.extra_headers = RestRequestHeaders(table, REST_REQUEST_ITEM, 0);
		if (!RestPerformOk(st->conn, table, &get, &got, &st->stats, 404) ||
			!response_row(table, url, &got, st->values))
		{
			MemoryContextSwitchTo(oldcxt);
			return NULL;
		}
		have_values = true;
	}

	req.method = "DELETE";
	req.url = url;
	req.extra_headers = returning_extra_headers(table, CMD_DELETE);

	/* the response is read only when RETURNING has no row yet */
	if (!RestPerformOk(st->conn, table, &req, &resp, &st->stats, 404))
		outcome = REST_WRITE_NONE;
	else
		outcome = write_outcome(st, &req, &resp, slot,
								st->has_returning && TTS_EMPTY(slot) &&
								!have_values);
	if (outcome == REST_WRITE_DONE && have_values)
		fill_slot_from_response(st, slot, url);
	if (outcome != REST_WRITE_NONE && TTS_EMPTY(slot))
		ExecStoreAllNullTuple(slot);

	MemoryContextSwitchTo(oldcxt);
	return outcome == REST_WRITE_NONE ? NULL : slot;
}

/*
 * restEndForeignModify
 *		Nothing to release: memory goes with the query's context.
 */
static void
restEndForeignModify(EState *estate, ResultRelInfo *rinfo)
{
}

/*
 * restExplainForeignModify
 *		Show the request each row makes.
 */
static void
restExplainForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
						 List *fdw_private, int subplan_index,
						 ExplainState *es)
{
	RestModifyState *st = rinfo->ri_FdwState;
	RestTable  *table = st->table;
	const char *request;

	if (!es->verbose)
		return;
	switch (mtstate->operation)
	{
		case CMD_INSERT:
			request = psprintf("POST %s", table->collection_url);
			break;
		case CMD_UPDATE:
			request = psprintf("PATCH %s", RestItemUrl(table, NULL));
			break;
		case CMD_DELETE:
			request = psprintf("DELETE %s", RestItemUrl(table, NULL));
			break;
		default:
			return;
	}
	ExplainPropertyText("Remote request", request, es);
	if (rinfo->ri_BatchSize > 1)
		ExplainPropertyInteger("Batch Size", NULL, rinfo->ri_BatchSize, es);
}

/*
 * returning_extra_headers
 *		Headers asking the service to return the written row.
 */
static List *
returning_extra_headers(RestTable *table, CmdType operation)
{
	return RestRequestHeaders(table, operation == CMD_UPDATE
							  ? REST_REQUEST_UPDATE : REST_REQUEST_DELETE,
							  REST_ASK_ROWS);
}

/*
 * slot_row_read
 *		Put the row a write response returns in the slot, if it returns one
 *		(read_written_response).
 */
static void
slot_row_read(WrittenResponse *wr)
{
	if (response_row(wr->table, wr->what, wr->resp, wr->values))
	{
		fill_slot_from_response(wr->state, wr->slot, wr->what);
		wr->rows = 1;
	}
}

/*
 * write_outcome
 *		What the 2xx response to a write says.  An empty array (PostgREST)
 *		is no row written.  When read_row, the row the response returns is
 *		put in the slot; the service wrote it already, so an error in
 *		reading it says so.  Otherwise the body is not looked at further:
 *		what it holds cannot undo the write.
 */
static RestWriteOutcome
write_outcome(RestModifyState *st, RestRequest *req, RestResponse *resp,
			  TupleTableSlot *slot, bool read_row)
{
	WrittenResponse wr = {0};

	if (response_is_empty_array(resp))
		return REST_WRITE_NONE;
	if (!read_row)
		return REST_WRITE_DONE;

	wr.table = st->table;
	wr.resp = resp;
	wr.values = st->values;
	wr.state = st;
	wr.slot = slot;
	read_written_response(st->operation, req, &wr, slot_row_read);
	return wr.rows > 0 ? REST_WRITE_ROW : REST_WRITE_DONE;
}

/*
 * response_is_empty_array
 *		Is a response body an empty JSON array, PostgREST's "no row"?
 */
static bool
response_is_empty_array(RestResponse *resp)
{
	const char *p = resp->body;

	if (resp->status == 204 || p == NULL || resp->body_len == 0)
		return false;
	p += strspn(p, " \t\r\n");
	if (*p != '[')
		return false;
	p++;
	p += strspn(p, " \t\r\n");
	return *p == ']';
}

/*
 * written_row_error
 *		Report that the row a write response returns cannot be read (edata
 *		says why), or that it returns none: the service did write, and the
 *		error must not suggest otherwise.
 */
static void
written_row_error(CmdType operation, RestRequest *req, RestResponse *resp,
				  ErrorData *edata)
{
	const char *verb;
	const char *command;

	switch (operation)
	{
		case CMD_INSERT:
			verb = "inserted";
			command = "INSERT";
			break;
		case CMD_UPDATE:
			verb = "updated";
			command = "UPDATE";
			break;
		default:
			verb = "deleted";
			command = "DELETE";
			break;
	}

	if (edata)
		ereport(ERROR,
				(errcode(edata->sqlerrcode),
				 errmsg("the service %s the row, but the row its response returns cannot be read",
						verb),
				 errdetail_internal("%s %s returned HTTP %ld: %s%s%s", req->method,
									req->url, resp->status, edata->message,
									edata->detail ? ": " : "",
									edata->detail ? edata->detail : ""),
				 errhint("The %s took effect on the service, and a rollback does not undo it.",
						 command)));
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("the service %s the row, but its response returns no row",
					verb),
			 errdetail("%s %s returned HTTP %ld with %s.", req->method,
					   req->url, resp->status,
					   resp->body_len == 0 ? "an empty body" : "no row"),
			 errhint("The %s took effect on the service, and a rollback does not undo it.",
					 command)));
}

/*
 * response_row
 *		Read the row a write response returns, if it returns one: an
 *		object, or an array holding one object (PostgREST).
 */
static bool
response_row(RestTable *table, const char *url, RestResponse *resp,
			 RestJsonValue *values)
{
	const char *body = resp->body;
	size_t		skip;

	if (resp->status == 204 || resp->body_len == 0)
		return false;
	skip = strspn(body, " \t\r\n");
	if (body[skip] == '\0')
		return false;
	if (body[skip] == '[')
	{
		RestPageReader reader;

		RestPageBegin(&reader, table, url, resp->body, resp->body_len);
		return RestPageNextRow(&reader, values);
	}
	RestParseObject(table, url, resp->body, resp->body_len, values);
	return true;
}

/*
 * fill_slot_from_response
 *		Put the returned row into the slot; a column the response lacks
 *		keeps the value the slot had.
 */
static void
fill_slot_from_response(RestModifyState *st, TupleTableSlot *slot,
						const char *url)
{
	RestTable  *table = st->table;
	TupleDesc	tupdesc = slot->tts_tupleDescriptor;
	int			natts = tupdesc->natts;
	Datum	   *values = palloc(sizeof(Datum) * Max(natts, 1));
	bool	   *isnull = palloc(sizeof(bool) * Max(natts, 1));
	bool		had_tuple = !TTS_EMPTY(slot);
	int			i;

	if (had_tuple)
		slot_getallattrs(slot);
	for (i = 0; i < natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i);
		RestColumn *col = &table->columns[i];

		if (col->dropped || st->values[i].kind == REST_JSON_MISSING)
		{
			isnull[i] = !had_tuple || slot->tts_isnull[i];
			values[i] = isnull[i] ? (Datum) 0
				: datumCopy(slot->tts_values[i], attr->attbyval,
							attr->attlen);
			continue;
		}
		values[i] = RestJsonToDatum(table, col, &st->values[i], url,
									&isnull[i]);
	}

	ExecClearTuple(slot);
	memcpy(slot->tts_values, values, sizeof(Datum) * natts);
	memcpy(slot->tts_isnull, isnull, sizeof(bool) * natts);
	ExecStoreVirtualTuple(slot);
	ExecMaterializeSlot(slot);
}

/*
 * key_text_from_plan_slot
 *		The key of the row an UPDATE or DELETE addresses, as URL text.
 */
static char *
key_text_from_plan_slot(RestModifyState *st, TupleTableSlot *planSlot)
{
	RestColumn *key = &st->table->columns[st->table->key_index];
	bool		isnull;
	Datum		value;

	value = ExecGetJunkAttribute(planSlot, st->key_attno, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("key column \"%s\" of foreign table \"%s\" is null",
						key->attname, st->table->relname),
				 errdetail("A row is addressed by its key; a row without one cannot be updated or deleted.")));
	return RestDatumToUrlValue(value, key->typid);
}

/*
 * Execution state of a direct UPDATE or DELETE.
 */
typedef struct RestDirectState
{
	RestTable  *table;
	RestConnection *conn;
	List	   *set_attrs;		/* attnums, matching fdw_exprs[1...] */
	List	   *expr_states;	/* key, then the new values */
	bool		has_returning;
	bool		can_set_tag;
	bool		done;			/* request made */
	bool		found;			/* the row existed */
	bool		returned;		/* RETURNING row handed out */
	RestJsonValue *row;			/* the row the service returned */
	Datum	   *row_values;		/* the row for RETURNING: values sent,
								 * replaced by those the service returned */
	bool	   *row_nulls;
	bool	   *send;
	char	   *url;
	RestStats	stats;
} RestDirectState;

/*
 * restBeginDirectModify
 *		Set up a direct UPDATE or DELETE.
 */
static void
restBeginDirectModify(ForeignScanState *node, int eflags)
{
	ForeignScan *plan = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	ResultRelInfo *rinfo = node->resultRelInfo;
	RestDirectState *st = palloc0(sizeof(RestDirectState));
	Oid			userid;
	int			natts;

	node->fdw_state = st;
	userid = result_rel_user(rinfo, estate);
	st->table = RestGetTable(RelationGetRelid(rinfo->ri_RelationDesc), userid);
	st->set_attrs = list_nth(plan->fdw_private, RestDirectSetAttrs);
	st->has_returning = boolVal(list_nth(plan->fdw_private,
										 RestDirectHasReturning));
	st->can_set_tag = boolVal(list_nth(plan->fdw_private, RestDirectCanSetTag));
	st->url = strVal(list_nth(plan->fdw_private, RestDirectExplainUrl));
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	RestPrepareColumns(st->table);
	st->conn = RestGetConnection(st->table);
	st->expr_states = ExecInitExprList(plan->fdw_exprs, (PlanState *) node);
	natts = Max(st->table->ncolumns, 1);
	st->row = palloc0(sizeof(RestJsonValue) * natts);
	st->row_values = palloc0(sizeof(Datum) * natts);
	st->row_nulls = palloc(sizeof(bool) * natts);
	memset(st->row_nulls, true, sizeof(bool) * natts);
	st->send = palloc0(sizeof(bool) * natts);
}

static bool direct_returned_row(RestDirectState *st, TupleDesc tupdesc,
								CmdType operation, RestRequest *req,
								RestResponse *resp);

/*
 * direct_modify_request
 *		Make the one PATCH or DELETE of a direct modification.
 */
static void
direct_modify_request(ForeignScanState *node, RestDirectState *st)
{
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	RestTable  *table = st->table;
	CmdType		operation = ((ForeignScan *) node->ss.ps.plan)->operation;
	RestRequest req = {0};
	RestResponse resp = {0};
	ListCell   *lc;
	ListCell   *la;
	bool		isnull;
	Datum		key;
	Oid			keytype;

	key = ExecEvalExpr(linitial(st->expr_states), econtext, &isnull);
	if (isnull)
		return;					/* key = NULL matches no row */
	keytype = exprType((Node *) ((ExprState *) linitial(st->expr_states))->expr);
	st->url = RestItemUrl(table, RestDatumToUrlValue(key, keytype));

	req.url = st->url;
	if (operation == CMD_UPDATE)
	{
		req.method = "PATCH";
		forboth(la, st->set_attrs, lc, list_delete_first(list_copy(st->expr_states)))
		{
			int			i = lfirst_int(la) - 1;

			st->row_values[i] = ExecEvalExpr(lfirst(lc), econtext,
											  &st->row_nulls[i]);
			st->send[i] = true;
		}
		req.body = RestWriteBody(table, CMD_UPDATE,
								 RelationGetDescr(node->resultRelInfo->ri_RelationDesc),
								 st->row_values, st->row_nulls, st->send,
								 &req.body_len);
	}
	else
		req.method = "DELETE";
	req.extra_headers = returning_extra_headers(table, operation);

	if (!RestPerformOk(st->conn, table, &req, &resp, &st->stats, 404))
		return;					/* no such row */
	st->found = !response_is_empty_array(&resp);
	if (st->found && st->has_returning &&
		!direct_returned_row(st, RelationGetDescr(node->resultRelInfo->ri_RelationDesc),
							 operation, &req, &resp))
		written_row_error(operation, &req, &resp, NULL);
}

/*
 * direct_row_read
 *		Replace the values of a direct modification's RETURNING row by those
 *		the response returns, if it returns a row (read_written_response).
 */
static void
direct_row_read(WrittenResponse *wr)
{
	RestDirectState *st = wr->state;

	if (!response_row(wr->table, wr->what, wr->resp, wr->values))
		return;
	wr->rows = 1;
	for (int i = 0; i < wr->tupdesc->natts; i++)
	{
		RestColumn *col = &st->table->columns[i];

		if (!col->dropped && st->row[i].kind != REST_JSON_MISSING)
			st->row_values[i] = RestJsonToDatum(st->table, col, &st->row[i],
												wr->what, &st->row_nulls[i]);
	}
}

/*
 * direct_returned_row
 *		Read the row the response to a direct modification returns, for
 *		RETURNING, which has no other source for the columns not set; an
 *		error in reading it says that the write took place.  False if the
 *		response returns no row.
 */
static bool
direct_returned_row(RestDirectState *st, TupleDesc tupdesc, CmdType operation,
					RestRequest *req, RestResponse *resp)
{
	WrittenResponse wr = {0};

	wr.table = st->table;
	wr.resp = resp;
	wr.values = st->row;
	wr.state = st;
	wr.tupdesc = tupdesc;
	read_written_response(operation, req, &wr, direct_row_read);
	return wr.rows > 0;
}

/*
 * restIterateDirectModify
 *		Make the request on the first call; count the row, and return it
 *		for RETURNING.
 */
static TupleTableSlot *
restIterateDirectModify(ForeignScanState *node)
{
	RestDirectState *st = node->fdw_state;
	EState	   *estate = node->ss.ps.state;
	ResultRelInfo *rinfo = node->resultRelInfo;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;

	if (!st->done)
	{
		st->done = true;
		direct_modify_request(node, st);
		if (st->found && !rinfo->ri_projectReturning)
		{
			if (st->can_set_tag)
				estate->es_processed += 1;
			if (node->ss.ps.instrument)
				node->ss.ps.instrument->tuplecount += 1;
		}
	}

	if (!rinfo->ri_projectReturning || !st->found || st->returned)
		return ExecClearTuple(slot);

	/* the returned row; what the response lacks is what was sent */
	st->returned = true;
	if (st->can_set_tag)
		estate->es_processed += 1;
	ExecClearTuple(slot);
	memcpy(slot->tts_values, st->row_values,
		   sizeof(Datum) * slot->tts_tupleDescriptor->natts);
	memcpy(slot->tts_isnull, st->row_nulls,
		   sizeof(bool) * slot->tts_tupleDescriptor->natts);
	ExecStoreVirtualTuple(slot);
	rinfo->ri_projectReturning->pi_exprContext->ecxt_scantuple = slot;
	return slot;
}

/*
 * restEndDirectModify
 *		Nothing to release: memory goes with the query's context.
 */
static void
restEndDirectModify(ForeignScanState *node)
{
}

/*
 * restExplainDirectModify
 *		Show the one request a direct modification makes.
 */
static void
restExplainDirectModify(ForeignScanState *node, ExplainState *es)
{
	RestDirectState *st = node->fdw_state;
	CmdType		operation = ((ForeignScan *) node->ss.ps.plan)->operation;

	if (es->verbose)
		ExplainPropertyText("Remote request",
							psprintf("%s %s",
									 operation == CMD_UPDATE ? "PATCH" : "DELETE",
									 st->url),
							es);
	if (es->analyze)
		ExplainPropertyInteger("Remote requests", NULL, st->stats.requests, es);
}

/*
 * truncate_table
 *		Delete every row of one table's collection: one DELETE where the
 *		dialect has a URL for all rows, else one DELETE per row, whose 404
 *		is no error.
 */
static void
truncate_table(RestTable *table)
{
	RestConnection *conn = RestGetConnection(table);
	RestRequest req = {0};
	RestResponse resp = {0};
	ListCell   *lc;
	List	   *keys;

	req.method = "DELETE";
	req.extra_headers = RestRequestHeaders(table, REST_REQUEST_DELETE, 0);
	if (table->dialect->delete_all_url != NULL)
	{
		req.url = table->dialect->delete_all_url(table);
		(void) RestPerformOk(conn, table, &req, &resp, NULL, 0);
		return;
	}

	keys = RestCollectKeys(table, CurrentMemoryContext);
	foreach(lc, keys)
	{
		req.url = RestItemUrl(table, lfirst(lc));
		(void) RestPerformOk(conn, table, &req, &resp, NULL, 404);
	}
}

/*
 * restExecForeignTruncate
 *		TRUNCATE, as Django's TransactionTestCase flushes tables: delete
 *		every row of each collection, for tables that allow it.
 */
static void
restExecForeignTruncate(List *rels, DropBehavior behavior, bool restart_seqs)
{
	List	   *tables = NIL;
	ListCell   *lc;

	/* check them all before deleting anything */
	foreach(lc, rels)
	{
		Relation	rel = lfirst(lc);
		RestTable  *table = RestGetTable(RelationGetRelid(rel), GetUserId());

		if (!table->truncatable || !table->updatable)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("foreign table \"%s\" does not allow TRUNCATE",
							table->relname),
					 errdetail("TRUNCATE deletes every row of the service's collection, one request per row."),
					 errhint("Set the table option \"truncatable\" to \"true\" to allow it.")));
		if (table->key_index < 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
					 errmsg("foreign table \"%s\" has no key column",
							table->relname),
					 errdetail("TRUNCATE deletes rows by their key.")));
		RestPrepareColumns(table);
		tables = lappend(tables, table);
	}
	foreach(lc, tables)
		truncate_table(lfirst(lc));
}
