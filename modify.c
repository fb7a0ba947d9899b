/*-------------------------------------------------------------------------
 *
 * modify.c
 *		  Writes to a foreign table: the callbacks of INSERT, UPDATE and
 *		  DELETE (BeginForeignModify, ExecForeignInsert,
 *		  GetForeignModifyBatchSize, ExecForeignBatchInsert,
 *		  ExecForeignUpdate, ExecForeignDelete, EndForeignModify,
 *		  ExplainForeignModify), of direct modification (BeginDirectModify,
 *		  IterateDirectModify, EndDirectModify, ExplainDirectModify) and
 *		  ExecForeignTruncate.
 *
 * INSERT is a POST of the row to the collection (of an array of rows where
 * the dialect takes batches), UPDATE a PATCH (or a PUT of the whole row,
 * for services that only replace rows) and DELETE a DELETE of the row's
 * item, addressed by the key the scan read (or, for a direct
 * modification, the key the WHERE clause fixes, without reading the row);
 * a 404 of the item counts no row.  RETURNING, AFTER ROW triggers and
 * WITH CHECK OPTION read the row the service returns.  Kept apart from
 * the planner's callbacks (rest_fdw.c) and the scan's (scan.c), with which
 * it shares only the plan.
 *
 * Design assumptions:
 * - Writes take effect on the service at once; a ROLLBACK undoes them only
 *   with option undo, by the requests each write records (undo.c).  An
 *   error after a 2xx response says that the write took place.
 * - Each row's request and its response live in a context reset per row.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "foreign/fdwapi.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/datum.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "dialect.h"
#include "pager.h"

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

static void record_insert_undo(RestModifyState *st, TupleTableSlot *slot,
							   const char *etag);
static int	record_batch_undo(RestModifyState *st, RestRequest *req,
							  RestResponse *resp, int nslots);
static void record_update_undo(RestModifyState *st, TupleTableSlot *slot,
							   TupleTableSlot *planSlot, bool *send,
							   const char *url, const char *key_text,
							   const char *etag);
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
static bool old_row(RestModifyState *st, TupleTableSlot *planSlot,
					HeapTupleData *tuple);
static bool *whole_row_columns(RestTable *table);
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
 * RestBeginForeignModify
 *		Set up an INSERT, UPDATE or DELETE.
 */
void
RestBeginForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
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
 * check_not_null
 *		Raise the error a local table gives when a write would store NULL in
 *		a column declared NOT NULL.  The server does not check a foreign
 *		table's constraints, and the service's refusal of such a row would
 *		reach the client as a data error instead of an integrity error.
 */
static void
check_not_null(RestTable *table, const bool *nulls, const bool *send)
{
	for (int i = 0; i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];

		if (send[i] && nulls[i] && col->not_null && !col->dropped)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("null value in column \"%s\" of relation \"%s\" violates not-null constraint",
							col->attname, table->relname)));
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
	check_not_null(table, slot->tts_isnull, send);
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
							 slot->tts_values, slot->tts_isnull, send, NULL,
							 &req.body_len);
	req.extra_headers = insert_headers(st, true);
	RestPerform(st->conn, table, &req, &resp, &st->stats);
	if (st->do_nothing && RestIsDuplicateRefusal(table, &resp))
		return REST_WRITE_NONE;
	(void) RestResponseOk(table, &req, &resp, 0);

	outcome = write_outcome(st, &req, &resp, slot,
							st->need_row || table->undo);
	if (outcome != REST_WRITE_NONE && table->undo)
		record_insert_undo(st, slot, resp.etag);
	/* RETURNING shows the row the service made: its key, its defaults */
	if (outcome == REST_WRITE_DONE && st->has_returning)
		written_row_error(st->operation, &req, &resp, NULL);
	return outcome;
}

/*
 * RestExecForeignInsert
 *		POST one row to the collection; fill the slot from the response.
 */
