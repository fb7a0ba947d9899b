/*-------------------------------------------------------------------------
 *
 * join.c
 *		  Joins of two foreign tables of one service done by the scan of the
 *		  join relation: the planner's GetForeignJoinPaths, the plan of such
 *		  a scan, and its execution.
 *
 * Django's select_related joins a table to the one its foreign key points
 * to, "... JOIN inner ON outer.fk = inner.key".  PostgreSQL alone either
 * reads the whole inner collection for a hash join or asks for one item
 * per outer row in a nested loop.  Here the outer table is read as its own
 * scan reads it (its conditions and order sent), a batch of rows at a
 * time, and the inner table is asked for the rows of the batch's distinct
 * keys with one request "key IN (...)" (more when the list is split to fit
 * max_url_length or the answer has several pages), together with the
 * inner table's own conditions.  The inner rows are hashed by key and the
 * joined rows returned in the outer rows' order; an outer row of a LEFT
 * join without an inner row comes NULL-extended.
 *
 * Design assumptions:
 * - Only INNER and LEFT joins of two base tables of the same server and
 *   user mapping, on a single clause "outer column = inner key" that the
 *   key lookup of an item URL accepts, whose IN list the inner table's
 *   dialect sends exactly; with any other clause of the join the planner
 *   keeps its own join.
 * - An inner row matches an outer row when the key's text, as the URL
 *   carries it, is equal: the key types are those whose text is canonical
 *   (find_key_value), so a row a service returns for a key not asked for
 *   never matches, and a NULL outer key matches nothing.
 * - The conditions checked locally on either side are the plan's filter
 *   on the joined row: right for an inner join and for the outer side of a
 *   LEFT join; a LEFT join whose inner side has one is not pushed down.
 * - Only SELECT without row locks: an UPDATE or DELETE with a join and
 *   FOR UPDATE would need EvalPlanQual's local join (fdw_outerpath), so
 *   those keep PostgreSQL's join.
 * - A batch is as many outer rows as a page of the outer table (100 when
 *   the service picks its page size), so that the requests of a join are
 *   about the outer pages plus one per page.
 * - A LIMIT (+ OFFSET) directly above the join, the whole query's FROM
 *   (Django's select_related()[:5]), bounds the first outer request: it
 *   asks for that many rows, none ahead, and its batch is one inner
 *   request for their keys.  The bound is only a hint: when those rows
 *   are read and more are wanted (an inner join's outer rows without an
 *   inner row give none), the outer side goes on from that offset with
 *   its own pages.  The Limit node above still does the limiting.
 * - The same scan computes "a LEFT JOIN b ON a.key = b.fk GROUP BY a's
 *   columns" with count(b.k) (Django's annotate(Count("books"))): the
 *   inner side is then the service's counts per value of b.fk, read whole
 *   once (group_by=fk&aggregate=count, with b's conditions) and hashed by
 *   value, and each outer row gets its value's count, 0 when it has none
 *   (RestGetGroupCountJoinPlan; the planner's part is rest_fdw.c's
 *   add_group_count_join_path).  Each row of a is one group, so the rows
 *   of a are the groups as they come.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/paths.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "optimizer/tlist.h"
#include "utils/array.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "dialect.h"
#include "pager.h"

/* Most outer rows of one batch. */
#define REST_JOIN_MAX_BATCH		1000

/*
 * Bytes of an inner request's URL besides its IN list, as the cost model
 * takes them (base URL, resource, the other parameters), and the
 * separator between the list's keys once percent-encoded ("%2C").
 */
#define REST_JOIN_URL_ROOM_TAKEN	200
#define REST_JOIN_KEY_SEPARATOR		3

/*
 * Planner information about a join the scan computes (joinrel's
 * fdw_private).
 */
typedef struct RestJoinInfo
{
	RestRelationInfo *outer;
	RestRelationInfo *inner;
	JoinType	jointype;
	Expr	   *clause;			/* the join clause */
	Var		   *outer_var;		/* its outer column */
	RestPushdown inner_pushdown;	/* the inner conditions and the IN list */
	int			in_index;		/* the IN list's value in its exprs */
	List	   *local_conds;	/* RestrictInfos checked on the joined row */
	int			batch_size;		/* outer rows per inner request */
} RestJoinInfo;

/*
 * Indexes of the items of the fdw_private list of the ForeignScan of a
 * join.
 */
enum RestJoinPrivate
{
	RestJoinKindItem,			/* Integer: REST_SCAN_JOIN */
	RestJoinTypeItem,			/* Integer: JoinType */
	RestJoinRelids,				/* List of Integer: outer and inner range
								 * table index at planning */
	RestJoinOuterParams,		/* List: the outer URL parameter templates */
	RestJoinInnerParams,		/* List: the inner ones, with the IN list */
	RestJoinNOuterExprs,		/* Integer: fdw_exprs of the outer side */
	RestJoinInExpr,				/* Integer: the IN list's index in the
								 * inner side's exprs */
	RestJoinKeys,				/* List of Integer: outer column and inner
								 * key attnum */
	RestJoinTlist,				/* List of Integer per scan tuple column: an
								 * outer attnum, or minus an inner one */
	RestJoinBatch,				/* Integer: outer rows per batch */
	RestJoinOrdered,			/* Boolean: the outer side is sorted */
	RestJoinExplain,			/* List of String: the join, the outer URL,
								 * the inner URL */
	RestJoinBound,				/* Integer: rows the first outer request
								 * asks for (0: no bound) */
	RestJoinGroupCounts			/* Boolean: the inner rows are counts per
								 * value, read once (tlist 0: the count) */
};

/* One side of a join being executed. */
typedef struct RestJoinSide
{
	RestTable  *table;
	List	   *params;
	List	   *expr_states;	/* ExprState per value (NULL: the IN list) */
	RestParamValue *values;
	int			nvalues;
	RestPager	pager;
} RestJoinSide;

/* A row of one side kept for the batch: the scan tuple columns it fills. */
typedef struct RestJoinRow
{
	Datum	   *values;
	bool	   *nulls;
	char	   *key;			/* the join key's text, NULL if NULL */
	Datum		keyval;			/* the join key */
} RestJoinRow;

/* Inner rows of one key. */
typedef struct RestJoinEntry
{
	char	   *key;			/* hash key: the key's text */
	List	   *rows;			/* RestJoinRow * */
} RestJoinEntry;

