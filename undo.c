/*-------------------------------------------------------------------------
 *
 * undo.c
 *		  The undo log: for each write a transaction made on a service, the
 *		  request that undoes it, run when the (sub)transaction aborts; and
 *		  the session's list of the undo requests that failed.
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
 * is undone.  Where the service sent an ETag for the item our write left,
 * the undo sends it as If-Match, so that a row another client changed in
 * between is refused (412) rather than overwritten; without one, an undo
 * overwrites whatever they changed.  A backend crash between a write and
 * its abort leaves the write.
 *
 * Design assumptions:
 * - The log, its request bodies and the tables' descriptions (built when
 *   the entry is recorded, never in the abort path, which must not read
 *   the catalogs) live in UndoContext, a child of TopMemoryContext that
 *   outlives the transaction's contexts until the callbacks have run.
 * - The abort path never raises: a failed undo request is a WARNING naming
 *   its method, URL, key and what failed, and goes to the session's list
 *   of failures (rest_fdw.undo_failures()).  The record it goes there as
 *   is allocated with its entry, in FailureContext, so that the abort path
 *   only fills in fixed-size fields and links it: no allocation there.
 * - Interrupts are held while a transaction aborts, so CHECK_FOR_INTERRUPTS
 *   does nothing, and an error caught here must restore the holdoff counts
 *   errfinish() zeroes; while RestUndoRunning, the transport's waits end an undo
 *   request themselves on a pending cancel, statement timeout or
 *   termination (connection.c), and the requests not yet sent are not
 *   sent.  The server's timeouts bound each request in any case.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"

#include "rest_fdw.h"

/* Bytes kept of the error of a failed undo request. */
#define REST_UNDO_ERROR_LEN		256

/*
 * A failed undo request, as rest_fdw.undo_failures() shows it.  Made, with
 * its strings in the same chunk, when the write is recorded; the abort path
 * fills in at, status and error.
 */
typedef struct RestUndoFailure
{
	struct RestUndoFailure *next;	/* the next one that failed */
	TimestampTz at;
	const char *table_name;		/* schema-qualified, quoted */
	const char *method;
	const char *url;			/* without user information or query */
	const char *key;			/* NULL if unknown */
	long		status;			/* 0: no response */
	char		error[REST_UNDO_ERROR_LEN];	/* "" if none */
} RestUndoFailure;

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
	List	   *headers;		/* If-Match, if the service sent an ETag */
	RestUndoFailure *failure;	/* in FailureContext, until used or freed */
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
	char	   *qualified_name;
} RestUndoTable;

/* While an undo request runs (the transport's waits look). */
static bool RestUndoRunning = false;

static MemoryContext UndoContext = NULL;
static List *undo_entries = NIL;	/* oldest first */
static List *undo_tables = NIL;

/* The session's failed undo requests, oldest first. */
static MemoryContext FailureContext = NULL;
static RestUndoFailure *failures_head = NULL;
static RestUndoFailure *failures_tail = NULL;

static RestUndoTable *undo_table(RestTable *table);
static char *display_url(const char *url);
static bool etag_sendable(const char *etag);
static RestUndoFailure *make_failure(RestUndoTable *ut, const char *method,
									 const char *url, const char *key);
static bool undo_interrupted(void);
static void run_undo(RestUndoEntry *entry);
static void report_failure(RestUndoEntry *entry, long status,
						   const char *error);
static void undo_reset(void);

PG_FUNCTION_INFO_V1(rest_fdw_undo_failures);
PG_FUNCTION_INFO_V1(rest_fdw_undo_failures_reset);

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
	char	   *nspname;

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
	nspname = get_namespace_name(get_rel_namespace(table->relid));
	ut->qualified_name = quote_qualified_identifier(nspname,
													ut->table->relname);
	undo_tables = lappend(undo_tables, ut);
	MemoryContextSwitchTo(oldcxt);
	return ut;
}

/*
 * display_url
 *		The URL as messages and undo_failures() show it: without user
 *		information, query or fragment, where credentials or tokens may be.
 *		The key is shown apart.
 */
static char *
display_url(const char *url)
{
	const char *scheme_end = strstr(url, "://");
	const char *host = scheme_end != NULL ? scheme_end + 3 : url;
	const char *path = host + strcspn(host, "/?#");
	const char *at = memchr(host, '@', path - host);
	StringInfoData buf;

	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, url, host - url);
	if (at != NULL)
		host = at + 1;
	appendBinaryStringInfo(&buf, host, path - host);
	appendBinaryStringInfo(&buf, path, strcspn(path, "?#"));
	return buf.data;
}

