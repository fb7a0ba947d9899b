/*-------------------------------------------------------------------------
 *
 * rest_fdw.h
 *		  What crosses files in the foreign-data wrapper for REST services.
 *
 * The files, by job:
 * - the callbacks: rest_fdw.c the handler and the planner's, scan.c a
 *   scan's execution, join.c the planning and execution of a join of two
 *   tables of one service done by one scan, modify.c the writes (INSERT, UPDATE, DELETE, their
 *   direct forms, TRUNCATE); pager.c one scan's pages (pager.h);
 *   analyze.c ANALYZE and the row estimates asked of the service;
 *   import.c IMPORT FOREIGN SCHEMA from an OpenAPI document, whose
 *   schemas openapi.c reads (import_internal.h between them);
 * - the translation of a scan into a request URL: deparse.c (what is
 *   sent, as parameter templates), params.c (the URL from them);
 * - JSON: jsonscan.c the streaming scanner and page reader, json.c the
 *   JSON <-> datum conversions (json_internal.h between them);
 * - the transport: connection.c the libcurl connection cache and the
 *   interruptible wait, request.c one request and its retries, errors.c
 *   the errors of transfers and HTTP statuses, hostpolicy.c the hosts and
 *   redirects a request may reach, url.c URL origins and encoding
 *   (http_internal.h between them);
 * - option.c the option validator and the readers of catalog options,
 *   option_groups.c those of the transport, identity and statistics
 *   (option_internal.h between them); tablecache.c keeps what they read,
 *   per foreign table and user, until the catalogs change;
 * - what a kind of service says differently is its dialect (dialect.h,
 *   the registry and shared conventions in dialect.c, one dialect_*.c
 *   each).
 *
 * Only the types and functions used by more than one of those files are
 * declared here.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REST_FDW_H
#define REST_FDW_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "commands/explain.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "nodes/pathnodes.h"
#include "utils/relcache.h"

/*
 * Compatibility with the supported PostgreSQL versions, 15 and later: the
 * only place that tests PG_VERSION_NUM.  Callers use these names, which
 * take the arguments of the oldest supported version.
 */
#if PG_VERSION_NUM < 150000
#error "rest_fdw needs PostgreSQL 15 or later"
#endif
#if PG_VERSION_NUM >= 180000
/* 18 split explain.h; the callbacks print properties and read options */
#include "commands/explain_format.h"
#include "commands/explain_state.h"
#endif
#if PG_VERSION_NUM >= 160000
#include "parser/parse_relation.h"	/* getRTEPermissionInfo */
#endif

/* 18 replaced pg_attribute_noreturn() by the C11-style pg_noreturn */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

/* 18 added disabled_nodes, 17 fdw_restrictinfo (for joins; NIL here) */
#if PG_VERSION_NUM >= 180000
#define RestCreateForeignScanPath(root, rel, target, rows, startup, total, \
								  pathkeys, req_outer, outerpath, private) \
	create_foreignscan_path(root, rel, target, rows, 0, startup, total, \
							pathkeys, req_outer, outerpath, NIL, private)
#define RestCreateForeignUpperPath(root, rel, target, rows, startup, total, \
								   pathkeys, outerpath, private) \
	create_foreign_upper_path(root, rel, target, rows, 0, startup, total, \
							  pathkeys, outerpath, NIL, private)
#elif PG_VERSION_NUM >= 170000
#define RestCreateForeignScanPath(root, rel, target, rows, startup, total, \
								  pathkeys, req_outer, outerpath, private) \
	create_foreignscan_path(root, rel, target, rows, startup, total, \
							pathkeys, req_outer, outerpath, NIL, private)
#define RestCreateForeignUpperPath(root, rel, target, rows, startup, total, \
								   pathkeys, outerpath, private) \
	create_foreign_upper_path(root, rel, target, rows, startup, total, \
							  pathkeys, outerpath, NIL, private)
