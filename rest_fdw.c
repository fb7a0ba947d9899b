/*-------------------------------------------------------------------------
 *
 * rest_fdw.c
 *		  Foreign-data wrapper for REST services: the FDW callbacks.
 *
 * A foreign table stands for a collection of a REST service.  A scan is a
 * GET of the collection, page after page, or of one item when the query
 * fixes the key; INSERT is a POST to the collection, UPDATE a PATCH and
 * DELETE a DELETE of the item, and RETURNING is filled from the service's
 * response.
 *
 * Design assumptions:
 * - A scan holds at most one page of the response in memory, and reads its
 *   rows in place with the streaming reader of json.c; each row's datums
 *   live in a context reset per row.
 * - Every condition of the query is checked locally, including the ones
 *   that chose the request, so a service that ignores a parameter cannot
 *   make a wrong row reach the query.
 * - Writes take effect on the service at once; a ROLLBACK does not undo
 *   them.
 *
 * The callbacks come in planner-then-executor order.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/sysattr.h"
#include "access/table.h"
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
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/typcache.h"

#include "rest_fdw.h"

PG_MODULE_MAGIC;

/* Cost of one request, in units of seq_page_cost; and of one row. */
#define REST_REQUEST_COST		100.0
#define REST_ROW_COST			0.01
/* Row estimate for a collection the planner knows nothing about. */
#define REST_DEFAULT_ROWS		1000.0

/* Name of the junk column that carries the key to UPDATE and DELETE. */
#define REST_KEY_JUNK			"rest_key"

/*
 * Planner information about a foreign table, kept in baserel->fdw_private.
 */
typedef struct RestRelationInfo
{
	RestTable  *table;
	Expr	   *key_expr;		/* value fixing the key, or NULL */
} RestRelationInfo;

/*
 * Indexes of the items of a ForeignScan's fdw_private list.
 */
enum RestScanPrivate
{
	RestScanItemLookup,			/* Boolean: fetch one item by key */
	RestScanRetrieved,			/* List of Integer: attnums to convert */
	RestScanExplainUrl			/* String: URL shown by EXPLAIN */
};

/*
 * A page read ahead by a scan that reads every page first.
 */
typedef struct RestReadPage
{
	char	   *url;
	const char *body;
	size_t		len;
} RestReadPage;

/*
 * Execution state of a scan.
 */
typedef struct RestScanState
{
	RestTable  *table;
	RestConnection *conn;
	bool		item_lookup;	/* fetch one item by its key */
	ExprState  *key_state;		/* evaluates the key value */
	bool	   *retrieved;		/* per column: convert it? */
	char	   *explain_url;

	/* progress */
	bool		started;		/* first request made */
	StringInfoData next_url;	/* next page to fetch, if have_next */
	bool		have_next;
	bool		page_open;		/* reader holds rows still */
	bool		single_row;		/* the page is one object */
	RestPageReader reader;
	RestJsonValue *values;		/* ncolumns spans of the current row */
	char	   *page_url;		/* URL of the current page */
	char	   *first_url;		/* URL of the first page */
	long		page_rows;		/* rows read from the current page */
	char	   *content_range;	/* Content-Range of the current page */

	/*
	 * The scan feeding an UPDATE or DELETE of the same table reads every
	 * page before the first row is modified: changing rows while paging
	 * would shift the pages still to come.
	 */
	bool		read_all_first;
	List	   *read_pages;		/* RestReadPage, still to be returned */

	MemoryContext page_cxt;		/* holds the current page */
	MemoryContext row_cxt;		/* holds the current row's datums */
	RestStats	stats;
} RestScanState;

/*
 * Indexes of the items of a ModifyTable's fdw_private list.
 */
enum RestModifyPrivate
{
	RestModifyUpdatedAttrs,		/* List of Integer: columns set by UPDATE */
	RestModifyHasReturning		/* Boolean: RETURNING present */
};

/*
 * Execution state of an INSERT, UPDATE or DELETE.
 */
typedef struct RestModifyState
{
	RestTable  *table;
	RestConnection *conn;
	CmdType		operation;
	AttrNumber	key_attno;		/* junk column with the key */
	AttrNumber	wholerow_attno; /* junk whole row for DELETE RETURNING */
	bool	   *send;			/* per column: put it in the body? */
	bool		has_returning;
	RestJsonValue *values;
	MemoryContext temp_cxt;		/* reset per row */
	RestStats	stats;
} RestModifyState;