/* Execution state of the scan of a join. */
typedef struct RestJoinState
{
	JoinType	jointype;
	RestJoinSide outer;
	RestJoinSide inner;
	int			outer_key;		/* outer column index of the join key */
	int			inner_key;		/* inner key column index */
	int			in_index;
	int		   *tlist;			/* per scan tuple column, as RestJoinTlist */
	int			ntlist;
	int			batch_size;
	int			bound;			/* RestJoinBound */
	bool		bounded;		/* the outer request is the bounded one */
	int64		bound_read;		/* outer rows it returned */
	bool		ordered;
	bool		group_counts;	/* RestJoinGroupCounts */
	int			count_column;	/* the inner count member's index */
	MemoryContext groups_cxt;	/* the counts' rows and hash */
	char	   *explain_join;
	char	   *explain_outer;
	char	   *explain_inner;
	bool		started;
	bool		outer_done;		/* the outer side has no more rows */
	MemoryContext values_cxt;	/* both sides' values of this (re)scan */
	MemoryContext batch_cxt;	/* the current batch's rows and hash */
	RestJoinRow **batch;		/* its outer rows */
	int			nbatch;
	int			next_outer;		/* index of the outer row being joined */
	List	   *matches;		/* its inner rows */
	ListCell   *next_match;		/* the next one to return */
	bool		emitted;		/* the outer row gave a row already */
	HTAB	   *hash;			/* RestJoinEntry by key text */
	int64		batches;		/* batches read, for EXPLAIN ANALYZE */
} RestJoinState;

static bool join_vars_are_columns(List *exprs);
static bool join_inner_in_list(PlannerInfo *root, RelOptInfo *innerrel,
							   RestJoinInfo *jinfo, Expr *inner_key);
static void join_cost(PlannerInfo *root, RelOptInfo *joinrel,
					  RelOptInfo *outerrel, RelOptInfo *innerrel,
					  RestJoinInfo *jinfo, Cost *startup, Cost *total);
static double join_key_requests(RestJoinInfo *jinfo, RelOptInfo *innerrel,
								double keys);
static double join_key_text_width(Var *key, RelOptInfo *innerrel);
static char *join_text(RestJoinInfo *jinfo);
static char *group_count_join_text(RestTable *ot, RestTable *it,
								   RestColumn *okey, RestColumn *fk);
static int	join_bound(PlannerInfo *root, RelOptInfo *joinrel,
					   ForeignPath *best_path, RestJoinInfo *jinfo);
static void resume_outer(RestJoinState *js);
static void start_join(RestJoinState *js, ForeignScanState *node);
static void eval_values(RestJoinSide *side, ExprContext *econtext,
						MemoryContext cxt);
static bool read_batch(RestJoinState *js);
static RestJoinRow *keep_row(RestJoinState *js, RestJoinSide *side,
							 bool outer, int key_index, MemoryContext cxt);
static void fetch_inner(RestJoinState *js);
static void fetch_group_counts(RestJoinState *js);
static RestJoinRow *next_inner_row(RestJoinState *js, MemoryContext cxt);
static HTAB *join_hash_create(MemoryContext cxt, long nelems);
static void store_joined(RestJoinState *js, TupleTableSlot *slot,
						 RestJoinRow *outer, RestJoinRow *inner);

/*
 * RestGetForeignJoinPaths
 *		Offer the scan of the join when the join is one that it does: see
 *		the file's header.
 */
void
RestGetForeignJoinPaths(PlannerInfo *root, RelOptInfo *joinrel,
						RelOptInfo *outerrel, RelOptInfo *innerrel,
						JoinType jointype, JoinPathExtraData *extra)
{
	RestRelationInfo *outer;
	RestRelationInfo *inner;
	RestJoinInfo *jinfo;
	RestrictInfo *ri;
	Expr	   *value;
	Expr	   *inner_key;
	OpExpr	   *op;
	Cost		startup_cost;
	Cost		total_cost;
	List	   *cond_vars;
	ListCell   *lc;

	/* one path per join relation (the other order is tried too) */
	if (joinrel->fdw_private != NULL)
		return;
	if (root->parse->commandType != CMD_SELECT || root->parse->rowMarks != NIL)
		return;
	if (jointype != JOIN_INNER && jointype != JOIN_LEFT)
		return;
	if (outerrel->reloptkind != RELOPT_BASEREL ||
		innerrel->reloptkind != RELOPT_BASEREL ||
		outerrel->fdw_private == NULL || innerrel->fdw_private == NULL)
		return;
	if (!bms_is_empty(joinrel->lateral_relids) ||
		!bms_is_empty(outerrel->lateral_relids) ||
		!bms_is_empty(innerrel->lateral_relids))
		return;
	outer = outerrel->fdw_private;
	inner = innerrel->fdw_private;
	if (outer->table->serverid != inner->table->serverid ||
		outer->table->umid != inner->table->umid ||
		outer->key_expr != NULL || inner->key_expr != NULL ||
		inner->pushdown.has_in_list)
		return;
	if (!join_vars_are_columns(joinrel->reltarget->exprs))
		return;

	/* one clause, outer column = inner key */
	if (list_length(extra->restrictlist) != 1)
		return;
	ri = linitial_node(RestrictInfo, extra->restrictlist);
	if (jointype == JOIN_LEFT && RINFO_IS_PUSHED_DOWN(ri, joinrel->relids))
		return;
	if (!IsA(ri->clause, OpExpr))
		return;
	value = RestFindKeyValue(root, innerrel, inner->table,
							 list_make1(ri->clause));
	if (value == NULL)
		return;
	while (IsA(value, RelabelType))
		value = ((RelabelType *) value)->arg;
	if (!IsA(value, Var) || (Index) ((Var *) value)->varno != outerrel->relid ||
		((Var *) value)->varattno <= 0 || ((Var *) value)->varlevelsup != 0)
		return;
	op = (OpExpr *) ri->clause;
	inner_key = (Expr *) linitial(op->args);
	if (bms_is_member(outerrel->relid, pull_varnos(root, (Node *) inner_key)))
		inner_key = (Expr *) lsecond(op->args);

	jinfo = palloc0(sizeof(RestJoinInfo));
	jinfo->outer = outer;
	jinfo->inner = inner;
	jinfo->jointype = jointype;
	jinfo->clause = ri->clause;
	jinfo->outer_var = (Var *) value;
	if (!join_inner_in_list(root, innerrel, jinfo, inner_key))
		return;

	/* conditions checked here: on the joined row */
	jinfo->local_conds = list_concat(list_copy(outer->pushdown.local_conds),
									 outer->pushdown.recheck_conds);
	foreach(lc, jinfo->inner_pushdown.local_conds)
	{
		if (jointype == JOIN_LEFT)
			return;
		jinfo->local_conds = lappend(jinfo->local_conds, lfirst(lc));
	}
	foreach(lc, jinfo->inner_pushdown.recheck_conds)
	{
		/* the IN list is checked by the hash lookup */
		if (llast(jinfo->inner_pushdown.remote_conds) == lfirst(lc))
			continue;
		if (jointype == JOIN_LEFT)
			return;
		jinfo->local_conds = lappend(jinfo->local_conds, lfirst(lc));
	}

	/* the scan tuple holds their columns too: no whole row or system one */
	cond_vars = pull_var_clause((Node *) extract_actual_clauses(jinfo->local_conds,
																false),
								PVC_RECURSE_PLACEHOLDERS);
	if (!join_vars_are_columns(cond_vars))
		return;

	jinfo->batch_size = outer->table->page_size > 0
		? Min(outer->table->page_size, REST_JOIN_MAX_BATCH)
		: REST_DEFAULT_PAGE_ROWS;

	join_cost(root, joinrel, outerrel, innerrel, jinfo, &startup_cost,
			  &total_cost);
	joinrel->fdw_private = jinfo;
	add_path(joinrel, (Path *)
			 RestCreateForeignJoinPath(root, joinrel, NULL, joinrel->rows,
									   startup_cost, total_cost, NIL,
									   NULL, NULL, NIL));

	/* the outer side sorted by the service: the query's order, kept */
	if (root->query_pathkeys != NIL && !outer->pushdown.has_in_list &&
		RestSortParams(outer->table, root, outerrel,
					   root->query_pathkeys) != NIL)
		add_path(joinrel, (Path *)
				 RestCreateForeignJoinPath(root, joinrel, NULL, joinrel->rows,
										   startup_cost,
										   total_cost * REST_SORTED_SCAN_FACTOR,
										   root->query_pathkeys,
										   NULL, NULL, NIL));
}