/*
 * make_failure
 *		The record an undo request goes to undo_failures() as if it fails,
 *		made in FailureContext in one chunk with its strings.
 */
static RestUndoFailure *
make_failure(RestUndoTable *ut, const char *method, const char *url,
			 const char *key)
{
	char	   *shown = display_url(url);
	size_t		name_len = strlen(ut->qualified_name) + 1;
	size_t		method_len = strlen(method) + 1;
	size_t		url_len = strlen(shown) + 1;
	size_t		key_len = key != NULL ? strlen(key) + 1 : 0;
	RestUndoFailure *f;
	char	   *p;

	if (FailureContext == NULL)
		FailureContext = AllocSetContextCreate(TopMemoryContext,
											   "rest_fdw undo failures",
											   ALLOCSET_SMALL_SIZES);
	f = MemoryContextAllocZero(FailureContext,
							   sizeof(RestUndoFailure) + name_len +
							   method_len + url_len + key_len);
	p = (char *) (f + 1);
	f->table_name = memcpy(p, ut->qualified_name, name_len);
	p += name_len;
	f->method = memcpy(p, method, method_len);
	p += method_len;
	f->url = memcpy(p, shown, url_len);
	p += url_len;
	f->key = key != NULL ? memcpy(p, key, key_len) : NULL;
	pfree(shown);
	return f;
}

/*
 * etag_sendable
 *		May an ETag the service sent go back in an If-Match header: not
 *		empty, not too long, printable ASCII only (no header injection)?
 */
static bool
etag_sendable(const char *etag)
{
	size_t		len = strlen(etag);

	if (len == 0 || len > 256)
		return false;
	for (const char *c = etag; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			return false;
	return true;
}

/*
 * RestUndoRecord
 *		Record the request that undoes a write the current (sub)transaction
 *		just made to the row with key key (NULL if unknown).  etag, if not
 *		NULL, is the ETag the service returned for the item as the write
 *		left it: the undo sends it as If-Match.
 */
void
RestUndoRecord(RestTable *table, const char *method, const char *url,
			   const char *key, const char *etag,
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
	if (etag != NULL && !etag_sendable(etag))
		etag = NULL;
	if (etag != NULL)
		entry->headers = list_make1(psprintf("If-Match: %s", etag));
	entry->failure = make_failure(ut, method, url, key);
	undo_entries = lappend(undo_entries, entry);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * undo_interrupted
 *		Is a cancel, a statement timeout or a termination pending?  Such
 *		an interrupt waits while the transaction aborts; the undo requests
 *		still to send are given up.
 */
static bool
undo_interrupted(void)
{
	return QueryCancelPending || ProcDiePending;
}

/*
 * RestUndoCheckInterrupt
 *		In the waits of an undo request, end the request on a cancel, a
 *		statement timeout or a termination, which wait while the
 *		transaction aborts: an error that run_undo catches.  The interrupt
 *		stays pending for PostgreSQL.
 */
void
RestUndoCheckInterrupt(void)
{
	if (!RestUndoRunning || !undo_interrupted())
		return;
	ereport(ERROR,
			(errcode(ERRCODE_QUERY_CANCELED),
			 errmsg("%s",
					ProcDiePending
					? "canceled because the backend is terminating"
					: get_timeout_indicator(STATEMENT_TIMEOUT, false)
					? "canceled by statement timeout"
					: "canceled by user request")));
}

/*
 * report_failure
 *		Warn of a failed undo request and add it to the session's
 *		failures.  Never raises.
 */
static void
report_failure(RestUndoEntry *entry, long status, const char *error)
{
	RestUndoFailure *f = entry->failure;
	const char *key = f->key != NULL ? f->key : "unknown";

	entry->failure = NULL;
	f->at = GetCurrentTimestamp();
	f->status = status;
	if (error != NULL)
		strlcpy(f->error, error, sizeof(f->error));
	if (failures_tail != NULL)
		failures_tail->next = f;
	else
		failures_head = f;
	failures_tail = f;

	if (status == 412)
		ereport(WARNING,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not undo a write to foreign table \"%s\"",
						entry->table->relname),
				 errdetail("The undo request %s %s of the row with key %s returned HTTP status 412: the row changed on the service after this write, and is left as it is.",
						   f->method, f->url, key),
				 errhint("rest_fdw.undo_failures() lists the writes a rollback could not undo.")));
	else if (status != 0)
		ereport(WARNING,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not undo a write to foreign table \"%s\"",
						entry->table->relname),
				 errdetail("The undo request %s %s of the row with key %s returned HTTP status %ld; the write stays on the service.",
						   f->method, f->url, key, status),
				 errhint("rest_fdw.undo_failures() lists the writes a rollback could not undo.")));
	else
		ereport(WARNING,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not undo a write to foreign table \"%s\"",
						entry->table->relname),
				 errdetail("The undo request %s %s of the row with key %s failed: %s; the write stays on the service.",
						   f->method, f->url, key, f->error),
				 errhint("rest_fdw.undo_failures() lists the writes a rollback could not undo.")));
}