PG_FUNCTION_INFO_V1(rest_fdw_handler);

/* planner */
static void restGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
								  Oid foreigntableid);
static void restGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
								Oid foreigntableid);
static ForeignScan *restGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
									   Oid foreigntableid, ForeignPath *best_path,
									   List *tlist, List *scan_clauses,
									   Plan *outer_plan);
#if PG_VERSION_NUM >= 140000
static void restAddForeignUpdateTargets(PlannerInfo *root, Index rtindex,
										RangeTblEntry *target_rte,
										Relation target_relation);
#else
static void restAddForeignUpdateTargets(Query *parsetree,
										RangeTblEntry *target_rte,
										Relation target_relation);
#endif
static List *restPlanForeignModify(PlannerInfo *root, ModifyTable *plan,
								   Index resultRelation, int subplan_index);
static int	restIsForeignRelUpdatable(Relation rel);

/* executor: scans */
static void restBeginForeignScan(ForeignScanState *node, int eflags);
static TupleTableSlot *restIterateForeignScan(ForeignScanState *node);
static void restReScanForeignScan(ForeignScanState *node);
static void restEndForeignScan(ForeignScanState *node);
static void restExplainForeignScan(ForeignScanState *node, ExplainState *es);

/* executor: modifications */
static void restBeginForeignModify(ModifyTableState *mtstate,
								   ResultRelInfo *rinfo, List *fdw_private,
								   int subplan_index, int eflags);
static TupleTableSlot *restExecForeignInsert(EState *estate,
											 ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
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

/* helpers */
static Oid	rest_user_for_rel(PlannerInfo *root, RelOptInfo *baserel);
static Expr *find_key_value(PlannerInfo *root, RelOptInfo *baserel,
							RestTable *table);
static List *retrieved_attrs(RelOptInfo *baserel, RestTable *table);
static void start_scan(RestScanState *st, ForeignScanState *node);
static void fetch_page(RestScanState *st);
static void read_all_pages(RestScanState *st);
static void find_next_page(RestScanState *st, RestResponse *resp);
static bool same_origin(const char *a, const char *b);
static void store_row(RestScanState *st, TupleTableSlot *slot);
static bool response_row(RestTable *table, const char *url,
						 RestResponse *resp, RestJsonValue *values);
static void fill_slot_from_response(RestModifyState *st, TupleTableSlot *slot,
									const char *url);
static char *key_text_from_plan_slot(RestModifyState *st,
									 TupleTableSlot *planSlot);
static void perform_or_fail(RestModifyState *st, RestRequest *req,
							RestResponse *resp, bool allow_404);
static List *returning_extra_headers(RestTable *table);

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
	routine->BeginForeignScan = restBeginForeignScan;
	routine->IterateForeignScan = restIterateForeignScan;
	routine->ReScanForeignScan = restReScanForeignScan;
	routine->EndForeignScan = restEndForeignScan;
	routine->ExplainForeignScan = restExplainForeignScan;

	routine->AddForeignUpdateTargets = restAddForeignUpdateTargets;
	routine->PlanForeignModify = restPlanForeignModify;
	routine->BeginForeignModify = restBeginForeignModify;
	routine->ExecForeignInsert = restExecForeignInsert;
	routine->ExecForeignUpdate = restExecForeignUpdate;
	routine->ExecForeignDelete = restExecForeignDelete;
	routine->EndForeignModify = restEndForeignModify;
	routine->ExplainForeignModify = restExplainForeignModify;
	routine->IsForeignRelUpdatable = restIsForeignRelUpdatable;

	PG_RETURN_POINTER(routine);
}

/*
 * restGetForeignRelSize
 *		Read the table's options and estimate how many rows the scan returns.
 */
static void
restGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel,
					  Oid foreigntableid)
{
	RestRelationInfo *info = palloc0(sizeof(RestRelationInfo));

	info->table = RestGetTable(foreigntableid, rest_user_for_rel(root, baserel));
	info->key_expr = find_key_value(root, baserel, info->table);
	baserel->fdw_private = info;

	if (info->key_expr != NULL)
		baserel->rows = 1;
	else
		baserel->rows = clamp_row_est(REST_DEFAULT_ROWS *
									  clauselist_selectivity(root,
															 baserel->baserestrictinfo,
															 0, JOIN_INNER,
															 NULL));
}