/*
 * join_vars_are_columns
 *		Are the expressions (the join relation's target, or the Vars of the
 *		conditions checked on the joined row) only columns of the two
 *		tables (no whole row, system column or placeholder)?
 */
static bool
join_vars_are_columns(List *exprs)
{
	ListCell   *lc;

	foreach(lc, exprs)
	{
		Var		   *var = lfirst(lc);

		if (!IsA(var, Var) || var->varattno <= 0 || var->varlevelsup != 0)
			return false;
	}
	return true;
}

/*
 * join_inner_in_list
 *		Classify the inner table's conditions together with "key IN (the
 *		batch's keys)"; true if the service evaluates that list exactly and
 *		it may be split over requests.
 */
static bool
join_inner_in_list(PlannerInfo *root, RelOptInfo *innerrel,
				   RestJoinInfo *jinfo, Expr *inner_key)
{
	OpExpr	   *op = (OpExpr *) jinfo->clause;
	Oid			opno = op->opno;
	Oid			elemtype = jinfo->outer_var->vartype;
	Oid			arraytype = get_array_type(elemtype);
	ScalarArrayOpExpr *saop;
	Param	   *param;
	RestrictInfo *in_ri;
	RestPushdown *pd = &jinfo->inner_pushdown;
	ListCell   *lc;

	/* the operator with the key on its left */
	if (inner_key != linitial(op->args))
		opno = get_commutator(opno);
	if (!OidIsValid(opno) || !OidIsValid(arraytype))
		return false;

	/* the list's value, set by the scan for each batch */
	param = makeNode(Param);
	param->paramkind = PARAM_EXTERN;
	param->paramid = 0;
	param->paramtype = arraytype;
	param->paramtypmod = -1;
	param->paramcollid = jinfo->outer_var->varcollid;
	param->location = -1;

	saop = makeNode(ScalarArrayOpExpr);
	saop->opno = opno;
	saop->opfuncid = get_opcode(opno);
	saop->useOr = true;
	saop->inputcollid = op->inputcollid;
	saop->args = list_make2(copyObject(inner_key), param);
	saop->location = -1;
	in_ri = make_simple_restrictinfo(root, (Expr *) saop);

	RestClassifyConditions(root, innerrel, jinfo->inner->table,
						   lappend(list_copy(innerrel->baserestrictinfo), in_ri),
						   pd);
	if (pd->remote_conds == NIL || llast(pd->remote_conds) != in_ri ||
		list_member_ptr(pd->inexact_conds, in_ri) || !pd->has_in_list)
		return false;
	jinfo->in_index = -1;
	foreach(lc, pd->exprs)
		if (lfirst(lc) == (void *) param)
		{
			if (jinfo->in_index >= 0)
				return false;
			jinfo->in_index = foreach_current_index(lc);
		}
	return jinfo->in_index >= 0;
}

/*
 * join_cost
 *		Cost of the scan of the join: the outer scan, a request (or as many
 *		as the inner rows of a batch need pages) per batch of outer rows,
 *		and the rows.
 */
static void
join_cost(PlannerInfo *root, RelOptInfo *joinrel, RelOptInfo *outerrel,
		  RelOptInfo *innerrel, RestJoinInfo *jinfo, Cost *startup,
		  Cost *total)
{
	Path	   *outer_path = outerrel->cheapest_total_path;
	double		batches = Max(1.0, ceil(outerrel->rows / jinfo->batch_size));
	double		keys = Min((double) jinfo->batch_size,
						   Min(outerrel->rows, innerrel->rows));
	Cost		inner_startup;
	Cost		inner_total;
	QualCost	qual;

	RestScanCost(jinfo->inner->table, keys, &inner_startup, &inner_total);
	/*
	 * More requests where the IN list is split to fit max_url_length, each
	 * costing what a scan's first request does (its startup cost).
	 */
	inner_total += (join_key_requests(jinfo, innerrel, keys) -
					RestPageRequests(jinfo->inner->table, keys)) *
		inner_startup;
	cost_qual_eval(&qual, extract_actual_clauses(jinfo->local_conds, false),
				   root);
	*startup = outer_path->startup_cost + inner_startup + qual.startup;
	*total = outer_path->total_cost + batches * inner_total + qual.startup +
		(qual.per_tuple + cpu_tuple_cost) * joinrel->rows;
}

/*
 * join_key_requests
 *		Requests for the IN list of a batch of keys distinct keys: at least
 *		one per page of their rows, and as many as the list needs to fit the
 *		inner table's max_url_length.
 */
static double
join_key_requests(RestJoinInfo *jinfo, RelOptInfo *innerrel, double keys)
{
	RestTable  *table = jinfo->inner->table;
	double		pages = RestPageRequests(table, keys);
	double		key_bytes = join_key_text_width(jinfo->outer_var, innerrel) +
		REST_JOIN_KEY_SEPARATOR;
	double		room = (double) table->max_url_length - REST_JOIN_URL_ROOM_TAKEN;

	if (room < key_bytes)
		return pages;
	return Max(pages, ceil(keys * key_bytes / room));
}