/*
 * run_undo
 *		Send one undo request; a failure is a WARNING and an entry of
 *		undo_failures(), never an ERROR.
 */
static void
run_undo(RestUndoEntry *entry)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	RestRequest req = {0};
	RestResponse resp = {0};
	volatile long status = 0;
	char		error[REST_UNDO_ERROR_LEN] = "";
	uint32		holdoff = InterruptHoldoffCount;
	uint32		cancel_holdoff = QueryCancelHoldoffCount;
	uint32		crit_sections = CritSectionCount;

	if (undo_interrupted())
	{
		report_failure(entry,
					   0, ProcDiePending
					   ? "not sent: the backend is terminating"
					   : "not sent: the rollback was canceled");
		return;
	}
	req.method = entry->method;
	req.url = entry->url;
	req.body = entry->body;
	req.body_len = entry->body_len;
	req.extra_headers = entry->headers;
	RestUndoRunning = true;
	PG_TRY();
	{
		RestPerform(entry->conn, entry->table, &req, &resp, NULL);
		status = resp.status;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		/*
		 * errfinish() zeroed these for the handler; the abort that runs us
		 * holds interrupts, and must go on holding them: else the pending
		 * cancel would raise inside it, and its RESUME_INTERRUPTS() would
		 * wrap the count around, holding interrupts for good.
		 */
		InterruptHoldoffCount = holdoff;
		QueryCancelHoldoffCount = cancel_holdoff;
		CritSectionCount = crit_sections;
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		strlcpy(error, edata->message, sizeof(error));
		FreeErrorData(edata);
	}
	PG_END_TRY();
	RestUndoRunning = false;

	if (status >= 200 && status < 300)
	{
		pfree(entry->failure);
		entry->failure = NULL;
	}
	else
		report_failure(entry, status, status == 0 ? error : NULL);
}

/*
 * undo_reset
 *		Drop the log and the tables' descriptions.
 */
static void
undo_reset(void)
{
	ListCell   *lc;

	foreach(lc, undo_entries)
	{
		RestUndoEntry *entry = lfirst(lc);

		if (entry->failure != NULL)
			pfree(entry->failure);
	}
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

/*
 * rest_fdw_undo_failures
 *		rest_fdw.undo_failures(): the undo requests of this session that
 *		failed, oldest first.
 */
Datum
rest_fdw_undo_failures(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (RestUndoFailure *f = failures_head; f != NULL; f = f->next)
	{
		Datum		values[7];
		bool		nulls[7] = {0};

		values[0] = TimestampTzGetDatum(f->at);
		values[1] = CStringGetTextDatum(f->table_name);
		values[2] = CStringGetTextDatum(f->method);
		values[3] = CStringGetTextDatum(f->url);
		if (f->key != NULL)
			values[4] = CStringGetTextDatum(f->key);
		else
			nulls[4] = true;
		if (f->status != 0)
			values[5] = Int32GetDatum((int32) f->status);
		else
			nulls[5] = true;
		if (f->error[0] != '\0')
			values[6] = CStringGetTextDatum(f->error);
		else if (f->status == 412)
			values[6] = CStringGetTextDatum("the row changed on the service after this write");
		else
			nulls[6] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values,
							 nulls);
	}
	return (Datum) 0;
}

/*
 * rest_fdw_undo_failures_reset
 *		rest_fdw.undo_failures_reset(): forget the session's failed undo
 *		requests; returns how many there were.
 */
Datum
rest_fdw_undo_failures_reset(PG_FUNCTION_ARGS)
{
	int64		n = 0;

	while (failures_head != NULL)
	{
		RestUndoFailure *f = failures_head;

		failures_head = f->next;
		pfree(f);
		n++;
	}
	failures_tail = NULL;
	PG_RETURN_INT64(n);
}