/*
 * restGetForeignPaths
 *		Offer the one way the wrapper scans a table.
 */
static void
restGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel,
					Oid foreigntableid)
{
	RestRelationInfo *info = baserel->fdw_private;
	double		pages;
	Cost		startup_cost = REST_REQUEST_COST;
	Cost		total_cost;

	if (info->key_expr != NULL)
		pages = 1;
	else
		pages = ceil(REST_DEFAULT_ROWS /
					 (info->table->page_size > 0 ? info->table->page_size : 100));
	total_cost = startup_cost + (pages - 1) * REST_REQUEST_COST +
		REST_DEFAULT_ROWS * (REST_ROW_COST + cpu_tuple_cost);

	add_path(baserel, (Path *)
			 create_foreignscan_path(root, baserel, NULL, baserel->rows,
									 startup_cost, total_cost, NIL,
									 NULL, NULL, NIL));
}

/*
 * restGetForeignPlan
 *		Build the ForeignScan: every condition stays a local filter.
 */
static ForeignScan *
restGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel,
				   Oid foreigntableid, ForeignPath *best_path,
				   List *tlist, List *scan_clauses, Plan *outer_plan)
{
	RestRelationInfo *info = baserel->fdw_private;
	RestTable  *table = info->table;
	List	   *fdw_exprs = NIL;
	List	   *fdw_private;
	char	   *explain_url;

	scan_clauses = extract_actual_clauses(scan_clauses, false);

	if (info->key_expr != NULL)
	{
		Expr	   *key = info->key_expr;

		fdw_exprs = list_make1(key);
		if (IsA(key, Const) && !((Const *) key)->constisnull)
			explain_url = RestItemUrl(table,
									  RestDatumToUrlValue(((Const *) key)->constvalue,
														  ((Const *) key)->consttype));
		else
			explain_url = RestItemUrl(table, NULL);
	}
	else
		explain_url = RestCollectionUrl(table);

	fdw_private = list_make3(makeBoolean(info->key_expr != NULL),
							 retrieved_attrs(baserel, table),
							 makeString(explain_url));

	return make_foreignscan(tlist, scan_clauses, baserel->relid, fdw_exprs,
							fdw_private, NIL, NIL, outer_plan);
}

/*
 * rest_user_for_rel
 *		The user whose mapping a scan of this relation uses.
 */
static Oid
rest_user_for_rel(PlannerInfo *root, RelOptInfo *baserel)
{
#if PG_VERSION_NUM >= 160000
	return OidIsValid(baserel->userid) ? baserel->userid : GetUserId();
#else
	RangeTblEntry *rte = planner_rt_fetch(baserel->relid, root);

	return OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
#endif
}

/*
 * find_key_value
 *		Find a condition "key = value" among the table's conditions, where
 *		the value can be computed before the scan starts; return the value.
 */
static Expr *
find_key_value(PlannerInfo *root, RelOptInfo *baserel, RestTable *table)
{
	ListCell   *lc;

	if (table->key_index < 0)
		return NULL;

	foreach(lc, baserel->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		OpExpr	   *op;
		Node	   *left;
		Node	   *right;
		char	   *opname;

		if (!IsA(ri->clause, OpExpr))
			continue;
		op = (OpExpr *) ri->clause;
		if (list_length(op->args) != 2)
			continue;
		opname = get_opname(op->opno);
		if (opname == NULL || strcmp(opname, "=") != 0 ||
			!op_mergejoinable(op->opno, exprType(linitial(op->args))))
			continue;

		left = strip_implicit_coercions(linitial(op->args));
		right = strip_implicit_coercions(lsecond(op->args));
		if (IsA(right, Var) && !IsA(left, Var))
		{
			Node	   *tmp = left;

			left = right;
			right = tmp;
		}
		if (!IsA(left, Var) ||
			(Index) ((Var *) left)->varno != baserel->relid ||
			((Var *) left)->varattno != table->columns[table->key_index].attnum)
			continue;
		if (contain_var_clause(right) || contain_volatile_functions(right) ||
			contain_subplans(right))
			continue;
		return (Expr *) right;
	}
	return NULL;
}