/*
 * join_key_text_width
 *		Bytes of a key's text in the URL, about: for an integer, the digits
 *		of the inner table's row count (keys numbered from 1 up); for a
 *		uuid its 36; else the type's average width.
 */
static double
join_key_text_width(Var *key, RelOptInfo *innerrel)
{
	double		rows = innerrel->tuples > 0 ? innerrel->tuples : innerrel->rows;

	switch (key->vartype)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			return floor(log10(Max(rows, 1.0))) + 1.0;
		case UUIDOID:
			return 36.0;
		default:
			return (double) get_typavgwidth(key->vartype, key->vartypmod);
	}
}

/*
 * join_text
 *		The join as EXPLAIN shows it.
 */
static char *
join_text(RestJoinInfo *jinfo)
{
	RestTable  *ot = jinfo->outer->table;
	RestTable  *it = jinfo->inner->table;

	return psprintf("%s %s JOIN %s ON %s.%s = %s.%s, %d outer rows per inner request",
					ot->relname,
					jinfo->jointype == JOIN_LEFT ? "LEFT" : "INNER",
					it->relname, ot->relname,
					ot->columns[jinfo->outer_var->varattno - 1].attname,
					it->relname, it->columns[it->key_index].attname,
					jinfo->batch_size);
}

/*
 * RestGetJoinPlan
 *		The ForeignScan of a join: its tuple is fdw_scan_tlist, the columns
 *		of both tables the query reads, and the conditions checked here are
 *		its filter.
 */
ForeignScan *
RestGetJoinPlan(PlannerInfo *root, RelOptInfo *joinrel, ForeignPath *best_path,
				List *tlist, Plan *outer_plan)
{
	RestJoinInfo *jinfo = joinrel->fdw_private;
	RestTable  *ot = jinfo->outer->table;
	RestTable  *it = jinfo->inner->table;
	Index		orel = jinfo->outer->relid;
	Index		irel = jinfo->inner->relid;
	List	   *local_exprs = extract_actual_clauses(jinfo->local_conds, false);
	List	   *scan_tlist;
	List	   *tl = NIL;
	List	   *ocols = NIL;
	List	   *icols = NIL;
	List	   *oparams = list_copy(jinfo->outer->pushdown.params);
	List	   *iparams = list_copy(jinfo->inner_pushdown.params);
	List	   *oexprs = list_copy(jinfo->outer->pushdown.exprs);
	List	   *iexprs = list_copy(jinfo->inner_pushdown.exprs);
	List	   *fdw_exprs;
	List	   *fdw_private;
	char	   *outer_url;
	char	   *inner_url;
	bool		ordered = false;
	ListCell   *lc;

	scan_tlist = add_to_flat_tlist(NIL,
								   pull_var_clause((Node *) joinrel->reltarget->exprs,
												   PVC_RECURSE_PLACEHOLDERS));
	scan_tlist = add_to_flat_tlist(scan_tlist,
								   pull_var_clause((Node *) local_exprs,
												   PVC_RECURSE_PLACEHOLDERS));
	foreach(lc, scan_tlist)
	{
		Var		   *var = (Var *) ((TargetEntry *) lfirst(lc))->expr;

		Assert(IsA(var, Var) && var->varattno > 0);
		if ((Index) var->varno == orel)
		{
			tl = lappend_int(tl, var->varattno);
			ocols = list_append_unique_int(ocols, var->varattno);
		}
		else
		{
			Assert((Index) var->varno == irel);
			tl = lappend_int(tl, -var->varattno);
			icols = list_append_unique_int(icols, var->varattno);
		}
	}
	ocols = list_append_unique_int(ocols, jinfo->outer_var->varattno);
	icols = list_append_unique_int(icols, it->columns[it->key_index].attnum);

	if (best_path->path.pathkeys != NIL)
	{
		oparams = list_concat(oparams,
							  RestSortParams(ot, root,
											 find_base_rel(root, orel),
											 best_path->path.pathkeys));
		ordered = true;
	}
	oparams = list_concat(oparams, RestProjectionParams(ot, ocols));
	iparams = list_concat(iparams, RestProjectionParams(it, icols));
	outer_url = RestExplainUrl(ot, oparams, oexprs);
	inner_url = RestExplainUrl(it, iparams, iexprs);

	/* the IN list's value is the scan's: a placeholder in the plan */
	lfirst(list_nth_cell(iexprs, jinfo->in_index)) =
		makeNullConst(exprType(list_nth(iexprs, jinfo->in_index)), -1,
					  InvalidOid);
	fdw_exprs = list_concat(list_copy(oexprs), iexprs);

	fdw_private = NIL;
	fdw_private = lappend(fdw_private, makeInteger(REST_SCAN_JOIN));
	fdw_private = lappend(fdw_private, makeInteger(jinfo->jointype));
	fdw_private = lappend(fdw_private, list_make2_int(orel, irel));
	fdw_private = lappend(fdw_private, oparams);
	fdw_private = lappend(fdw_private, iparams);
	fdw_private = lappend(fdw_private, makeInteger(list_length(oexprs)));
	fdw_private = lappend(fdw_private, makeInteger(jinfo->in_index));
	fdw_private = lappend(fdw_private,
						  list_make2_int(jinfo->outer_var->varattno,
										 it->columns[it->key_index].attnum));
	fdw_private = lappend(fdw_private, tl);
	fdw_private = lappend(fdw_private, makeInteger(jinfo->batch_size));
	fdw_private = lappend(fdw_private, makeBoolean(ordered));
	inner_url = psprintf("%s ($%d: the batch's distinct %s.%s)", inner_url,
						 jinfo->in_index + 1, ot->relname,
						 ot->columns[jinfo->outer_var->varattno - 1].attname);
	fdw_private = lappend(fdw_private,
						  list_make3(makeString(join_text(jinfo)),
									 makeString(outer_url),
									 makeString(inner_url)));
	fdw_private = lappend(fdw_private,
						  makeInteger(join_bound(root, joinrel, best_path,
												 jinfo)));
	fdw_private = lappend(fdw_private, makeBoolean(false));

	return make_foreignscan(tlist, local_exprs, 0, fdw_exprs, fdw_private,
							scan_tlist, NIL, outer_plan);
}

/*
 * group_count_join_text
 *		The grouped join with the service's counts, as EXPLAIN shows it.
 */