#else
#define RestCreateForeignScanPath create_foreignscan_path
#define RestCreateForeignUpperPath create_foreign_upper_path
#endif
#if PG_VERSION_NUM >= 180000
#define RestCreateForeignJoinPath(root, rel, target, rows, startup, total, \
								  pathkeys, req_outer, outerpath, private) \
	create_foreign_join_path(root, rel, target, rows, 0, startup, total, \
							 pathkeys, req_outer, outerpath, NIL, private)
#elif PG_VERSION_NUM >= 170000
#define RestCreateForeignJoinPath(root, rel, target, rows, startup, total, \
								  pathkeys, req_outer, outerpath, private) \
	create_foreign_join_path(root, rel, target, rows, startup, total, \
							 pathkeys, req_outer, outerpath, NIL, private)
#else
#define RestCreateForeignJoinPath create_foreign_join_path
#endif

/* 18 names a sort direction by CompareType instead of btree strategy */
#if PG_VERSION_NUM >= 180000
#define RestPathKeyIsDescending(pk) ((pk)->pk_cmptype == COMPARE_GT)
#else
#define RestPathKeyIsDescending(pk) \
	((pk)->pk_strategy == BTGreaterStrategyNumber)
#endif

/*
 * A wait event set that lives until FreeWaitEventSet, whatever memory
 * context or resource owner is current: 17 takes a resource owner (NULL
 * for session lifetime) where 15 and 16 take a memory context.
 */
#if PG_VERSION_NUM >= 170000
#define RestCreateWaitEventSet(nevents) CreateWaitEventSet(NULL, nevents)
#else
#define RestCreateWaitEventSet(nevents) \
	CreateWaitEventSet(TopMemoryContext, nevents)
#endif

/*
 * 16 keeps settings in a memory context: a check hook's "extra" comes from
 * guc_malloc and is freed with guc_free, where 15 uses malloc and free.
 */
#if PG_VERSION_NUM >= 160000
#define RestGucMalloc(size) guc_malloc(LOG, size)
#define RestGucFree(ptr) guc_free(ptr)
#else
#define RestGucMalloc(size) malloc(size)
#define RestGucFree(ptr) free(ptr)
#endif

/*
 * 16 moved permissions out of the range table entry (RTEPermissionInfo):
 * the user to check as (InvalidOid: the current user) and the columns an
 * INSERT names.
 */
#if PG_VERSION_NUM >= 160000
#define RestRelCheckAsUser(root, rel) ((rel)->userid)
#define RestScanCheckAsUser(plan, rte) ((plan)->checkAsUser)
#define RestScanBaseRelids(plan) ((plan)->fs_base_relids)
#define RestResultRelCheckAsUser(rinfo, estate) \
	ExecGetResultRelCheckAsUser(rinfo, estate)
#define RestInsertedCols(root, rte) \
	(getRTEPermissionInfo((root)->parse->rteperminfos, (rte))->insertedCols)
#define RestTargetCheckAsUser(root, rte) \
	(getRTEPermissionInfo((root)->parse->rteperminfos, (rte))->checkAsUser)
#else
#define RestRelCheckAsUser(root, rel) \
	(planner_rt_fetch((rel)->relid, root)->checkAsUser)
#define RestScanCheckAsUser(plan, rte) ((rte)->checkAsUser)
#define RestScanBaseRelids(plan) ((plan)->fs_relids)
#define RestResultRelCheckAsUser(rinfo, estate) \
	(exec_rt_fetch((rinfo)->ri_RangeTableIndex, estate)->checkAsUser)
#define RestInsertedCols(root, rte) ((rte)->insertedCols)
#define RestTargetCheckAsUser(root, rte) ((rte)->checkAsUser)
#endif

/* How a collection is split into pages. */
/* The largest page_size and max_page_size. */
#define REST_MAX_PAGE_SIZE		100000

typedef enum RestPagination
{
	REST_PAGES_PAGE,			/* ?page=N (DRF PageNumberPagination) */
	REST_PAGES_LIMIT,			/* ?limit=N&offset=M */
	REST_PAGES_CURSOR,			/* opaque "next" links only */
	REST_PAGES_NONE				/* one response holds every row */
} RestPagination;