TupleTableSlot *
RestExecForeignInsert(EState *estate, ResultRelInfo *rinfo,
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
 * RestGetForeignModifyBatchSize
 *		Rows per INSERT request: PostgREST takes an array of rows in one
 *		POST, when nothing needs each row back (RETURNING, row triggers,
 *		WITH CHECK OPTION).
 */
int
RestGetForeignModifyBatchSize(ResultRelInfo *rinfo)
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
 * RestExecForeignBatchInsert
 *		POST several rows as JSON arrays, one per run of rows that send the
 *		same columns: PostgREST wants the objects of an array to have the
 *		same members.
 *
 * With ON CONFLICT DO NOTHING fewer rows may be inserted than sent.  Only
 * their number matters: a batch is made only when nothing reads the rows
 * (see RestGetForeignModifyBatchSize), so the first ones are returned.
 */
TupleTableSlot **
RestExecForeignBatchInsert(EState *estate, ResultRelInfo *rinfo,
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
										NULL, &len);

		if (i > 0)
			appendStringInfoChar(&body, ',');
		appendBinaryStringInfo(&body, row, len);
	}
	appendStringInfoChar(&body, ']');

	req.method = "POST";
	req.url = table->collection_url;
	req.body = body.data;
	req.body_len = body.len;
	/* with option undo, the rows returned give the keys to delete */
	req.extra_headers = insert_headers(st, st->do_nothing || table->undo);
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
	if (table->undo)
		return record_batch_undo(st, &req, &resp, nslots);
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
	int			unkeyed;		/* of those, rows without a key */
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
 * undo_rows_read
 *		Count the rows of an array response to a batched INSERT, and record
 *		the DELETE that undoes each (read_written_response).
 */
static void
undo_rows_read(WrittenResponse *wr)
{
	RestResponse *resp = wr->resp;
	RestTable  *table = wr->table;
	int			k = table->key_index;
	RestPageReader reader;

	if (resp->body_len == 0 ||
		resp->body[strspn(resp->body, " \t\r\n")] != '[')
		return;
	wr->rows = 0;
	RestPageBegin(&reader, table, wr->what, resp->body, resp->body_len);
	while (RestPageNextRow(&reader, wr->values))
	{
		bool		isnull = true;
		Datum		key = (Datum) 0;
		char	   *key_text;

		wr->rows++;
		if (k >= 0 && wr->values[k].kind != REST_JSON_MISSING)
			key = RestJsonToDatum(table, &table->columns[k], &wr->values[k],
								  wr->what, &isnull);
		if (isnull)
		{
			wr->unkeyed++;
			continue;
		}
		key_text = RestDatumToUrlValue(key, table->columns[k].typid);
		RestUndoRecord(table, "DELETE", RestItemUrl(table, key_text),
					   key_text, NULL, NULL, 0);
	}
}

/*
 * record_batch_undo
 *		With option undo, record the DELETE of each row a batched INSERT
 *		created, by the keys of the rows its response returns; return how
 *		many rows it created.
 */
static int
record_batch_undo(RestModifyState *st, RestRequest *req, RestResponse *resp,
				  int nslots)
{
	WrittenResponse wr = {0};

	wr.table = st->table;
	wr.resp = resp;
	wr.values = st->values;
	read_written_response(st->operation, req, &wr, undo_rows_read);
	if (wr.rows < 0)
	{
		if (st->do_nothing)
			written_row_error(st->operation, req, resp, NULL);
		ereport(WARNING,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("a rollback cannot undo an insert into foreign table \"%s\"",
						st->table->relname),
				 errdetail("The service returned no rows for the %d rows it created.",
						   nslots)));
		return nslots;
	}
	if (wr.unkeyed > 0)
		ereport(WARNING,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("a rollback cannot undo an insert into foreign table \"%s\"",
						st->table->relname),
				 errdetail("The service returned no key for %d of the rows it created.",
						   wr.unkeyed)));
	return st->do_nothing ? wr.rows : nslots;
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
 * RestExecForeignUpdate
 *		PATCH the row's item with the columns the UPDATE sets or its
 *		triggers change, or PUT the whole row (update_method 'put': the
 *		service replaces rows only whole).
 */
