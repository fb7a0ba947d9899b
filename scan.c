/*-------------------------------------------------------------------------
 *
 * scan.c
 *		  Executing a scan of a foreign table: the callbacks
 *		  BeginForeignScan, IterateForeignScan, ReScanForeignScan,
 *		  EndForeignScan and ExplainForeignScan.
 *
 * The plan (rest_fdw.c) says what a scan asks for: the collection, one
 * item or only the count, its URL parameter templates and the expressions
 * whose values fill them, LIMIT and OFFSET, and the conditions each row
 * must pass when the service applies the LIMIT.  Here the values are
 * computed when the scan starts (again at a rescan), the pager (pager.c)
 * makes the requests, and each row it reads becomes the scan tuple.  Kept
 * apart from the planner's callbacks, with which it shares only the plan.
 *
 * Design assumptions:
 * - A scan holds at most one page of the response in memory, and reads its
 *   rows in place with the streaming reader of json.c; each row's datums
 *   live in a context reset per row.
 * - Pages that cannot start at an OFFSET are read from row 0 and the rows
 *   skipped here; numbered pages are checked to be the window asked for
 *   before a row of them is returned (pager.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "foreign/fdwapi.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/typcache.h"

#include "dialect.h"
#include "pager.h"

/*
 * What a scan tuple column holds besides a table column (slot_columns).
 */
#define REST_SLOT_COUNT			(-1)	/* the service's row count */
#define REST_SLOT_NULL			(-2)	/* a column the query does not read */
#define REST_SLOT_WHOLE_ROW		(-3)	/* the row as a composite value */
#define REST_SLOT_TABLEOID		(-4)	/* the foreign table's OID */
#define REST_SLOT_GROUP_COUNT	(-5)	/* a group row's count member */

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
	int			count_column;	/* table column of a group's count, or -1 */
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
	char	   *group_note;		/* the groups the rows are, or "" */
	List	   *recheck_texts;	/* char *: sent conditions checked per row */
	List	   *recheck_states; /* ExprState per such condition */
	TupleDesc	row_desc;		/* of a whole-row column, or NULL */
	bool		started;		/* the pager is started */
	RestPager	pager;			/* the requests and the current row */
} RestScanState;

static void map_slot_columns(RestScanState *st, ForeignScan *plan);
static void start_scan(RestScanState *st, ForeignScanState *node);
static void check_sent_conditions(RestScanState *st, ForeignScanState *node,
								  TupleTableSlot *slot);
static Datum whole_row_datum(RestScanState *st);
static void store_row(RestScanState *st, TupleTableSlot *slot);
static void store_count(RestScanState *st, TupleTableSlot *slot,
						int64 count);
static int64 eval_int8(RestScanState *st, int index);

/*
 * RestBeginForeignScan
 *		Set up the scan state; the first request waits for the first row.
 */
void
RestBeginForeignScan(ForeignScanState *node, int eflags)
{
	ForeignScan *plan = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	RestScanState *st;
	Index		rtindex;
	RangeTblEntry *rte;
	Oid			userid;
	ListCell   *lc;
	int			i;

	if (RestIsJoinScan(plan))
	{
		RestBeginJoinScan(node, eflags);
		return;
	}
	st = palloc0(sizeof(RestScanState));
	node->fdw_state = st;
	st->count_column = -1;

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
	st->group_note = strVal(list_nth(plan->fdw_private, RestScanGroupNote));
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
	bool		have_count = false;
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
			else if (attnum == REST_ATTNUM_GROUP_COUNT)
			{
				/* read as a column of its own, after the table's */
				if (!have_count)
					st->table = RestTableWithCountMember(st->table);
				have_count = true;
				st->count_column = st->table->ncolumns - 1;
				st->slot_columns[i] = st->count_column;
			}
			else
				st->slot_columns[i] = REST_SLOT_COUNT;
			i++;
		}
	}
}