/*
 * Where a service's sorts put NULLs (option nulls_sort, and the dialect's
 * RestDialectOps.nulls_order).
 */
typedef enum RestNullsOrder
{
	REST_NULLS_UNKNOWN = 0,		/* not known: no sort on a nullable column */
	REST_NULLS_HIGH,			/* as PostgreSQL: last ascending, first
								 * descending */
	REST_NULLS_LOW,				/* first ascending, last descending (SQLite,
								 * MySQL) */
	REST_NULLS_EITHER			/* the request says NULLS FIRST or LAST */
} RestNullsOrder;

/*
 * Lookups a service may honour on a column, named as django-filter names
 * them; a table declares them in its "filters" option.
 */
typedef enum RestLookup
{
	REST_LOOKUP_EXACT,
	REST_LOOKUP_IEXACT,
	REST_LOOKUP_NE,
	REST_LOOKUP_LT,
	REST_LOOKUP_LTE,
	REST_LOOKUP_GT,
	REST_LOOKUP_GTE,
	REST_LOOKUP_IN,
	REST_LOOKUP_ISNULL,
	REST_LOOKUP_STARTSWITH,
	REST_LOOKUP_ISTARTSWITH,
	REST_LOOKUP_ENDSWITH,
	REST_LOOKUP_IENDSWITH,
	REST_LOOKUP_CONTAINS,
	REST_LOOKUP_ICONTAINS,
	REST_NUM_LOOKUPS
} RestLookup;

extern const char *const RestLookupNames[REST_NUM_LOOKUPS];

/* Which redirects a request follows (server option follow_redirects). */
typedef enum RestRedirects
{
	REST_REDIRECTS_SAME_ORIGIN,	/* same scheme, host and port only */
	REST_REDIRECTS_NONE,		/* none */
	REST_REDIRECTS_ANY			/* any http or https URL (superuser only) */
} RestRedirects;

/* Methods besides GET that the server option retry_methods declares safe. */
#define REST_METHOD_PUT			0x01
#define REST_METHOD_PATCH		0x02
#define REST_METHOD_DELETE		0x04

/*
 * Everything the wrapper knows about one server, one user mapping and one
 * foreign table, read from the catalogs (option.c).  Secrets live only in
 * the user mapping part and are never printed.
 */
typedef struct RestColumn
{
	AttrNumber	attnum;			/* column number in the foreign table */
	char	   *attname;		/* SQL column name */
	Oid			typid;			/* column type */
	int32		typmod;			/* column typmod */
	char	   *field;			/* JSON member name, or NULL if pointer */
	char	  **pointer;		/* JSON Pointer segments, unescaped */
	int			npointer;		/* number of segments (0 if field is set) */
	bool		is_key;			/* the key column */
	bool		not_null;		/* declared NOT NULL */
	bool		dropped;		/* dropped column: never read or written */
	uint32		lookups;		/* bitmask of RestLookup the service honours */
	bool		sortable;		/* the service can order by this column */
	List	   *dialect_options;	/* DefElem *: the column's options that
									 * the dialect declares */
	struct RestColumnIO *io;	/* conversion state, private to json.c */
} RestColumn;