TupleTableSlot *
RestExecForeignUpdate(EState *estate, ResultRelInfo *rinfo,
					  TupleTableSlot *slot, TupleTableSlot *planSlot)
{
	RestModifyState *st = rinfo->ri_FdwState;
	RestTable  *table = st->table;
	RestRequest req = {0};
	RestResponse resp = {0};
	MemoryContext oldcxt;
	bool	   *send;
	bool		found;
	char	   *key_text;

	MemoryContextReset(st->temp_cxt);
	oldcxt = MemoryContextSwitchTo(st->temp_cxt);

	slot_getallattrs(slot);
	send = update_columns(st, slot, planSlot);
	check_not_null(table, slot->tts_isnull, send);
	if (table->update_put)
		send = whole_row_columns(table);
	key_text = key_text_from_plan_slot(st, planSlot);
	req.method = table->update_put ? "PUT" : "PATCH";
	req.url = RestItemUrl(table, key_text);
	req.body = RestWriteBody(table, CMD_UPDATE, slot->tts_tupleDescriptor,
							 slot->tts_values, slot->tts_isnull, send,
							 key_text, &req.body_len);
	req.extra_headers = returning_extra_headers(table, CMD_UPDATE);
	found = RestPerformOk(st->conn, table, &req, &resp, &st->stats, 404) &&
		write_outcome(st, &req, &resp, slot, st->need_row) != REST_WRITE_NONE;
	if (found && table->undo)
		record_update_undo(st, slot, planSlot, send, req.url, key_text,
						   resp.etag);

	MemoryContextSwitchTo(oldcxt);
	return found ? slot : NULL;
}

/*
 * whole_row_columns
 *		The columns a PUT sends: every one, as the slot of an UPDATE holds
 *		them (the values set, and the others as the scan read them).
 */
static bool *
whole_row_columns(RestTable *table)
{
	bool	   *send = palloc0(sizeof(bool) * Max(table->ncolumns, 1));

	for (int i = 0; i < table->ncolumns; i++)
		send[i] = !table->columns[i].dropped;
	return send;
}

/*
 * old_row
 *		The row the scan read, which an UPDATE or DELETE carries in its
 *		whole-row junk column, as a tuple over the junk value; false if it
 *		has none.
 */
static bool
old_row(RestModifyState *st, TupleTableSlot *planSlot, HeapTupleData *tuple)
{
	Datum		row;
	bool		isnull;
	HeapTupleHeader td;

	if (!AttributeNumberIsValid(st->wholerow_attno))
		return false;
	row = ExecGetJunkAttribute(planSlot, st->wholerow_attno, &isnull);
	if (isnull)
		return false;
	td = DatumGetHeapTupleHeader(row);
	tuple->t_len = HeapTupleHeaderGetDatumLength(td);
	ItemPointerSetInvalid(&tuple->t_self);
	tuple->t_tableOid = InvalidOid;
	tuple->t_data = td;
	return true;
}