static char *
group_count_join_text(RestTable *ot, RestTable *it, RestColumn *okey,
					  RestColumn *fk)
{
	return psprintf("%s LEFT JOIN %s ON %s.%s = %s.%s grouped by %s.%s, with the service's counts per %s.%s",
					ot->relname, it->relname, ot->relname, okey->attname,
					it->relname, fk->attname, ot->relname, okey->attname,
					it->relname, fk->attname);
}

/*
 * RestGetGroupCountJoinPlan
 *		The ForeignScan of "a LEFT JOIN b ON a.key = b.fk GROUP BY a's
 *		columns" with count(b.k): a scan of the join whose inner rows are
 *		the service's counts per value of b.fk.  Its tuple is a's columns
 *		the query reads and the count aggregates (tlist 0), which setrefs.c
 *		matches to the upper target; a's conditions checked here are its
 *		filter.
 */
ForeignScan *
RestGetGroupCountJoinPlan(PlannerInfo *root, ForeignPath *best_path,
						  List *tlist, RestRelationInfo *outer,
						  RestRelationInfo *inner, AttrNumber inner_column,
						  Plan *outer_plan)
{
	RestTable  *ot = outer->table;
	RestTable  *it = inner->table;
	RestColumn *okey = &ot->columns[ot->key_index];
	RestColumn *fk = &it->columns[inner_column - 1];
	List	   *local_exprs;
	List	   *scan_tlist = NIL;
	List	   *tl = NIL;
	List	   *ocols = NIL;
	List	   *oparams = list_copy(outer->pushdown.params);
	List	   *iparams = list_copy(inner->pushdown.params);
	List	   *oexprs = list_copy(outer->pushdown.exprs);
	List	   *iexprs = list_copy(inner->pushdown.exprs);
	List	   *fdw_private = NIL;
	bool		ordered = false;
	char	   *outer_url;
	char	   *inner_url;
	ListCell   *lc;

	local_exprs = extract_actual_clauses(list_concat(list_copy(outer->pushdown.local_conds),
													 outer->pushdown.recheck_conds),
										 false);
	/* the HAVING clause, on each group: a row of the scan */
	local_exprs = list_concat(local_exprs, (List *) root->parse->havingQual);
	foreach(lc, pull_var_clause((Node *) list_concat(list_copy(tlist),
													 local_exprs),
								PVC_INCLUDE_AGGREGATES |
								PVC_RECURSE_PLACEHOLDERS))
	{
		Node	   *node = lfirst(lc);

		if (tlist_member((Expr *) node, scan_tlist))
			continue;
		scan_tlist = lappend(scan_tlist,
							 makeTargetEntry((Expr *) node,
											 list_length(scan_tlist) + 1,
											 NULL, false));
		if (IsA(node, Var))
		{
			Assert((Index) ((Var *) node)->varno == outer->relid);
			tl = lappend_int(tl, ((Var *) node)->varattno);
			ocols = list_append_unique_int(ocols, ((Var *) node)->varattno);
		}
		else
		{
			Assert(IsA(node, Aggref));
			tl = lappend_int(tl, 0);
		}
	}
	ocols = list_append_unique_int(ocols, okey->attnum);

	if (best_path->path.pathkeys != NIL)
	{
		oparams = list_concat(oparams,
							  RestSortParams(ot, root,
											 find_base_rel(root, outer->relid),
											 best_path->path.pathkeys));
		ordered = true;
	}
	oparams = list_concat(oparams, RestProjectionParams(ot, ocols));
	iparams = list_concat(iparams, it->dialect->group_params(it, fk, true));
	outer_url = RestExplainUrl(ot, oparams, oexprs);
	inner_url = RestExplainUrl(it, iparams, iexprs);

	fdw_private = lappend(fdw_private, makeInteger(REST_SCAN_JOIN));
	fdw_private = lappend(fdw_private, makeInteger(JOIN_LEFT));
	fdw_private = lappend(fdw_private, list_make2_int(outer->relid,
													  inner->relid));
	fdw_private = lappend(fdw_private, oparams);
	fdw_private = lappend(fdw_private, iparams);
	fdw_private = lappend(fdw_private, makeInteger(list_length(oexprs)));
	fdw_private = lappend(fdw_private, makeInteger(-1));
	fdw_private = lappend(fdw_private, list_make2_int(okey->attnum,
													  fk->attnum));
	fdw_private = lappend(fdw_private, tl);
	fdw_private = lappend(fdw_private,
						  makeInteger(ot->page_size > 0
									  ? Min(ot->page_size, REST_JOIN_MAX_BATCH)
									  : REST_DEFAULT_PAGE_ROWS));
	fdw_private = lappend(fdw_private, makeBoolean(ordered));
	fdw_private = lappend(fdw_private,
						  list_make3(makeString(group_count_join_text(ot, it,
																	  okey, fk)),
									 makeString(outer_url),
									 makeString(inner_url)));
	fdw_private = lappend(fdw_private, makeInteger(0));
	fdw_private = lappend(fdw_private, makeBoolean(true));

	return make_foreignscan(tlist, local_exprs, 0,
							list_concat(oexprs, iexprs), fdw_private,
							scan_tlist, NIL, outer_plan);
}

/*
 * join_bound
 *		The rows the first outer request of the join asks for, when a LIMIT
 *		(+ OFFSET) of constants is all that sits above the join: the query
 *		reads only this join, with no grouping, aggregate, DISTINCT or
 *		window, and its order is the scan's (no Sort needing every row).
 *		0 when there is no bound smaller than a batch.
 */
static int
join_bound(PlannerInfo *root, RelOptInfo *joinrel, ForeignPath *best_path,
		   RestJoinInfo *jinfo)
{
	Query	   *parse = root->parse;

	if (root->limit_tuples <= 0 || root->limit_tuples >= jinfo->batch_size)
		return 0;
#if PG_VERSION_NUM >= 160000
	/* a join's relids hold its outer join's since 16 */
	if (!bms_equal(joinrel->relids, root->all_query_rels))
		return 0;
#else
	if (!bms_equal(joinrel->relids, root->all_baserels))
		return 0;
#endif
	if (parse->groupClause != NIL || parse->groupingSets != NIL ||
		parse->hasAggs || parse->havingQual != NULL ||
		parse->distinctClause != NIL || parse->hasWindowFuncs ||
		parse->setOperations != NULL)
		return 0;
	if (!pathkeys_contained_in(root->query_pathkeys,
							   best_path->path.pathkeys))
		return 0;
	/* an IN list split over requests is read whole */
	if (jinfo->outer->pushdown.has_in_list)
		return 0;
	return (int) root->limit_tuples;
}

/*
 * RestIsJoinScan
 *		Is this ForeignScan the scan of a join?
 */