/*
 * retrieved_attrs
 *		The columns the query reads: only those are converted from JSON.
 */
static List *
retrieved_attrs(RelOptInfo *baserel, RestTable *table)
{
	Bitmapset  *attrs_used = NULL;
	List	   *result = NIL;
	ListCell   *lc;
	int			i;
	bool		whole_row;

	pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid,
				   &attrs_used);
	foreach(lc, baserel->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);

		pull_varattnos((Node *) ri->clause, baserel->relid, &attrs_used);
	}

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
#if PG_VERSION_NUM >= 140000
static void
restAddForeignUpdateTargets(PlannerInfo *root, Index rtindex,
							RangeTblEntry *target_rte,
							Relation target_relation)
#else
static void
restAddForeignUpdateTargets(Query *parsetree, RangeTblEntry *target_rte,
							Relation target_relation)
#endif
{
	RestTable  *table = RestGetTable(RelationGetRelid(target_relation),
									 GetUserId());
	RestColumn *key;
	Var		   *var;

	if (table->key_index < 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
				 errmsg("foreign table \"%s\" has no key column",
						table->relname),
				 errdetail("UPDATE and DELETE address rows by their key."),
				 errhint("Name the key column with the table option \"key\", or add a column named \"id\".")));

	key = &table->columns[table->key_index];
#if PG_VERSION_NUM >= 140000
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
#else
	var = makeVar(parsetree->resultRelation, key->attnum, key->typid,
				  key->typmod, get_typcollation(key->typid), 0);
	parsetree->targetList =
		lappend(parsetree->targetList,
				makeTargetEntry((Expr *) var,
								list_length(parsetree->targetList) + 1,
								pstrdup(REST_KEY_JUNK), true));
#endif
}

/*
 * restPlanForeignModify
 *		Record which columns an UPDATE sets and whether RETURNING is used.
 */
static List *
restPlanForeignModify(PlannerInfo *root, ModifyTable *plan,
					  Index resultRelation, int subplan_index)
{
	List	   *updated = NIL;
	bool		has_returning = plan->returningLists != NIL;

	if (plan->operation == CMD_UPDATE)
	{
		RangeTblEntry *rte = planner_rt_fetch(resultRelation, root);
		Bitmapset  *cols;
		int			col = -1;

#if PG_VERSION_NUM >= 150000
		{
			RelOptInfo *rel = find_base_rel(root, resultRelation);

			cols = get_rel_all_updated_cols(root, rel);
			(void) rte;
		}
#else
		cols = bms_union(rte->updatedCols, rte->extraUpdatedCols);
#endif
		while ((col = bms_next_member(cols, col)) >= 0)
		{
			AttrNumber	attno = col + FirstLowInvalidHeapAttributeNumber;

			if (attno <= InvalidAttrNumber)
				elog(ERROR, "system-column update is not supported");
			updated = lappend_int(updated, attno);
		}
	}

	return list_make2(updated, makeBoolean(has_returning));
}

/*
 * restIsForeignRelUpdatable
 *		Every rest_fdw table accepts INSERT, UPDATE and DELETE.
 */