/*
 * RestTableWithCountMember
 *		A copy of the table with one more column, the count member of the
 *		rows of a service's counts per group (int8, NOT NULL), so that the
 *		JSON reader finds it as it finds the columns.
 */
RestTable *
RestTableWithCountMember(RestTable *table)
{
	RestTable  *copy = palloc(sizeof(RestTable));
	RestColumn *count;

	memcpy(copy, table, sizeof(RestTable));
	copy->columns = palloc0(sizeof(RestColumn) * (table->ncolumns + 1));
	memcpy(copy->columns, table->columns, sizeof(RestColumn) * table->ncolumns);
	count = &copy->columns[table->ncolumns];
	count->attnum = table->ncolumns + 1;
	count->attname = pstrdup(table->dialect->group_count_member);
	count->typid = INT8OID;
	count->typmod = -1;
	count->field = count->attname;
	count->not_null = true;
	copy->ncolumns = table->ncolumns + 1;
	for (int i = 0; i < copy->ncolumns; i++)
		copy->columns[i].io = NULL;
	return copy;
}

/*
 * RestIterateForeignScan
 *		Return the next row, fetching the next page when one is used up.
 */
TupleTableSlot *
RestIterateForeignScan(ForeignScanState *node)
{
	RestScanState *st = node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	bool		skip;

	if (RestIsJoinScan((ForeignScan *) node->ss.ps.plan))
		return RestIterateJoinScan(node);
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
		{
			slot->tts_values[i] = RestJsonToDatum(table, &table->columns[c],
												  &st->pager.row[c],
												  st->pager.page_url,
												  &slot->tts_isnull[i]);
			if (slot->tts_isnull[i] && c == st->count_column)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INCONSISTENT_DESCRIPTOR_INFORMATION),
						 errmsg("service returned a group of foreign table \"%s\" without its count",
								table->relname),
						 errdetail("A row from GET %s has no number in member \"%s\".",
								   st->pager.page_url,
								   table->columns[c].attname)));
		}
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
 * RestReScanForeignScan
 *		Start again from the first request (its values may have changed).
 */
void
RestReScanForeignScan(ForeignScanState *node)
{
	RestScanState *st = node->fdw_state;

	if (RestIsJoinScan((ForeignScan *) node->ss.ps.plan))
	{
		RestReScanJoinScan(node);
		return;
	}
	st->started = false;
	RestPagerReset(&st->pager);
}

/*
 * RestEndForeignScan
 *		Give up the pages asked for ahead; memory goes with the query's
 *		context and the connection stays cached.
 */
void
RestEndForeignScan(ForeignScanState *node)
{
	RestScanState *st = node->fdw_state;

	if (RestIsJoinScan((ForeignScan *) node->ss.ps.plan))
	{
		RestEndJoinScan(node);
		return;
	}
	/* pages asked for ahead and not read (the query needed fewer rows) */
	if (st != NULL)
		RestPagerStop(&st->pager);
}

/*
 * RestShutdownForeignScan
 *		The scan may return no more rows (a LIMIT above it is reached), or
 *		go on (a cursor's next FETCH): other scans may take the transfers
 *		of its pages asked for ahead meanwhile.
 */
void
RestShutdownForeignScan(ForeignScanState *node)
{
	RestScanState *st = node->fdw_state;

	if (RestIsJoinScan((ForeignScan *) node->ss.ps.plan))
	{
		RestShutdownJoinScan(node);
		return;
	}
	/* a direct modification's node has other state, and no pages ahead */
	if (st != NULL && ((ForeignScan *) node->ss.ps.plan)->operation == CMD_SELECT)
		RestPagerPark(&st->pager);
}

/*
 * RestExplainForeignScan
 *		Show the request, and with ANALYZE what it cost.
 */
void
RestExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	RestScanState *st = node->fdw_state;

	if (RestIsJoinScan((ForeignScan *) node->ss.ps.plan))
	{
		RestExplainJoinScan(node, es);
		return;
	}
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
		if (st->group_note[0] != '\0')
			ExplainPropertyText("Groups", st->group_note, es);
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