bool
RestIsJoinScan(ForeignScan *plan)
{
	return plan->operation == CMD_SELECT && plan->scan.scanrelid == 0 &&
		plan->fdw_private != NIL && IsA(linitial(plan->fdw_private), Integer) &&
		intVal(linitial(plan->fdw_private)) == REST_SCAN_JOIN;
}

/*
 * RestBeginJoinScan
 *		Set up the scan of a join: both tables, their requests' templates,
 *		and the batch's memory.
 */
void
RestBeginJoinScan(ForeignScanState *node, int eflags)
{
	ForeignScan *plan = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	List	   *priv = plan->fdw_private;
	RestJoinState *js = palloc0(sizeof(RestJoinState));
	List	   *relids = list_nth(priv, RestJoinRelids);
	List	   *keys = list_nth(priv, RestJoinKeys);
	List	   *explain = list_nth(priv, RestJoinExplain);
	int			nouter = intVal(list_nth(priv, RestJoinNOuterExprs));
	int			rtoffset;
	int			i;
	ListCell   *lc;

	node->fdw_state = js;
	js->jointype = intVal(list_nth(priv, RestJoinTypeItem));
	js->outer.params = list_nth(priv, RestJoinOuterParams);
	js->inner.params = list_nth(priv, RestJoinInnerParams);
	js->in_index = intVal(list_nth(priv, RestJoinInExpr));
	js->batch_size = intVal(list_nth(priv, RestJoinBatch));
	js->bound = intVal(list_nth(priv, RestJoinBound));
	js->ordered = boolVal(list_nth(priv, RestJoinOrdered));
	js->group_counts = boolVal(list_nth(priv, RestJoinGroupCounts));
	js->explain_join = strVal(linitial(explain));
	js->explain_outer = strVal(lsecond(explain));
	js->explain_inner = strVal(lthird(explain));
	js->outer_key = linitial_int(keys) - 1;
	js->inner_key = lsecond_int(keys) - 1;
	js->ntlist = list_length(list_nth(priv, RestJoinTlist));
	js->tlist = palloc(sizeof(int) * Max(js->ntlist, 1));
	i = 0;
	foreach(lc, (List *) list_nth(priv, RestJoinTlist))
		js->tlist[i++] = lfirst_int(lc);

	/*
	 * The range table indexes of the planner, moved as setrefs.c moved
	 * the scan's relids when it flattened the range tables.
	 */
	rtoffset = bms_next_member(RestScanBaseRelids(plan), -1) -
		Min(linitial_int(relids), lsecond_int(relids));
	for (i = 0; i < 2; i++)
	{
		RestJoinSide *side = i == 0 ? &js->outer : &js->inner;
		RangeTblEntry *rte = exec_rt_fetch(list_nth_int(relids, i) + rtoffset,
										   estate);
		Oid			userid = RestScanCheckAsUser(plan, rte);

		side->table = RestGetTable(rte->relid,
								   OidIsValid(userid) ? userid : GetUserId());
	}

	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	if (js->group_counts)
	{
		/* the counts' rows: the grouped column and the count member */
		js->inner.table = RestTableWithCountMember(js->inner.table);
		js->count_column = js->inner.table->ncolumns - 1;
		js->groups_cxt = AllocSetContextCreate(estate->es_query_cxt,
											   "rest_fdw join counts",
											   ALLOCSET_DEFAULT_SIZES);
	}
	RestPrepareColumns(js->outer.table);
	RestPrepareColumns(js->inner.table);
	i = 0;
	foreach(lc, plan->fdw_exprs)
	{
		RestJoinSide *side = i < nouter ? &js->outer : &js->inner;
		ExprState  *state = NULL;

		if (i < nouter || i - nouter != js->in_index)
			state = ExecInitExpr(lfirst(lc), (PlanState *) node);
		side->expr_states = lappend(side->expr_states, state);
		i++;
	}
	for (i = 0; i < 2; i++)
	{
		RestJoinSide *side = i == 0 ? &js->outer : &js->inner;

		side->nvalues = list_length(side->expr_states);
		side->values = palloc0(sizeof(RestParamValue) * Max(side->nvalues, 1));
		RestPagerInit(&side->pager, side->table, REST_SCAN_COLLECTION, false,
					  estate->es_query_cxt);
	}
	js->values_cxt = AllocSetContextCreate(estate->es_query_cxt,
										   "rest_fdw join values",
										   ALLOCSET_SMALL_SIZES);
	js->batch_cxt = AllocSetContextCreate(estate->es_query_cxt,
										  "rest_fdw join batch",
										  ALLOCSET_DEFAULT_SIZES);
	js->batch = palloc(sizeof(RestJoinRow *) * js->batch_size);
}

/*
 * eval_values
 *		Compute a side's values for this (re)scan, the IN list aside, in
 *		cxt: not the pager's, which each batch's inner request resets.
 */
static void
eval_values(RestJoinSide *side, ExprContext *econtext, MemoryContext cxt)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
	ListCell   *lc;

	foreach(lc, side->expr_states)
	{
		ExprState  *state = lfirst(lc);
		RestParamValue *pv = &side->values[foreach_current_index(lc)];
		MemoryContext evalcxt;
		Datum		value;

		if (state == NULL)
			continue;
		evalcxt = MemoryContextSwitchTo(econtext->ecxt_per_tuple_memory);
		value = ExecEvalExpr(state, econtext, &pv->isnull);
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
}

/*
 * start_join
 *		Start the outer side's requests.
 */
static void
start_join(RestJoinState *js, ForeignScanState *node)
{
	ExprContext *econtext = node->ss.ps.ps_ExprContext;

	js->started = true;
	js->outer_done = false;
	js->nbatch = 0;
	js->next_outer = 0;
	js->matches = NIL;
	js->next_match = NULL;
	js->hash = NULL;
	MemoryContextReset(js->batch_cxt);
	RestPagerReset(&js->outer.pager);
	RestPagerReset(&js->inner.pager);
	MemoryContextReset(js->values_cxt);
	eval_values(&js->outer, econtext, js->values_cxt);
	eval_values(&js->inner, econtext, js->values_cxt);
	js->bounded = js->bound > 0;
	js->bound_read = 0;
	if (js->group_counts)
		fetch_group_counts(js);
	RestPagerStart(&js->outer.pager, js->outer.params, js->outer.values,
				   NULL, 0, js->bounded ? js->bound : -1, !js->ordered);
}

/*
 * resume_outer
 *		The bounded outer request's rows are read and more are wanted: go
 *		on from that offset with the outer table's own pages.
 */
static void
resume_outer(RestJoinState *js)
{
	js->bounded = false;
	RestPagerReset(&js->outer.pager);
	RestPagerStart(&js->outer.pager, js->outer.params, js->outer.values,
				   NULL, js->bound_read, -1, !js->ordered);
}