static int
restIsForeignRelUpdatable(Relation rel)
{
	return (1 << CMD_INSERT) | (1 << CMD_UPDATE) | (1 << CMD_DELETE);
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
	Relation	rel = node->ss.ss_currentRelation;
	Oid			userid;
	ListCell   *lc;

	node->fdw_state = st;

#if PG_VERSION_NUM >= 160000
	userid = OidIsValid(plan->checkAsUser) ? plan->checkAsUser : GetUserId();
#else
	{
		RangeTblEntry *rte = exec_rt_fetch(plan->scan.scanrelid, estate);

		userid = OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
	}
#endif

	st->table = RestGetTable(RelationGetRelid(rel), userid);
	st->item_lookup = boolVal(list_nth(plan->fdw_private, RestScanItemLookup));
	st->explain_url = strVal(list_nth(plan->fdw_private, RestScanExplainUrl));
	st->retrieved = palloc0(sizeof(bool) * Max(st->table->ncolumns, 1));
	foreach(lc, (List *) list_nth(plan->fdw_private, RestScanRetrieved))
		st->retrieved[lfirst_int(lc) - 1] = true;

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	RestPrepareColumns(st->table);
	st->conn = RestGetConnection(st->table);
	if (st->item_lookup)
		st->key_state = ExecInitExpr(linitial(plan->fdw_exprs),
									 (PlanState *) node);
	st->values = palloc0(sizeof(RestJsonValue) * Max(st->table->ncolumns, 1));
	st->read_all_first = !st->item_lookup &&
		ExecRelationIsTargetRelation(estate, plan->scan.scanrelid);
	initStringInfo(&st->next_url);
	st->page_cxt = AllocSetContextCreate(estate->es_query_cxt,
										 "rest_fdw page",
										 ALLOCSET_DEFAULT_SIZES);
	st->row_cxt = AllocSetContextCreate(estate->es_query_cxt,
										"rest_fdw row",
										ALLOCSET_DEFAULT_SIZES);
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

	ExecClearTuple(slot);
	MemoryContextReset(st->row_cxt);

	if (!st->started)
	{
		start_scan(st, node);
		if (st->read_all_first)
			read_all_pages(st);
	}

	for (;;)
	{
		if (st->page_open)
		{
			bool		found;

			if (st->single_row)
			{
				/* an item lookup's one row: the page holds nothing else */
				found = true;
				st->single_row = false;
				st->page_open = false;
			}
			else
			{
				MemoryContext oldcxt = MemoryContextSwitchTo(st->row_cxt);

				found = RestPageNextRow(&st->reader, st->values);
				MemoryContextSwitchTo(oldcxt);
			}

			if (found)
			{
				st->page_rows++;
				store_row(st, slot);
				return slot;
			}
			st->page_open = false;
			if (!st->item_lookup && !st->read_all_first)
				find_next_page(st, NULL);
		}

		if (st->read_all_first)
		{
			RestReadPage *page;

			if (st->read_pages == NIL)
				return slot;
			page = linitial(st->read_pages);
			st->read_pages = list_delete_first(st->read_pages);
			st->page_url = page->url;
			RestPageBegin(&st->reader, st->table, page->url, page->body,
						  page->len);
			st->page_open = true;
			continue;
		}

		if (!st->have_next)
			return slot;
		fetch_page(st);
	}
}

/*
 * read_all_pages
 *		Fetch every page of the collection before any row is returned,
 *		keeping them all in the page context.
 */
static void
read_all_pages(RestScanState *st)
{
	while (st->have_next)
	{
		MemoryContext oldcxt;
		RestReadPage *page;

		fetch_page(st);
		oldcxt = MemoryContextSwitchTo(st->page_cxt);
		page = palloc(sizeof(RestReadPage));
		page->url = st->page_url;
		page->body = st->reader.buf;
		page->len = st->reader.len;
		st->read_pages = lappend(st->read_pages, page);
		MemoryContextSwitchTo(oldcxt);

		/* read through the rows to find the page's "next" link */
		oldcxt = MemoryContextSwitchTo(st->row_cxt);
		while (RestPageNextRow(&st->reader, st->values))
			;
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(st->row_cxt);
		st->page_open = false;
		find_next_page(st, NULL);
	}
}

/*
 * start_scan
 *		Decide the first URL: the key's item, or the collection.
 */
static void
start_scan(RestScanState *st, ForeignScanState *node)
{
	RestTable  *table = st->table;
	MemoryContext oldcxt;

	st->started = true;
	st->have_next = false;
	resetStringInfo(&st->next_url);

	if (st->item_lookup)
	{
		ExprContext *econtext = node->ss.ps.ps_ExprContext;
		bool		isnull;
		Datum		value;
		char	   *url;

		value = ExecEvalExpr(st->key_state, econtext, &isnull);
		if (isnull)
			return;				/* key = NULL matches no row */
		oldcxt = MemoryContextSwitchTo(st->row_cxt);
		url = RestItemUrl(table,
						  RestDatumToUrlValue(value,
											  exprType((Node *) st->key_state->expr)));
		appendStringInfoString(&st->next_url, url);
		MemoryContextSwitchTo(oldcxt);
	}
	else
	{
		oldcxt = MemoryContextSwitchTo(st->page_cxt);
		appendStringInfoString(&st->next_url, RestCollectionUrl(table));
		MemoryContextSwitchTo(oldcxt);
	}
	st->have_next = true;
}

/*
 * fetch_page
 *		GET the next page and open it for reading.
 */
