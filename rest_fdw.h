/*-------------------------------------------------------------------------
 *
 * rest_fdw.h
 *		  What crosses files in the foreign-data wrapper for REST services.
 *
 * rest_fdw.c holds the FDW callbacks, option.c the option validator and
 * the readers of catalog options, http.c the libcurl connection cache and
 * request loop, json.c the streaming page reader and the JSON <-> datum
 * conversions, deparse.c the translation of a scan into a request URL.
 * Only the types and functions used by more than one of those files are
 * declared here.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REST_FDW_H
#define REST_FDW_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "nodes/pathnodes.h"
#include "utils/relcache.h"

/* Conventions of the service's URLs, pages and counts. */
typedef enum RestDialect
{
	REST_DIALECT_DRF,			/* Django REST framework + django-filter */
	REST_DIALECT_POSTGREST,		/* PostgREST */
	REST_DIALECT_JSON_SERVER	/* npm json-server 0.17 */
} RestDialect;

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
	bool		dropped;		/* dropped column: never read or written */
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
	RestDialect dialect;
	long		connect_timeout_ms;
	long		timeout_ms;
	int			page_size;		/* rows asked per page, 0 = service default */
	int64		max_response_size;	/* bytes per response body */
	char	   *connect_to;		/* libcurl CONNECT_TO entry, or NULL */
	/* user mapping (secrets) */
	char	   *bearer_token;
	char	   *username;
	char	   *password;
	List	   *headers;		/* char *, "Name: value" */
	/* table */
	char	   *resource;		/* collection path relative to base_url */
	char	   *collection_url; /* base_url + resource */
	int			ncolumns;		/* = tuple descriptor's natts */
	RestColumn *columns;		/* indexed by attnum - 1 */
	int			key_index;		/* index of the key column, or -1 */
} RestTable;

/* option.c */
extern RestTable *RestGetTable(Oid relid, Oid userid);
extern bool RestIsValidOption(const char *option, Oid context);

/* http.c */

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
 * copied out; NULL when absent.
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

extern RestConnection *RestGetConnection(RestTable *table);
extern void RestPerform(RestConnection *conn, RestTable *table,
						RestRequest *req, RestResponse *resp,
						RestStats *stats);
extern void RestReportResponseError(RestTable *table, RestRequest *req,
									RestResponse *resp);
extern char *RestResolveUrl(const char *base, const char *relative);
extern void RestAppendEncoded(StringInfo buf, const char *value);

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
 * object whose "results" (also "data", "items", "value") member is that
 * array; "next" and "count" members of the envelope are reported.
 * The reader walks the buffer in place and builds no tree.
 */
typedef struct RestPageReader
{
	const char *buf;			/* the page, NUL-terminated */
	size_t		len;
	const char *pos;			/* current parse position */
	int			state;			/* private to json.c */
	bool		envelope;		/* page is an object, not a bare array */
	bool		done;			/* all rows read and trailer parsed */
	RestJsonValue next;			/* "next" member (or MISSING) */
	RestJsonValue count;		/* "count" member (or MISSING) */
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
extern char *RestItemUrl(RestTable *table, const char *key_text);
extern char *RestCollectionUrl(RestTable *table);

#endif							/* REST_FDW_H */