/*
 * keep_row
 *		Copy the current row of a side into cxt (the batch's, or the
 *		counts'): the scan tuple's columns of that side, and the key's text.
 */
static RestJoinRow *
keep_row(RestJoinState *js, RestJoinSide *side, bool outer, int key_index,
		 MemoryContext cxt)
{
	RestTable  *table = side->table;
	RestPager  *pager = &side->pager;
	MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
	RestJoinRow *row = palloc(sizeof(RestJoinRow));
	RestColumn *keycol = &table->columns[key_index];
	Datum		key;
	bool		isnull;
	int			i;

	row->values = palloc(sizeof(Datum) * Max(js->ntlist, 1));
	row->nulls = palloc(sizeof(bool) * Max(js->ntlist, 1));
	for (i = 0; i < js->ntlist; i++)
	{
		int			attnum = outer ? js->tlist[i] : -js->tlist[i];

		/* the count of the counts' row */
		if (js->tlist[i] == 0 && !outer && js->group_counts)
			attnum = js->count_column + 1;
		if (attnum <= 0)
			continue;
		row->values[i] = RestJsonToDatum(table, &table->columns[attnum - 1],
										 &pager->row[attnum - 1],
										 pager->page_url, &row->nulls[i]);
	}
	key = RestJsonToDatum(table, keycol, &pager->row[key_index],
						  pager->page_url, &isnull);
	row->keyval = key;
	row->key = isnull ? NULL : RestDatumToUrlValue(key, keycol->typid);
	MemoryContextSwitchTo(oldcxt);
	return row;
}

/*
 * read_batch
 *		Read the next batch of outer rows and the inner rows of their keys;
 *		false when the outer side has no more rows.
 */
static bool
read_batch(RestJoinState *js)
{
	bool		skip;

	MemoryContextReset(js->batch_cxt);
	if (!js->group_counts)
		js->hash = NULL;
	js->nbatch = 0;
	js->next_outer = 0;
	js->matches = NIL;
	js->next_match = NULL;
	js->emitted = false;
	while (!js->outer_done && js->nbatch < js->batch_size)
	{
		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(js->outer.pager.row_cxt);
		if (!RestPagerNextRow(&js->outer.pager, &skip))
		{
			if (js->bounded && js->bound_read >= js->bound)
			{
				/* the bound's rows make this batch; the rest, the next */
				resume_outer(js);
				if (js->nbatch > 0)
					break;
				continue;
			}
			js->outer_done = true;
			break;
		}
		if (skip)
			continue;
		if (js->bounded)
			js->bound_read++;
		js->batch[js->nbatch++] = keep_row(js, &js->outer, true,
										   js->outer_key, js->batch_cxt);
	}
	if (js->nbatch == 0)
		return false;
	if (!js->group_counts)
		fetch_inner(js);
	js->batches++;
	return true;
}

/*
 * join_key_hash
 *		Hash function of the batch's hash table: the key's text.
 */
static uint32
join_key_hash(const void *key, Size keysize)
{
	const char *text = *(char *const *) key;

	return hash_bytes((const unsigned char *) text, strlen(text));
}

/*
 * join_key_match
 *		Match function of the batch's hash table.
 */
static int
join_key_match(const void *key1, const void *key2, Size keysize)
{
	return strcmp(*(char *const *) key1, *(char *const *) key2);
}

/*
 * fetch_inner
 *		Ask the inner table for the rows of the batch's distinct keys and
 *		hash them by key.  A batch of NULL keys only needs no request.
 */
static void
fetch_inner(RestJoinState *js)
{
	RestJoinSide *inner = &js->inner;
	RestTable  *ot = js->outer.table;
	RestColumn *okey = &ot->columns[js->outer_key];
	RestParamValue *pv = &inner->values[js->in_index];
	MemoryContext oldcxt = MemoryContextSwitchTo(js->batch_cxt);
	Datum	   *elems = palloc(sizeof(Datum) * js->nbatch);
	int			nelems = 0;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	RestJoinRow *row;
	int			i;

	for (i = 0; i < js->nbatch; i++)
		if (js->batch[i]->key != NULL)
			elems[nelems++] = js->batch[i]->keyval;
	js->hash = join_hash_create(js->batch_cxt, nelems);
	if (nelems == 0)
	{
		MemoryContextSwitchTo(oldcxt);
		return;
	}

	get_typlenbyvalalign(okey->typid, &typlen, &typbyval, &typalign);
	pv->typid = get_array_type(okey->typid);
	pv->isnull = false;
	pv->value = PointerGetDatum(construct_array(elems, nelems, okey->typid,
												typlen, typbyval, typalign));
	RestPrepareValue(pv);
	MemoryContextSwitchTo(oldcxt);

	RestPagerReset(&inner->pager);
	RestPagerStart(&inner->pager, inner->params, inner->values, NULL, 0, -1,
				   true);
	while ((row = next_inner_row(js, js->batch_cxt)) != NULL)
	{
		RestJoinEntry *entry;
		bool		found;

		if (row->key == NULL)
			continue;
		entry = hash_search(js->hash, &row->key, HASH_ENTER, &found);
		if (!found)
			entry->rows = NIL;
		oldcxt = MemoryContextSwitchTo(js->batch_cxt);
		entry->rows = lappend(entry->rows, row);
		MemoryContextSwitchTo(oldcxt);
	}
}

/*
 * next_inner_row
 *		The inner request's next row, kept in cxt; NULL after the last.
 */
static RestJoinRow *
next_inner_row(RestJoinState *js, MemoryContext cxt)
{
	RestJoinSide *inner = &js->inner;
	bool		skip;

	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(inner->pager.row_cxt);
		if (!RestPagerNextRow(&inner->pager, &skip))
			return NULL;
		if (!skip)
			return keep_row(js, inner, false, js->inner_key, cxt);
	}
}

/*
 * join_hash_create
 *		A hash table of rows by their key's text, in cxt.
 */
static HTAB *
join_hash_create(MemoryContext cxt, long nelems)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(char *);
	ctl.entrysize = sizeof(RestJoinEntry);
	ctl.hash = join_key_hash;
	ctl.match = join_key_match;
	ctl.hcxt = cxt;
	return hash_create("rest_fdw join", Max(nelems, 16), &ctl,
					   HASH_ELEM | HASH_FUNCTION | HASH_COMPARE |
					   HASH_CONTEXT);
}

/*
 * fetch_group_counts
 *		Read the service's counts per value of the inner column, every
 *		page, and hash them by value, for the whole (re)scan.  A value the
 *		service counts twice is an error: its rows would be counted once
 *		per answer.
 */