static void
fetch_page(RestScanState *st)
{
	RestTable  *table = st->table;
	RestRequest req = {0};
	RestResponse resp = {0};
	MemoryContext oldcxt;

	if (!st->read_all_first)
		MemoryContextReset(st->page_cxt);
	oldcxt = MemoryContextSwitchTo(st->page_cxt);

	st->page_url = pstrdup(st->next_url.data);
	if (st->first_url == NULL)
		st->first_url = MemoryContextStrdup(GetMemoryChunkContext(st),
											st->page_url);
	st->have_next = false;
	st->page_rows = 0;
	st->content_range = NULL;

	req.method = "GET";
	req.url = st->page_url;
	RestPerform(st->conn, table, &req, &resp, &st->stats);

	if (st->item_lookup && resp.status == 404)
	{
		/* no such item: no row */
		MemoryContextSwitchTo(oldcxt);
		return;
	}
	if (resp.status < 200 || resp.status > 299)
		RestReportResponseError(table, &req, &resp);

	st->content_range = resp.content_range;
	if (st->item_lookup && !(resp.body_len > 0 &&
							 resp.body[strspn(resp.body, " \t\r\n")] == '['))
	{
		RestParseObject(table, st->page_url, resp.body, resp.body_len,
						st->values);
		st->single_row = true;
	}
	else
	{
		RestPageBegin(&st->reader, table, st->page_url, resp.body,
					  resp.body_len);
		/* a Link header is known now; an envelope's "next" at the end */
		if (resp.link_next != NULL && !st->item_lookup)
			find_next_page(st, &resp);
	}
	st->page_open = true;
	MemoryContextSwitchTo(oldcxt);
}

/*
 * find_next_page
 *		Find the URL of the page after the current one, if any: an
 *		envelope's "next", a Link header's rel="next", or PostgREST's next
 *		range.  Called with the response when its headers name the next
 *		page, and without it once the page's rows are all read.
 */
static void
find_next_page(RestScanState *st, RestResponse *resp)
{
	RestTable  *table = st->table;
	char	   *next = NULL;
	MemoryContext oldcxt;

	if (st->have_next)
		return;

	oldcxt = MemoryContextSwitchTo(st->row_cxt);
	if (resp != NULL)
		next = RestResolveUrl(st->page_url, resp->link_next);
	else if (st->reader.next.kind == REST_JSON_STRING)
		next = RestResolveUrl(st->page_url,
							  RestJsonValueText(&st->reader.next));
	else if (st->reader.next.kind != REST_JSON_MISSING &&
			 st->reader.next.kind != REST_JSON_NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("invalid \"next\" link in response from service"),
				 errdetail("The member \"next\" must be a string or null."),
				 errcontext("remote request GET %s", st->page_url)));
	else if (table->dialect == REST_DIALECT_POSTGREST &&
			 st->page_rows > 0 && st->content_range != NULL)
	{
		long		first,
					last;
		char		total[32];

		/* continue after the range returned, until it is empty or all */
		if (sscanf(st->content_range, "%ld-%ld/%31s", &first, &last,
				   total) == 3 &&
			(strcmp(total, "*") == 0 || last + 1 < atol(total)))
			next = psprintf("%s%coffset=%ld", st->first_url,
							strchr(st->first_url, '?') ? '&' : '?',
							last + 1);
	}

	if (next != NULL)
	{
		if (!same_origin(next, table->base_url))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("next page link points to another origin"),
					 errdetail("The service sent \"%s\" while the server's base_url is \"%s\".",
							   next, table->base_url),
					 errcontext("remote request GET %s", st->page_url)));
		if (strcmp(next, st->page_url) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("next page link points to the same page"),
					 errcontext("remote request GET %s", st->page_url)));
		resetStringInfo(&st->next_url);
		appendStringInfoString(&st->next_url, next);
		st->have_next = true;
	}
	MemoryContextSwitchTo(oldcxt);
}

/*
 * same_origin
 *		Do two absolute URLs have the same scheme, host and port?
 */
static bool
same_origin(const char *a, const char *b)
{
	const char *sa = strstr(a, "://");
	const char *sb = strstr(b, "://");
	size_t		la;
	size_t		lb;

	if (sa == NULL || sb == NULL)
		return false;
	la = (sa - a) + 3 + strcspn(sa + 3, "/?#");
	lb = (sb - b) + 3 + strcspn(sb + 3, "/?#");
	return la == lb && pg_strncasecmp(a, b, la) == 0;
}