/*
 * update_columns
 *		The columns a PATCH sends: those the UPDATE sets, and those a
 *		BEFORE ROW trigger changed, found by comparing with the old row.
 *		The key and the members nested in another member that a PATCH
 *		cannot change alone are sent only when they change, and then only
 *		where the service applies them.
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
	HeapTupleData tuple;

	/* the old row, as the scan read it */
	if (old_row(st, planSlot, &tuple))
	{
		heap_deform_tuple(&tuple, tupdesc, old_values, old_nulls);
		have_old = true;
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
		if (i == table->key_index || !RestColumnUpdatable(table, col))
		{
			if (!changed)
				continue;		/* nothing to send */
			if (i != table->key_index)
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
 * RestExecForeignDelete
 *		DELETE the row's item.  RETURNING shows the row as the scan read
 *		it; without that, as the service returns it, or, where the dialect
 *		returns no deleted row, as a GET of it finds it first.
 */
TupleTableSlot *
RestExecForeignDelete(EState *estate, ResultRelInfo *rinfo,
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
		HeapTupleData tuple;

		if (old_row(st, planSlot, &tuple))
		{
			tuple.t_tableOid = RelationGetRelid(rinfo->ri_RelationDesc);
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
	if (outcome != REST_WRITE_NONE && table->undo)
		record_update_undo(st, slot, planSlot, NULL, url, NULL, NULL);
	if (outcome == REST_WRITE_DONE && have_values)
		fill_slot_from_response(st, slot, url);
	if (outcome != REST_WRITE_NONE && TTS_EMPTY(slot))
		ExecStoreAllNullTuple(slot);

	MemoryContextSwitchTo(oldcxt);
	return outcome == REST_WRITE_NONE ? NULL : slot;
}

/*
 * record_insert_undo
 *		Record the DELETE that undoes a row an INSERT created, addressed by
 *		the key the service returned (or the one sent).
 */
static void
record_insert_undo(RestModifyState *st, TupleTableSlot *slot,
				   const char *etag)
{
	RestTable  *table = st->table;
	int			k = table->key_index;
	char	   *key;

	slot_getallattrs(slot);
	if (k < 0 || slot->tts_isnull[k])
	{
		ereport(WARNING,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("a rollback cannot undo an insert into foreign table \"%s\"",
						table->relname),
				 errdetail("The service returned no key for the row it created.")));
		return;
	}
	key = RestDatumToUrlValue(slot->tts_values[k], table->columns[k].typid);
	RestUndoRecord(table, "DELETE", RestItemUrl(table, key), key, etag,
				   NULL, 0);
}

/*
 * record_update_undo
 *		Before an UPDATE (send: the columns it sends) or a DELETE (send
 *		NULL) of a row, record the request that restores the row as the
 *		scan read it: a PATCH or PUT of those columns, or a POST of the
 *		whole row.  Recorded once the write succeeded; etag is the ETag the
 *		UPDATE's response gave the row, which the undo sends as If-Match.
 */
static void
record_update_undo(RestModifyState *st, TupleTableSlot *slot,
				   TupleTableSlot *planSlot, bool *send, const char *url,
				   const char *key_text, const char *etag)
{
	RestTable  *table = st->table;
	TupleDesc	tupdesc = slot->tts_tupleDescriptor;
	int			natts = Max(tupdesc->natts, 1);
	Datum	   *values = palloc(sizeof(Datum) * natts);
	bool	   *nulls = palloc(sizeof(bool) * natts);
	HeapTupleData tuple;
	const char *key;
	char	   *body;
	size_t		len;

	if (!old_row(st, planSlot, &tuple))
	{
		ereport(WARNING,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("a rollback cannot undo a write to foreign table \"%s\"",
						table->relname),
				 errdetail("The row was not read before it was written.")));
		return;
	}
	heap_deform_tuple(&tuple, tupdesc, values, nulls);
	key = key_text;
	if (key == NULL && table->key_index >= 0 && !nulls[table->key_index])
		key = RestDatumToUrlValue(values[table->key_index],
								  table->columns[table->key_index].typid);
	if (send == NULL)
	{
		/* a row re-created is new: there is nothing to match */
		body = RestWriteBody(table, CMD_INSERT, tupdesc, values, nulls,
							 whole_row_columns(table), NULL, &len);
		RestUndoRecord(table, "POST", table->collection_url, key, NULL,
					   body, len);
		return;
	}
	body = RestWriteBody(table, CMD_UPDATE, tupdesc, values, nulls, send,
						 key_text, &len);
	RestUndoRecord(table, table->update_put ? "PUT" : "PATCH", url, key,
				   etag, body, len);
}

/*
 * RestEndForeignModify
 *		Nothing to release: memory goes with the query's context.
 */
void
RestEndForeignModify(EState *estate, ResultRelInfo *rinfo)
{
}

/*
 * RestExplainForeignModify
 *		Show the request each row makes.
 */
void
RestExplainForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
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
			request = psprintf("%s %s", table->update_put ? "PUT" : "PATCH",
							   RestItemUrl(table, NULL));
			break;
		case CMD_DELETE:
			request = psprintf("DELETE %s", RestItemUrl(table, NULL));
			break;
		default:
			return;
	}
	ExplainPropertyText("Remote request", request, es);
	if (table->undo)
		ExplainPropertyText("Undo on rollback",
							mtstate->operation == CMD_INSERT
							? "DELETE of the key created"
							: mtstate->operation == CMD_UPDATE
							? "the columns changed written back"
							: "POST of the row read", es);
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
 * RestBeginDirectModify
 *		Set up a direct UPDATE or DELETE.
 */