static void
fetch_group_counts(RestJoinState *js)
{
	RestJoinSide *inner = &js->inner;
	MemoryContext oldcxt;
	RestJoinRow *row;

	MemoryContextReset(js->groups_cxt);
	js->hash = join_hash_create(js->groups_cxt, 1024);
	RestPagerReset(&inner->pager);
	RestPagerStart(&inner->pager, inner->params, inner->values, NULL, 0, -1,
				   true);
	while ((row = next_inner_row(js, js->groups_cxt)) != NULL)
	{
		RestJoinEntry *entry;
		bool		found;

		for (int i = 0; i < js->ntlist; i++)
			if (js->tlist[i] == 0 && row->nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INCONSISTENT_DESCRIPTOR_INFORMATION),
						 errmsg("service returned a group of foreign table \"%s\" without its count",
								inner->table->relname),
						 errdetail("A row from GET %s has no number in member \"%s\".",
								   inner->pager.page_url,
								   inner->table->columns[js->count_column].attname)));
		if (row->key == NULL)
			continue;
		entry = hash_search(js->hash, &row->key, HASH_ENTER, &found);
		if (found)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INCONSISTENT_DESCRIPTOR_INFORMATION),
					 errmsg("service returned two counts of foreign table \"%s\" for one value of column \"%s\"",
							inner->table->relname,
							inner->table->columns[js->inner_key].attname),
					 errdetail("The value %s is a group twice in the answers of GET %s.",
							   row->key, inner->pager.page_url)));
		oldcxt = MemoryContextSwitchTo(js->groups_cxt);
		entry->rows = list_make1(row);
		MemoryContextSwitchTo(oldcxt);
	}
}

/*
 * store_joined
 *		Put an outer row and its inner row (NULL: NULL-extended) in the
 *		scan slot.
 */
static void
store_joined(RestJoinState *js, TupleTableSlot *slot, RestJoinRow *outer,
			 RestJoinRow *inner)
{
	int			i;

	for (i = 0; i < js->ntlist; i++)
	{
		RestJoinRow *row = js->tlist[i] > 0 ? outer : inner;

		if (row == NULL && js->tlist[i] == 0 && js->group_counts)
		{
			/* no count for the outer row's value: none of its rows */
			slot->tts_values[i] = Int64GetDatum(0);
			slot->tts_isnull[i] = false;
		}
		else if (row == NULL)
		{
			slot->tts_values[i] = (Datum) 0;
			slot->tts_isnull[i] = true;
		}
		else
		{
			slot->tts_values[i] = row->values[i];
			slot->tts_isnull[i] = row->nulls[i];
		}
	}
	ExecStoreVirtualTuple(slot);
}

/*
 * RestIterateJoinScan
 *		Return the next joined row: the next inner row of the current outer
 *		row, or the next outer row's, reading a batch when one is used up.
 */
TupleTableSlot *
RestIterateJoinScan(ForeignScanState *node)
{
	RestJoinState *js = node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;

	ExecClearTuple(slot);
	if (!js->started)
	{
		start_join(js, node);
		if (!read_batch(js))
			return slot;
	}

	for (;;)
	{
		RestJoinRow *outer;
		bool		emitted;

		if (js->next_outer >= js->nbatch)
		{
			if (!read_batch(js))
				return slot;
			continue;
		}
		outer = js->batch[js->next_outer];

		/* the inner rows of this outer row */
		if (js->next_match == NULL && !js->emitted && js->matches == NIL &&
			outer->key != NULL)
		{
			RestJoinEntry *entry = hash_search(js->hash, &outer->key,
											   HASH_FIND, NULL);

			if (entry != NULL)
			{
				js->matches = entry->rows;
				js->next_match = list_head(js->matches);
			}
		}
		if (js->next_match != NULL)
		{
			RestJoinRow *inner = lfirst(js->next_match);

			js->next_match = lnext(js->matches, js->next_match);
			js->emitted = true;
			store_joined(js, slot, outer, inner);
			return slot;
		}

		/* done with this outer row: NULL-extended if it matched none */
		emitted = js->emitted;
		js->next_outer++;
		js->matches = NIL;
		js->next_match = NULL;
		js->emitted = false;
		if (!emitted && js->jointype == JOIN_LEFT)
		{
			store_joined(js, slot, outer, NULL);
			return slot;
		}
	}
}

/*
 * RestReScanJoinScan
 *		Start again from the first outer request.
 */
void
RestReScanJoinScan(ForeignScanState *node)
{
	RestJoinState *js = node->fdw_state;

	js->started = false;
	RestPagerReset(&js->outer.pager);
	RestPagerReset(&js->inner.pager);
}

/*
 * RestEndJoinScan
 *		Give up the pages asked for ahead.
 */
void
RestEndJoinScan(ForeignScanState *node)
{
	RestJoinState *js = node->fdw_state;

	if (js != NULL && js->batch_cxt != NULL)
	{
		RestPagerStop(&js->outer.pager);
		RestPagerStop(&js->inner.pager);
	}
}

/*
 * RestShutdownJoinScan
 *		Let other scans take the transfers of the pages asked for ahead.
 */
void
RestShutdownJoinScan(ForeignScanState *node)
{
	RestJoinState *js = node->fdw_state;

	if (js != NULL && js->batch_cxt != NULL)
	{
		RestPagerPark(&js->outer.pager);
		RestPagerPark(&js->inner.pager);
	}
}

/*
 * RestExplainJoinScan
 *		Show the join and both requests, and with ANALYZE what they cost.
 */
void
RestExplainJoinScan(ForeignScanState *node, ExplainState *es)
{
	RestJoinState *js = node->fdw_state;

	if (es->verbose)
	{
		ExplainPropertyText("Remote join", js->explain_join, es);
		ExplainPropertyText("Remote request",
							psprintf("GET %s", js->explain_outer), es);
		ExplainPropertyText("Remote inner request",
							psprintf("GET %s", js->explain_inner), es);
	}
	if (es->analyze)
	{
		ExplainPropertyInteger("Remote batches", NULL, js->batches, es);
		ExplainPropertyInteger("Remote requests", NULL,
							   js->outer.pager.stats.requests +
							   js->inner.pager.stats.requests, es);
		ExplainPropertyInteger("Remote bytes", NULL,
							   js->outer.pager.stats.bytes_received +
							   js->inner.pager.stats.bytes_received, es);
		if (es->timing)
			ExplainPropertyFloat("Remote wait time", "ms",
								 js->outer.pager.stats.wait_ms +
								 js->inner.pager.stats.wait_ms, 3, es);
	}
}