/*
 * store_row
 *		Convert the current row's values into the scan slot.
 */
static void
store_row(RestScanState *st, TupleTableSlot *slot)
{
	RestTable  *table = st->table;
	MemoryContext oldcxt = MemoryContextSwitchTo(st->row_cxt);
	int			i;

	for (i = 0; i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];

		if (col->dropped || !st->retrieved[i])
		{
			slot->tts_values[i] = (Datum) 0;
			slot->tts_isnull[i] = true;
			continue;
		}
		slot->tts_values[i] = RestJsonToDatum(table, col, &st->values[i],
											  st->page_url,
											  &slot->tts_isnull[i]);
	}
	MemoryContextSwitchTo(oldcxt);
	ExecStoreVirtualTuple(slot);
}

/*
 * restReScanForeignScan
 *		Start again from the first request (its key may have changed).
 */
static void
restReScanForeignScan(ForeignScanState *node)
{
	RestScanState *st = node->fdw_state;

	st->started = false;
	st->page_open = false;
	st->single_row = false;
	st->have_next = false;
	st->first_url = NULL;
	st->read_pages = NIL;
	MemoryContextReset(st->page_cxt);
	MemoryContextReset(st->row_cxt);
}

/*
 * restEndForeignScan
 *		Nothing to release: memory goes with the query's context and the
 *		connection stays cached.
 */
static void
restEndForeignScan(ForeignScanState *node)
{
}

/*
 * restExplainForeignScan
 *		Show the request, and with ANALYZE what it cost.
 */
static void
restExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	RestScanState *st = node->fdw_state;

	if (es->verbose)
		ExplainPropertyText("Remote request",
							psprintf("GET %s", st->explain_url), es);
	if (es->analyze)
	{
		ExplainPropertyInteger("Remote requests", NULL, st->stats.requests, es);
		ExplainPropertyInteger("Remote bytes", NULL,
							   st->stats.bytes_received, es);
		if (es->timing)
			ExplainPropertyFloat("Remote wait time", "ms", st->stats.wait_ms,
								 3, es);
	}
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
	Oid			userid;
	int			i;
	ListCell   *lc;

	rinfo->ri_FdwState = st;
	st->operation = mtstate->operation;

#if PG_VERSION_NUM >= 160000
	userid = ExecGetResultRelCheckAsUser(rinfo, estate);
#else
	{
		RangeTblEntry *rte = exec_rt_fetch(rinfo->ri_RangeTableIndex, estate);

		userid = OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
	}
#endif
	st->table = RestGetTable(RelationGetRelid(rel), userid);
	st->has_returning = boolVal(list_nth(fdw_private, RestModifyHasReturning));

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	RestPrepareColumns(st->table);
	st->conn = RestGetConnection(st->table);
	st->values = palloc0(sizeof(RestJsonValue) * Max(st->table->ncolumns, 1));
	st->send = palloc0(sizeof(bool) * Max(st->table->ncolumns, 1));
	st->temp_cxt = AllocSetContextCreate(estate->es_query_cxt,
										 "rest_fdw modify",
										 ALLOCSET_SMALL_SIZES);

	if (st->operation == CMD_INSERT)
	{
		for (i = 0; i < st->table->ncolumns; i++)
			st->send[i] = !st->table->columns[i].dropped;
	}
	else if (st->operation == CMD_UPDATE)
	{
		foreach(lc, (List *) list_nth(fdw_private, RestModifyUpdatedAttrs))
			st->send[lfirst_int(lc) - 1] = true;
	}

	if (st->operation == CMD_UPDATE || st->operation == CMD_DELETE)
	{
		Plan	   *subplan;

#if PG_VERSION_NUM >= 140000
		subplan = outerPlanState(mtstate)->plan;
#else
		subplan = mtstate->mt_plans[subplan_index]->plan;
#endif
		st->key_attno = ExecFindJunkAttributeInTlist(subplan->targetlist,
													 REST_KEY_JUNK);
		if (!AttributeNumberIsValid(st->key_attno))
			elog(ERROR, "could not find junk column \"%s\"", REST_KEY_JUNK);
		st->wholerow_attno = ExecFindJunkAttributeInTlist(subplan->targetlist,
														  "wholerow");
	}
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
	RestTable  *table = st->table;
	RestRequest req = {0};
	RestResponse resp = {0};
	MemoryContext oldcxt;
	bool	   *send;

	MemoryContextReset(st->temp_cxt);
	oldcxt = MemoryContextSwitchTo(st->temp_cxt);

	slot_getallattrs(slot);
	send = palloc(sizeof(bool) * Max(table->ncolumns, 1));
	memcpy(send, st->send, sizeof(bool) * table->ncolumns);
	/* a NULL key is left out so that the service assigns one */
	if (table->key_index >= 0 && slot->tts_isnull[table->key_index])
		send[table->key_index] = false;

	req.method = "POST";
	req.url = table->collection_url;
	req.body = RestBuildBody(table, slot->tts_tupleDescriptor,
							 slot->tts_values, slot->tts_isnull, send,
							 &req.body_len);
	req.extra_headers = returning_extra_headers(table);
	perform_or_fail(st, &req, &resp, false);

	if (response_row(table, req.url, &resp, st->values))
		fill_slot_from_response(st, slot, req.url);

	MemoryContextSwitchTo(oldcxt);
	return slot;
}