typedef struct RestTable
{
	Oid			relid;			/* the foreign table */
	char	   *relname;		/* its name, for messages */
	Oid			serverid;
	Oid			userid;			/* user whose mapping is used */
	Oid			umid;			/* that user mapping (connection cache key) */
	/* server */
	char	   *base_url;		/* always ends with '/' */
	const struct RestDialectOps *dialect;	/* the service's conventions
											 * (dialect.h) */
	long		connect_timeout_ms;
	long		timeout_ms;
	int			page_size;		/* rows asked per page, 0 = service default
								 * (option, else RestDefaultPageSize) */
	int			max_page_size;	/* the service's largest page, 0 unknown */
	int64		max_response_size;	/* bytes per response body */
	char	   *connect_to;		/* libcurl CONNECT_TO entry, or NULL */
	RestPagination pagination;	/* how the service pages a collection */
	char	   *page_size_param;	/* query parameter naming the page size */
	int			max_url_length; /* longer URLs are split (IN lists) */
	int			max_retries;	/* retries of a failed idempotent request */
	long		retry_max_time_ms;	/* retries end this long after the start */
	int			retry_methods;	/* REST_METHOD_* retried besides GET */
	char	   *idempotency_key_header; /* POST key header name, or NULL */
	RestRedirects follow_redirects; /* which redirects are followed */
	bool		ssl_verify;		/* verify the service's certificate */
	char	   *ssl_ca_file;	/* CA bundle, or NULL for the system's */
	char	   *ssl_cert_file;	/* client certificate, or NULL */
	char	   *ssl_key_file;	/* its private key, or NULL */
	/* user mapping (secrets) */
	char	   *bearer_token;
	char	   *username;
	char	   *password;
	List	   *headers;		/* char *, "Name: value" */
	/* user mapping: OAuth 2.0 client credentials (oauth.c) */
	char	   *oauth_token_url;	/* token endpoint, or NULL for none */
	char	   *client_id;
	char	   *client_secret;
	char	   *oauth_scope;	/* scope asked for, or NULL */
	char	   *oauth_audience; /* audience asked for, or NULL */
	/* server: headers taken from rest_fdw.context (context.c) */
	char	   *context_headers;	/* "Header=key, ...", or NULL */
	/* table */
	char	   *resource;		/* collection path relative to base_url */
	char	   *collection_url; /* base_url + resource */
	int			ncolumns;		/* = tuple descriptor's natts */
	RestColumn *columns;		/* indexed by attnum - 1 */
	int			key_index;		/* index of the key column, or -1 */
	bool		collation_matches;	/* service orders text as we do */
	bool		pattern_matches;	/* drf: service matches patterns and
									 * case-insensitive lookups as we do */
	RestNullsOrder nulls_order; /* where the service's sorts put NULLs */
	bool		updatable;		/* INSERT, UPDATE and DELETE allowed */
	bool		update_put;		/* an UPDATE PUTs the whole row (option
								 * update_method), not a PATCH */
	bool		undo;			/* a rollback undoes the writes (option
								 * undo; undo.c) */
	int			batch_size;		/* rows per INSERT request (PostgREST) */
	bool		truncatable;	/* TRUNCATE deletes every row */
	int			prefetch;		/* pages a scan asks for ahead */
	bool		pagination_declared;	/* option "pagination" given */
	List	   *dialect_options;	/* DefElem *: the server's, then the
									 * table's options that the dialect
									 * declares (RestTableOption) */
	/* statistics (analyze.c) */
	bool		use_remote_estimate;	/* ask the service for counts when
										 * planning */
	int			remote_estimate_lifetime_ms;	/* reuse such a count this
												 * long */
	int			analyze_max_requests;	/* requests one ANALYZE makes */
} RestTable;

/*
 * The plans: rest_fdw.c makes them, scan.c and modify.c execute them.  Only
 * what these lists hold crosses from planning to execution.
 */

/* Name of the junk column that carries the key to UPDATE and DELETE. */
#define REST_KEY_JUNK			"rest_key"

/*
 * The scan tuple column holding the count of a group row the service
 * computed (the dialect's group_params with count): RestScanColumns.
 */
#define REST_ATTNUM_GROUP_COUNT	(-100)

/*
 * Indexes of the items of a ForeignScan's fdw_private list.
 */
