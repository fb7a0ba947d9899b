/*-------------------------------------------------------------------------
 *
 * undo.c
 *		  The undo log: for each write a transaction made on a service, the
 *		  request that undoes it, run when the (sub)transaction aborts.
 *
 * A write to a foreign table with option undo reaches the service at once,
 * as without it; modify.c records here the request that compensates it: a
 * DELETE of the item a POST created, a PATCH (or PUT) of the columns an
 * UPDATE changed back to the values the scan read, a POST of the whole row
 * a DELETE removed.  Each entry belongs to the (sub)transaction nesting
 * level that wrote it.  When a level aborts, its entries run newest first;
 * when a subtransaction commits, they pass to its parent; a top-level
 * commit drops the log.
 *
 * This is compensation, not isolation: other clients see a write until it
 * is undone, and an undo overwrites whatever they changed in between.  A
 * backend crash between a write and its abort leaves the write.
 *
 * Design assumptions:
 * - The log, its request bodies and the tables' descriptions (built when
 *   the entry is recorded, never in the abort path, which must not read
 *   the catalogs) live in UndoContext, a child of TopMemoryContext that
 *   outlives the transaction's contexts until the callbacks have run.
 * - The abort path never raises: a failed undo request is a WARNING naming
 *   its method, URL and what failed.  Interrupts are held during abort, so
 *   an undo request is bounded by the server's timeouts, not by cancel.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "utils/memutils.h"

#include "rest_fdw.h"

/*
 * One request that undoes one write.
 */
typedef struct RestUndoEntry
{
	int			nest_level;		/* the (sub)transaction that wrote */
	RestTable  *table;			/* in UndoContext */
	RestConnection *conn;
	char	   *method;
	char	   *url;
	char	   *body;			/* NULL for a DELETE */
	size_t		body_len;
} RestUndoEntry;

/*
 * A table's description kept for the undo requests of its writes.
 */
typedef struct RestUndoTable
{
	Oid			relid;
	Oid			userid;
	RestTable  *table;
	RestConnection *conn;
} RestUndoTable;

static MemoryContext UndoContext = NULL;
static List *undo_entries = NIL;	/* oldest first */
static List *undo_tables = NIL;

static RestUndoTable *undo_table(RestTable *table);
static void run_undo(RestUndoEntry *entry);
static void undo_reset(void);

/*
 * undo_table
 *		The description of a table the log keeps, built once per
 *		transaction in UndoContext.
 */
static RestUndoTable *
undo_table(RestTable *table)
{
	ListCell   *lc;
	RestUndoTable *ut;
	MemoryContext oldcxt;

	foreach(lc, undo_tables)
	{
		ut = lfirst(lc);
		if (ut->relid == table->relid && ut->userid == table->userid)
			return ut;
	}
	oldcxt = MemoryContextSwitchTo(UndoContext);
	ut = palloc0(sizeof(RestUndoTable));
	ut->relid = table->relid;
	ut->userid = table->userid;
	ut->table = RestGetTable(table->relid, table->userid);
	ut->conn = RestGetConnection(ut->table);
	undo_tables = lappend(undo_tables, ut);
	MemoryContextSwitchTo(oldcxt);
	return ut;
}

/*
 * RestUndoRecord
 *		Record the request that undoes a write the current (sub)transaction
 *		just made.
 */
void
RestUndoRecord(RestTable *table, const char *method, const char *url,
			   const char *body, size_t body_len)
{
	RestUndoTable *ut;
	RestUndoEntry *entry;
	MemoryContext oldcxt;

	if (UndoContext == NULL)
		UndoContext = AllocSetContextCreate(TopMemoryContext,
											"rest_fdw undo log",
											ALLOCSET_DEFAULT_SIZES);
	ut = undo_table(table);
	oldcxt = MemoryContextSwitchTo(UndoContext);
	entry = palloc0(sizeof(RestUndoEntry));
	entry->nest_level = GetCurrentTransactionNestLevel();
	entry->table = ut->table;
	entry->conn = ut->conn;
	entry->method = pstrdup(method);
	entry->url = pstrdup(url);
	if (body != NULL)
	{
		entry->body = palloc(body_len + 1);
		memcpy(entry->body, body, body_len);
		entry->body[body_len] = '\0';
		entry->body_len = body_len;
	}
	undo_entries = lappend(undo_entries, entry);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * run_undo
 *		Send one undo request; a failure is a WARNING, never an ERROR.
 */
static void
run_undo(RestUndoEntry *entry)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	RestRequest req = {0};
	RestResponse resp = {0};

	req.method = entry->method;
	req.url = entry->url;
	req.body = entry->body;
	req.body_len = entry->body_len;
	PG_TRY();
	{
		RestPerform(entry->conn, entry->table, &req, &resp, NULL);
		if (resp.status < 200 || resp.status >= 300)
			ereport(WARNING,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("could not undo a write to foreign table \"%s\"",
							entry->table->relname),
					 errdetail("The undo request %s %s returned HTTP status %ld; the write stays on the service.",
							   entry->method, entry->url, resp.status)));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		ereport(WARNING,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not undo a write to foreign table \"%s\"",
						entry->table->relname),
				 errdetail("The undo request %s %s failed: %s; the write stays on the service.",
						   entry->method, entry->url, edata->message)));
		FreeErrorData(edata);
	}
	PG_END_TRY();
}

/*
 * undo_reset
 *		Drop the log and the tables' descriptions.
 */
static void
undo_reset(void)
{
	undo_entries = NIL;
	undo_tables = NIL;
	if (UndoContext != NULL)
		MemoryContextDelete(UndoContext);
	UndoContext = NULL;
}

/*
 * RestUndoAtSubXactEnd
 *		A subtransaction at nest_level ends: on abort, undo its writes,
 *		newest first; on commit, hand them to its parent.
 */
void
RestUndoAtSubXactEnd(bool commit, int nest_level)
{
	while (undo_entries != NIL)
	{
		RestUndoEntry *entry = llast(undo_entries);

		if (entry->nest_level < nest_level)
			break;
		if (commit)
		{
			/* every entry from here on is at this level or deeper */
			ListCell   *lc;

			foreach(lc, undo_entries)
			{
				RestUndoEntry *e = lfirst(lc);

				if (e->nest_level >= nest_level)
					e->nest_level = nest_level - 1;
			}
			break;
		}
		undo_entries = list_delete_last(undo_entries);
		run_undo(entry);
	}
}

/*
 * RestUndoAtXactEnd
 *		The transaction ends: on abort, undo every write left, newest
 *		first; then drop the log.
 */
void
RestUndoAtXactEnd(bool commit)
{
	if (!commit)
		RestUndoAtSubXactEnd(false, 0);
	undo_reset();
}

/*
 * RestUndoPrePrepare
 *		Refuse PREPARE TRANSACTION after writes a rollback would undo: the
 *		log cannot outlive the session.
 */
void
RestUndoPrePrepare(void)
{
	if (undo_entries != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot PREPARE a transaction that has written to a foreign table with option undo")));
}