void
RestBeginDirectModify(ForeignScanState *node, int eflags)
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
 * direct_check_not_null
 *		Before a direct UPDATE that sets a NOT NULL column to NULL, find out
 *		with a GET of the item whether the row exists: if it does, raise the
 *		error a local table gives (check_not_null); if not, the UPDATE
 *		changes nothing and returns false, as on a local table.
 */
static bool
direct_check_not_null(RestDirectState *st, RestTable *table)
{
	RestRequest get = {0};
	RestResponse got = {0};
	bool		null_in_not_null = false;

	for (int i = 0; i < table->ncolumns; i++)
		if (st->send[i] && st->row_nulls[i] && table->columns[i].not_null)
			null_in_not_null = true;
	if (!null_in_not_null)
		return true;
	get.method = "GET";
	get.url = st->url;
	get.extra_headers = RestRequestHeaders(table, REST_REQUEST_ITEM, 0);
	if (!RestPerformOk(st->conn, table, &get, &got, &st->stats, 404) ||
		response_is_empty_array(&got))
		return false;
	check_not_null(table, st->row_nulls, st->send);
	return true;
}

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
	char	   *key_text;

	key = ExecEvalExpr(linitial(st->expr_states), econtext, &isnull);
	if (isnull)
		return;					/* key = NULL matches no row */
	keytype = exprType((Node *) ((ExprState *) linitial(st->expr_states))->expr);
	key_text = RestDatumToUrlValue(key, keytype);
	st->url = RestItemUrl(table, key_text);

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
		if (!direct_check_not_null(st, table))
			return;				/* no such row */
		req.body = RestWriteBody(table, CMD_UPDATE,
								 RelationGetDescr(node->resultRelInfo->ri_RelationDesc),
								 st->row_values, st->row_nulls, st->send,
								 key_text, &req.body_len);
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
 * RestIterateDirectModify
 *		Make the request on the first call; count the row, and return it
 *		for RETURNING.
 */
TupleTableSlot *
RestIterateDirectModify(ForeignScanState *node)
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
 * RestEndDirectModify
 *		Nothing to release: memory goes with the query's context.
 */
void
RestEndDirectModify(ForeignScanState *node)
{
}

/*
 * RestExplainDirectModify
 *		Show the one request a direct modification makes.
 */
void
RestExplainDirectModify(ForeignScanState *node, ExplainState *es)
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
 * RestExecForeignTruncate
 *		TRUNCATE, as Django's TransactionTestCase flushes tables: delete
 *		every row of each collection, for tables that allow it.
 */
void
RestExecForeignTruncate(List *rels, DropBehavior behavior, bool restart_seqs)
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
		if (table->undo && IsTransactionBlock())
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot TRUNCATE foreign table \"%s\" inside a transaction block",
							table->relname),
					 errdetail("The table has option \"undo\", and a rollback could not restore the rows TRUNCATE deletes."),
					 errhint("Run TRUNCATE outside a transaction block, or set the table option \"undo\" to \"false\".")));
		RestPrepareColumns(table);
		tables = lappend(tables, table);
	}
	foreach(lc, tables)
		truncate_table(lfirst(lc));
}