enum RestScanPrivate
{
	RestScanKindItem,			/* Integer: RestScanKind */
	RestScanColumns,			/* List of Integer: per scan tuple column,
								 * the table's attnum (0 for the count,
								 * REST_ATTNUM_GROUP_COUNT for a group's) */
	RestScanExplainUrl,			/* String: URL shown by EXPLAIN */
	RestScanParams,				/* List: URL parameter templates */
	RestScanLimitExpr,			/* Integer: index in fdw_exprs, or -1 */
	RestScanOffsetExpr,			/* Integer: index in fdw_exprs, or -1 */
	RestScanKeyExpr,			/* Integer: index in fdw_exprs, or -1 */
	RestScanOrdered,			/* Boolean: the service sorts */
	RestScanLimitNote,			/* String: why LIMIT stays local, or "" */
	RestScanCountNote,			/* String: why count(*) stays local, or "" */
	RestScanRecheckTexts,		/* List of String: fdw_recheck_quals as text */
	RestScanGroupNote			/* String: what the groups of a GROUP BY the
								 * scan's rows are, or "" */
};

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

/* scan.c: executing a scan */
extern void RestBeginForeignScan(ForeignScanState *node, int eflags);
extern TupleTableSlot *RestIterateForeignScan(ForeignScanState *node);
extern void RestReScanForeignScan(ForeignScanState *node);
extern void RestEndForeignScan(ForeignScanState *node);
extern void RestShutdownForeignScan(ForeignScanState *node);
extern void RestExplainForeignScan(ForeignScanState *node, ExplainState *es);
extern RestTable *RestTableWithCountMember(RestTable *table);

/* modify.c: executing INSERT, UPDATE and DELETE, direct ones, TRUNCATE */
extern void RestBeginForeignModify(ModifyTableState *mtstate,
								   ResultRelInfo *rinfo, List *fdw_private,
								   int subplan_index, int eflags);