/*
 * restExecForeignUpdate
 *		PATCH the row's item with the columns the UPDATE sets.
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
	bool		found;

	MemoryContextReset(st->temp_cxt);
	oldcxt = MemoryContextSwitchTo(st->temp_cxt);

	slot_getallattrs(slot);
	req.method = "PATCH";
	req.url = RestItemUrl(table, key_text_from_plan_slot(st, planSlot));
	req.body = RestBuildBody(table, slot->tts_tupleDescriptor,
							 slot->tts_values, slot->tts_isnull, st->send,
							 &req.body_len);
	req.extra_headers = returning_extra_headers(table);
	perform_or_fail(st, &req, &resp, true);

	if (resp.status == 404)
		found = false;
	else if (response_row(table, req.url, &resp, st->values))
	{
		fill_slot_from_response(st, slot, req.url);
		found = true;
	}
	else
		found = !(resp.body_len > 0 && resp.body[0] == '[');

	MemoryContextSwitchTo(oldcxt);
	return found ? slot : NULL;
}

/*
 * restExecForeignDelete
 *		DELETE the row's item.  RETURNING shows the row as the scan read
 *		it, or as the service returns it; before PostgreSQL 14, the row is
 *		read again first.
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
	char	   *url;
	bool		found;

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
	else if (st->has_returning && table->dialect != REST_DIALECT_POSTGREST)
	{
		RestRequest get = {0};
		RestResponse got = {0};

		get.method = "GET";
		get.url = url;
		perform_or_fail(st, &get, &got, true);
		if (got.status == 404 || !response_row(table, url, &got, st->values))
		{
			MemoryContextSwitchTo(oldcxt);
			return NULL;
		}
		have_values = true;
	}

	req.method = "DELETE";
	req.url = url;
	req.extra_headers = returning_extra_headers(table);
	perform_or_fail(st, &req, &resp, true);

	if (resp.status == 404)
		found = false;
	else if (response_row(table, url, &resp, st->values))
		found = have_values = true;
	else
		found = !(resp.body_len > 0 && resp.body[0] == '[');

	if (found && have_values)
		fill_slot_from_response(st, slot, url);
	else if (found && TTS_EMPTY(slot))
		ExecStoreAllNullTuple(slot);

	MemoryContextSwitchTo(oldcxt);
	return found ? slot : NULL;
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
}

/*
 * returning_extra_headers
 *		Headers asking the service to return the written row.
 */
static List *
returning_extra_headers(RestTable *table)
{
	if (table->dialect == REST_DIALECT_POSTGREST)
		return list_make1("Prefer: return=representation");
	return NIL;
}

/*
 * perform_or_fail
 *		Make a write request; any status but 2xx (and 404 when allowed) is
 *		an error.
 */
static void
perform_or_fail(RestModifyState *st, RestRequest *req, RestResponse *resp,
				bool allow_404)
{
	RestPerform(st->conn, st->table, req, resp, &st->stats);
	if (resp->status == 404 && allow_404)
		return;
	if (resp->status < 200 || resp->status > 299)
		RestReportResponseError(st->table, req, resp);
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