extern TupleTableSlot *RestExecForeignInsert(EState *estate,
											 ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
extern int	RestGetForeignModifyBatchSize(ResultRelInfo *rinfo);
extern TupleTableSlot **RestExecForeignBatchInsert(EState *estate,
												   ResultRelInfo *rinfo,
												   TupleTableSlot **slots,
												   TupleTableSlot **planSlots,
												   int *numSlots);
extern TupleTableSlot *RestExecForeignUpdate(EState *estate,
											 ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
extern TupleTableSlot *RestExecForeignDelete(EState *estate,
											 ResultRelInfo *rinfo,
											 TupleTableSlot *slot,
											 TupleTableSlot *planSlot);
extern void RestEndForeignModify(EState *estate, ResultRelInfo *rinfo);
extern void RestExplainForeignModify(ModifyTableState *mtstate,
									 ResultRelInfo *rinfo, List *fdw_private,
									 int subplan_index, ExplainState *es);
extern void RestBeginDirectModify(ForeignScanState *node, int eflags);
extern TupleTableSlot *RestIterateDirectModify(ForeignScanState *node);
extern void RestEndDirectModify(ForeignScanState *node);
extern void RestExplainDirectModify(ForeignScanState *node, ExplainState *es);
extern void RestExecForeignTruncate(List *rels, DropBehavior behavior,
									bool restart_seqs);

/* option.c */
extern RestTable *RestReadTable(Oid relid, Oid userid);
extern RestTable *RestGetServerTable(Oid serverid, Oid userid);

/* tablecache.c */
extern RestTable *RestGetTable(Oid relid, Oid userid);

/* rest_fdw.c: what the planner of joins (join.c) shares */

/*
 * Rows per request assumed when the service picks its page size (the table
 * asks for none: see option.c's page_size_asked); otherwise the rows per
 * request are the page size asked.
 */
#define REST_DEFAULT_PAGE_ROWS	100.0

/*
 * A scan the service sorts costs a little more than the plain one, so that
 * the planner takes it only where the order is of use.
 */
#define REST_SORTED_SCAN_FACTOR	1.01

extern double RestPageRequests(RestTable *table, double rows);
extern void RestScanCost(RestTable *table, double rows, Cost *startup,
						 Cost *total);
extern Expr *RestFindKeyValue(PlannerInfo *root, RelOptInfo *baserel,
							  RestTable *table, List *clauses);

/* join.c: joins of two tables of one service done by one scan */
extern void RestGetForeignJoinPaths(PlannerInfo *root, RelOptInfo *joinrel,
									RelOptInfo *outerrel, RelOptInfo *innerrel,
									JoinType jointype,
									JoinPathExtraData *extra);
extern ForeignScan *RestGetJoinPlan(PlannerInfo *root, RelOptInfo *joinrel,
									ForeignPath *best_path, List *tlist,
									Plan *outer_plan);
extern bool RestIsJoinScan(ForeignScan *plan);
extern void RestBeginJoinScan(ForeignScanState *node, int eflags);
extern TupleTableSlot *RestIterateJoinScan(ForeignScanState *node);
extern void RestReScanJoinScan(ForeignScanState *node);
extern void RestEndJoinScan(ForeignScanState *node);
extern void RestShutdownJoinScan(ForeignScanState *node);
extern void RestExplainJoinScan(ForeignScanState *node, ExplainState *es);

/* import.c */
extern List *RestImportForeignSchema(ImportForeignSchemaStmt *stmt,
									 Oid serverOid);

/* the transport: connection.c, request.c, errors.c, url.c */

/*
 * A request.  The body, if any, is sent as application/json.
 * extra_headers are "Name: value" strings.
 */
typedef struct RestRequest
{
	const char *method;			/* "GET", "POST", "PATCH", "DELETE" */
	char	   *url;			/* absolute URL */
	const char *body;			/* may be NULL */
	size_t		body_len;
	List	   *extra_headers;
} RestRequest;

/*
 * A response.  body is palloc'd in the caller's memory context and
 * NUL-terminated (body[body_len] == '\0').  Headers the wrapper needs are
 * copied out (request.c's rest_captured_headers lists them); NULL when
 * absent.
 */
typedef struct RestResponse
{
	long		status;
	char	   *body;
	size_t		body_len;
	char	   *content_type;
	char	   *link_next;		/* target of Link: <...>; rel="next", raw */
	char	   *content_range;	/* Content-Range header value */
	char	   *total_count;	/* X-Total-Count header value */
	char	   *location;		/* Location header value */
	char	   *retry_after;	/* Retry-After header value */
	char	   *etag;			/* ETag header value */
	int			attempts;		/* requests made, retries included */
	double		elapsed_ms;		/* time spent waiting for this response */
} RestResponse;

/* Counters for EXPLAIN ANALYZE, accumulated by RestPerform. */
typedef struct RestStats
{
	int64		requests;
	int64		bytes_received;
	double		wait_ms;
} RestStats;

typedef struct RestConnection RestConnection;
typedef struct RestTransfer RestTransfer;

/* Most pages a scan asks for ahead of the one it reads. */
#define REST_MAX_PREFETCH		8

extern RestConnection *RestGetConnection(RestTable *table);

/* undo.c: the writes a rollback undoes */
extern void RestUndoRecord(RestTable *table, const char *method,
						   const char *url, const char *key,
						   const char *etag, const char *body,
						   size_t body_len);
extern void RestUndoCheckInterrupt(void);
extern void RestUndoAtXactEnd(bool commit);
extern void RestUndoAtSubXactEnd(bool commit, int nest_level);
extern void RestUndoPrePrepare(void);
extern void RestPerform(RestConnection *conn, RestTable *table,
						RestRequest *req, RestResponse *resp,
						RestStats *stats);
extern bool RestPerformOk(RestConnection *conn, RestTable *table,
						  RestRequest *req, RestResponse *resp,
						  RestStats *stats, long tolerated);
extern bool RestResponseOk(RestTable *table, RestRequest *req,
						   RestResponse *resp, long tolerated);
extern RestTransfer *RestStartRequest(RestConnection *conn, RestTable *table,
									  RestRequest *req);
extern void RestFinishRequest(RestConnection *conn, RestTable *table,
							  RestTransfer *xfer, RestRequest *req,
							  RestResponse *resp, RestStats *stats);
extern void RestCancelRequest(RestConnection *conn, RestTransfer *xfer);
extern int	RestFreeTransfers(RestConnection *conn);
extern uint64 RestTransferTicket(RestTransfer *xfer);
extern bool RestTransferOwned(RestTransfer *xfer, uint64 ticket);
extern void RestParkTransfer(RestTransfer *xfer, bool reclaimable);
extern void RestTransferOwner(RestTransfer *xfer, SubTransactionId subid);
extern void RestReportResponseError(RestTable *table, RestRequest *req,
									RestResponse *resp);
extern int	RestRequestErrcontext(const char *method, const char *url,
								  long status, int attempts);
extern const char *RestRequestName(const char *what);
extern char *RestResolveUrl(const char *base, const char *relative);
extern bool RestSameOrigin(const char *url1, const char *url2);
extern void RestAppendEncoded(StringInfo buf, const char *value);
extern void RestCheckUrlAllowed(RestTable *table, const char *url,
								const char *option);

/* context.c */
extern bool RestValidContextHeaders(const char *value, const char **why);

/* json.c */

/* Kinds of JSON values. */
typedef enum RestJsonKind
{
	REST_JSON_MISSING = 0,		/* member absent */
	REST_JSON_NULL,
	REST_JSON_FALSE,
	REST_JSON_TRUE,
	REST_JSON_NUMBER,
	REST_JSON_STRING,
	REST_JSON_OBJECT,
	REST_JSON_ARRAY
} RestJsonKind;

/*
 * A value found in a page: a span of the page buffer.  For a string, start
 * and len cover the text between the quotes, still escaped; for every
 * other kind they cover the value's whole JSON text.
 */
typedef struct RestJsonValue
{
	RestJsonKind kind;
	const char *start;
	size_t		len;
	bool		escaped;		/* string holds backslash escapes */
} RestJsonValue;

/*
 * Reader of one page of rows: a bare JSON array of objects, or an envelope
 * object whose member named by the dialect (RestPageShape: "results",
 * "data", ...) is that array; the members the dialect names for the next
 * page's URL and for the total are reported, at any depth of the
 * envelope.  The reader walks the buffer in place and builds no tree.
 */
typedef struct RestPageReader
{
	const char *buf;			/* the page, NUL-terminated */
	size_t		len;
	const char *pos;			/* current parse position */
	int			state;			/* private to json.c */
	bool		envelope;		/* page is an object, not a bare array */
	bool		done;			/* all rows read and trailer parsed */
	RestJsonValue next;			/* next page's URL (or MISSING) */
	RestJsonValue count;		/* the collection's total (or MISSING) */
	RestTable  *table;			/* for column mapping and messages */
	const char *url;			/* for messages */
} RestPageReader;

extern void RestPrepareColumns(RestTable *table);
extern void RestPageBegin(RestPageReader *reader, RestTable *table,
						  const char *url, const char *buf, size_t len);
extern bool RestPageNextRow(RestPageReader *reader, RestJsonValue *values);
extern void RestParseObject(RestTable *table, const char *url,
							const char *buf, size_t len,
							RestJsonValue *values);
extern Datum RestJsonToDatum(RestTable *table, RestColumn *col,
							 RestJsonValue *value, const char *url,
							 bool *isnull);
extern char *RestJsonValueText(RestJsonValue *value);
extern char *RestBuildBody(RestTable *table, TupleDesc tupdesc,
						   Datum *values, bool *isnull, bool *send,
						   size_t *len);
extern char *RestDatumToUrlValue(Datum value, Oid typid);

/* deparse.c */

/*
 * What the planner sends to the service for a scan: URL parameters built
 * from the conditions, and which conditions stay local.
 */
typedef struct RestPushdown
{
	List	   *params;			/* URL parameter templates, see deparse.c */
	List	   *exprs;			/* values computed at execution */
	List	   *remote_conds;	/* RestrictInfos sent to the service */
	List	   *local_conds;	/* RestrictInfos checked here only */
	List	   *recheck_conds;	/* sent, and checked here again */
	List	   *inexact_conds;	/* of recheck_conds, those the service may
								 * evaluate differently (patterns, case
								 * folding, loose comparisons): with any,
								 * LIMIT, OFFSET and count(*) stay local */
	bool		has_in_list;	/* an IN list that may be split */
} RestPushdown;

/*
 * Planner information about a foreign table (baserel->fdw_private), and
 * about an upper relation computed by the service (rest_fdw.c, join.c).
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

/* A value computed at execution for a parameter template. */
typedef struct RestParamValue
{
	Datum		value;
	bool		isnull;
	Oid			typid;
	char	  **elems;			/* an array's distinct non-NULL elements */
	int			nelems;
	bool		has_nulls;		/* the array has NULL elements */
	int			writable_key;	/* the dialect's value_writable answer for
								 * this key (see value_outcome), 0: none */
	bool		writable;
} RestParamValue;

/* join.c: a GROUP BY over a LEFT JOIN with count() done by one scan */
extern ForeignScan *RestGetGroupCountJoinPlan(PlannerInfo *root,
											  ForeignPath *best_path,
											  List *tlist,
											  RestRelationInfo *outer,
											  RestRelationInfo *inner,
											  AttrNumber inner_column,
											  Plan *outer_plan);

extern void RestClassifyConditions(PlannerInfo *root, RelOptInfo *baserel,
								   RestTable *table, List *conditions,
								   RestPushdown *pushdown);
extern bool RestIsPushableCondition(PlannerInfo *root, RelOptInfo *baserel,
									RestTable *table, Expr *clause);
extern List *RestSortParams(RestTable *table, PlannerInfo *root,
							RelOptInfo *baserel, List *pathkeys);
extern List *RestGroupSortParams(RestTable *table, PlannerInfo *root,
								 RelOptInfo *baserel, List *pathkeys,
								 RestColumn *col);
extern List *RestProjectionParams(RestTable *table, List *retrieved);
extern bool RestCanPushLimit(RestTable *table, Node *limit, Node *offset);
extern bool RestCanSendOffset(RestTable *table, int64 limit);
extern int64 RestAppendPageParams(StringInfo url, RestTable *table,
								  int64 limit, int64 offset, bool count_only);
extern void RestAppendNthPageParams(StringInfo url, RestTable *table,
									int64 size, int64 offset, int64 n,
									int64 wanted);
extern int	RestSegmentFlags(List *seg);

/* params.c */
extern void RestPrepareValue(RestParamValue *pv);
extern char *RestBuildUrl(RestTable *table, List *params,
						  RestParamValue *values, int split_param,
						  int split_from, int split_count);
extern char *RestExplainUrl(RestTable *table, List *params, List *exprs);
extern int	RestFindSplitParam(RestTable *table, List *params,
							   RestParamValue *values, int *nelems,
							   int *max_chunk);
extern char *RestItemUrl(RestTable *table, const char *key_text);

/* dialect.c */
extern bool RestIsDuplicateRefusal(RestTable *table, RestResponse *resp);
extern char *RestDialectErrorDetail(RestTable *table, RestResponse *resp);

/* pager.c (the scan's pages themselves: pager.h) */
extern const char *RestResponseTotal(RestTable *table, const char *url,
									 RestResponse *resp,
									 RestPageReader *reader,
									 RestJsonValue *row);
extern const char *RestCountText(RestTable *table, RestResponse *resp,
								 RestPageReader *reader);
extern char *RestNextLink(const char *url, RestResponse *resp,
						  RestPageReader *reader);
extern void RestCheckNextPage(RestTable *table, const char *url,
							  const char *next, bool seen);
extern bool RestParseCount(const char *text, int64 *count);

/* analyze.c */
extern bool RestAnalyzeForeignTable(Relation relation,
									AcquireSampleRowsFunc *func,
									BlockNumber *totalpages);
extern double RestCollectionRows(RelOptInfo *baserel, double default_rows);
extern double RestRemoteRows(PlannerInfo *root, RestTable *table,
							 RestPushdown *pushdown);

#endif							/* REST_FDW_H */
