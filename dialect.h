/*-------------------------------------------------------------------------
 *
 * dialect.h
 *		  The one interface between the wrapper and the conventions of a
 *		  kind of REST service: its dialect.
 *
 * A dialect is a const RestDialectOps, the idiom of PostgreSQL's own
 * FdwRoutine and IndexAmRoutine: function pointers, capability flags and
 * option defaults, one C file per dialect (dialect_drf.c,
 * dialect_postgrest.c, dialect_jsonserver.c), registered by name in
 * dialect.c.  A foreign server's option "dialect" names one; every
 * RestTable carries it (RestTable.dialect).  No other file tests which
 * dialect a table has: the deparser (deparse.c), the pager (pager.c), the
 * callbacks (rest_fdw.c, modify.c), ANALYZE (analyze.c), the options
 * (option.c), the JSON reader and writer (json.c) and IMPORT (import.c)
 * ask the ops.
 *
 * What a dialect decides, and what stays neutral:
 *
 * - Conditions.  deparse.c recognises a condition on one column
 *   (RestRecogniseCondition: column op value, IN lists, IS NULL, LIKE
 *   patterns, Django's UPPER(col) forms) and decides, for every dialect
 *   alike, what may be shipped at all (types, collations, volatility,
 *   three-valued logic).  The dialect then says whether and how its
 *   service evaluates it: condition_params turns a RestCondition into URL
 *   parameter templates (NIL: the condition stays local), tree_params an
 *   OR/AND/NOT tree of them (NULL op: trees stay local).  While it does, it
 *   marks in the RestDeparseContext what the service may answer
 *   differently (inexact: LIMIT, OFFSET and count(*) then stay local) or
 *   may ignore (needs_recheck).  A dialect that cannot say a lookup or a
 *   shape returns NIL, and the condition is checked locally.
 *
 * - Parameter templates (see deparse.c): a name and segments, literal
 *   text or values computed at execution.  A value segment has a
 *   RestValueFormat and REST_SEG_* flags; the low flags are neutral (what
 *   a NULL or an empty list means), REST_SEG_DIALECT_0..3 are the
 *   dialect's own, read back by its append_value, value_writable and
 *   param_written when the URL is built.
 *
 * - Sorts, projections, pages, totals, next links, single objects, item
 *   URLs, write bodies and headers: one op or field each, below.
 *
 * The ops are const and shared by every backend; a dialect keeps no state.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REST_DIALECT_H
#define REST_DIALECT_H

#include "rest_fdw.h"

#include "nodes/parsenodes.h"
#include "nodes/primnodes.h"

/* jansson's parsed JSON, for the helpers that take it */
struct json_t;

/*
 * ---------------------------------------------------------------------
 * What deparse.c hands a dialect
 * ---------------------------------------------------------------------
 */

/* State while one condition is deparsed (RestClassifyConditions). */
typedef struct RestDeparseContext
{
	PlannerInfo *root;
	RelOptInfo *baserel;
	RestTable  *table;
	List	  **exprs;			/* values computed at execution */
	bool		needs_recheck;	/* the service may ignore the condition */
	bool		inexact;		/* its answer may differ from ours */
	bool		splittable;		/* a list the scan may split was made */
	bool		in_tree;		/* inside a logic tree (tree_params) */
	bool		under_not;		/* ... below a NOT */
} RestDeparseContext;

/* A condition on one column, recognised by RestRecogniseCondition. */
typedef struct RestCondition
{
	RestColumn *col;
	RestLookup	lookup;
	Expr	   *value;			/* NULL for isnull and patterns */
	char	   *literal;		/* pattern text, or "true"/"false" (isnull) */
	bool		negated;		/* NOT IN */
	bool		upper;			/* on UPPER(column), as Django folds case */
	bool		ilike;			/* ILIKE (~~*), which folds to lower case */
	Oid			collation;		/* the column's collation */
} RestCondition;

/* How a value segment is written into its parameter. */
typedef enum RestValueFormat
{
	REST_FMT_PLAIN,				/* one value, written by append_value */
	REST_FMT_LIST,				/* array: its elements, each written by
								 * append_value, separated by commas */
	REST_FMT_REPEAT				/* array: one parameter per element (not
								 * with a param_conjunction) */
} RestValueFormat;

/*
 * What a value segment stands for, which decides what the URL builder
 * does with a value that cannot be written (a NULL, an empty list).
 */
#define REST_SEG_SPLIT			0x01	/* a top-level positive IN list: the
										 * scan may split it over requests */
#define REST_SEG_NEGATED		0x02	/* a NOT IN (<> ALL) list: empty, it
										 * holds for every row */
#define REST_SEG_IN_TREE		0x04	/* inside a logic tree, which is
										 * checked here again: a value that
										 * cannot be written drops the tree */
#define REST_SEG_NULLS_MATTER	0x08	/* a NULL element makes the list
										 * unwritable (NOT IN, or under NOT) */
/* Flags a dialect defines for itself, read back by its own ops. */
#define REST_SEG_DIALECT_0		0x100
#define REST_SEG_DIALECT_1		0x200
#define REST_SEG_DIALECT_2		0x400
#define REST_SEG_DIALECT_3		0x800

/* One key of a sort the service is asked for (sort_params). */
typedef struct RestSortKey
{
	const char *name;			/* the column's filter_name */
	bool		descending;
	bool		nulls_first;
} RestSortKey;

/* A LIMIT or OFFSET not known when planning (pages_fit_limit). */
#define REST_LIMIT_UNKNOWN		(-2)

/* What a request is for (request_headers). */
typedef enum RestRequestPurpose
{
	REST_REQUEST_PAGE,			/* GET of a page, or of the count */
	REST_REQUEST_ITEM,			/* GET of one row by its item URL */
	REST_REQUEST_INSERT,		/* POST of one row, or of a batch */
	REST_REQUEST_UPDATE,		/* PATCH of one row */
	REST_REQUEST_DELETE			/* DELETE of one row, or TRUNCATE's */
} RestRequestPurpose;

/* What a request asks of the service besides its purpose. */
#define REST_ASK_TOTAL			0x01	/* report the collection's total */
#define REST_ASK_ROWS			0x02	/* return the rows written */
#define REST_ASK_SKIP_DUPLICATES 0x04	/* skip rows duplicating a key held
										 * (ON CONFLICT DO NOTHING) */

/*
 * An option a dialect adds to a catalog (RestDialectOps.options): the
 * name, and ForeignServerRelationId, ForeignTableRelationId or
 * AttributeRelationId.  A name the wrapper itself has in that catalog is
 * never a dialect's.
 */
typedef struct RestDialectOption
{
	const char *name;
	Oid			catalog;
} RestDialectOption;

/* How a dialect's service reads the numbers of a request body. */
typedef enum RestJsonNumbers
{
	REST_NUMBERS_EXACT,			/* JSON numbers, PostgreSQL's digits */
	REST_NUMBERS_DECIMAL_STRINGS,	/* numeric as a JSON string (Django's
									 * DecimalField); others exact */
	REST_NUMBERS_DOUBLES		/* kept as doubles (JavaScript): a number a
								 * double would change is an error */
} RestJsonNumbers;

/*
 * Where the parts of a page are in a response body.  Member lists end
 * with NULL; a path is a JSON Pointer ("/links/next") without "~" escapes.
 * A page is a bare JSON array of row objects, or an envelope object whose
 * member named in rows_members is that array.
 */
typedef struct RestPageShape
{
	const char *const *rows_members;	/* envelope members holding rows */
	const char *const *next_paths;	/* the next page's URL (a string or
									 * null); NULL list: none */
	const char *const *total_paths; /* the collection's total; NULL list:
									 * the total is not in the body */
	const char *object_member;	/* a response holding one row is
								 * {"<member>": {row}} (JSON:API's
								 * "data"); NULL: the row object itself,
								 * or an array holding it */
} RestPageShape;

/*
 * ---------------------------------------------------------------------
 * What IMPORT FOREIGN SCHEMA hands a dialect (import.c)
 * ---------------------------------------------------------------------
 */

/* The state of one import: the OpenAPI document being read. */
typedef struct RestImport RestImport;

/* A property of an object schema (RestImportProperties). */
typedef struct RestImportProperty
{
	const char *name;			/* the JSON member */
	struct json_t *schema;
	bool		required;		/* listed as required */
} RestImportProperty;

/* A column the dialect makes of a row schema (import_columns). */
typedef struct RestImportField
{
	const char *name;			/* the column's name, made an SQL name */
	const char *field;			/* its option "field": a member or a JSON
								 * Pointer */
	const char *member;			/* the name query parameters and the item
								 * path give it; NULL: field */
	struct json_t *schema;		/* the value's schema: type, nullable */
	const char *sqltype;		/* the SQL type; NULL: the schema's */
	bool		required;		/* in every row (NOT NULL if never null) */
} RestImportField;

/*
 * The query parameters of a list operation that page and sort
 * (import_query_options); a NULL name: the dialect has none.
 */
typedef struct RestImportParamNames
{
	const char *page;			/* a page number: "page" */
	const char *const *page_size;	/* names of its size, NULL-ended, for
									 * option page_size_param; NULL: none */
	const char *limit;			/* a window's rows: "limit" */
	const char *offset;			/* its first row: "offset" */
	const char *cursor;			/* an opaque position: "cursor" */
	const char *ordering;		/* the sort: "ordering" */
} RestImportParamNames;

/*
 * ---------------------------------------------------------------------
 * The ops
 * ---------------------------------------------------------------------
 */
typedef struct RestDialectOps
{
	const char *name;			/* the option value: "drf", "postgrest" */

	/* ---- option defaults (option.c) ---- */

	/* the default resource is the table's name followed by "/" */
	bool		resource_trailing_slash;
	/* pagination when neither server nor table sets it */
	RestPagination default_pagination;
	/* rows per INSERT request when batch_size is not set */
	int			default_batch_size;
	/* declarations when the table has no "filters" / "ordering" option
	 * (PostgREST's "*__*": every lookup on every column), or NULL */
	const char *default_filters;
	const char *default_ordering;

	/*
	 * Adjust where a column is found in a row object and in a request body
	 * (RestColumn.field or .pointer), after option.c set it from the
	 * column option "field" (declared) or to the column's name, and marked
	 * the key: JSON:API's /id and /attributes/<name>.  NULL: as set.
	 */
	void		(*locate_column) (const RestTable *table, RestColumn *col,
								  bool declared);

	/* ---- options of its own (option.c) ---- */

	/*
	 * The options the dialect adds to servers, foreign tables and columns,
	 * ended by a NULL name; NULL: none.  Their values reach the ops through
	 * RestTableOption and RestColumnOption.
	 */
	const RestDialectOption *options;

	/*
	 * Check the value of one of those options (ereport on a bad one);
	 * NULL: any value but the empty string.  A server's options are
	 * checked by its dialect; a table's and a column's, whose server the
	 * validator does not know, by the first dialect declaring the name,
	 * and by the table's own when it is read.
	 */
	void		(*validate_option) (DefElem *def, Oid catalog);

	/* ---- IMPORT FOREIGN SCHEMA (import.c) ---- */

	/*
	 * Declare filters, ordering, pagination and page_size_param from the
	 * list operation's query parameters, filters named as django-filter
	 * names them.
	 */
	bool		import_query_options;

	/* the names of the paging and sorting parameters; NULL: Django REST
	 * framework's (page, page_size, limit, offset, cursor, ordering) */
	const RestImportParamNames *import_params;

	/*
	 * Members a page envelope of the service's documents has besides the
	 * rows (page.rows_members) and those of most services (count, next,
	 * links, meta, ...): OData's "@count".  NULL-ended; NULL: none.
	 */
	const char *const *import_envelope_members;

	/*
	 * The key parameter of path if it is an item path of the collection
	 * at collection_path (OData's /Books({ID}) of /Books), or NULL.  NULL
	 * op: collection_path followed by /{param}, with or without a slash.
	 */
	char	   *(*import_item_param) (const char *collection_path,
									  const char *path);

	/*
	 * The columns of a row schema (List of RestImportField *): JSON:API's
	 * id, attributes and relationships.  NULL: one per property.
	 */
	List	   *(*import_columns) (RestImport *imp, struct json_t *row_schema);

	/* ---- conditions (deparse.c) ---- */

	/*
	 * The service refuses a filter it does not know (an error, not every
	 * row), so what it accepts it applies: conditions need no recheck
	 * unless the dialect marks them.  False: the service may ignore a
	 * filter (Django REST framework drops undeclared ones), and every
	 * condition sent is checked here again.
	 */
	bool		strict_filters;

	/*
	 * The name the service knows a column by in its filters and sorts (the
	 * member, or a pointer's path joined as the service joins it); NULL if
	 * it would read that name as something else.
	 */
	char	   *(*filter_name) (const RestTable *table, const RestColumn *col);

	/*
	 * The parameter templates of one recognised condition, or NIL if the
	 * service cannot evaluate it (it stays local).  Sets cxt->inexact and
	 * cxt->needs_recheck as needed; value segments come from
	 * RestValueSegment.
	 */
	List	   *(*condition_params) (RestDeparseContext *cxt,
									 RestCondition *cond);

	/*
	 * The parameter templates of an OR, AND or NOT tree of conditions
	 * (recognised inside with RestRecogniseCondition, with cxt->in_tree
	 * set), or NIL.  NULL: no trees.
	 */
	List	   *(*tree_params) (RestDeparseContext *cxt, BoolExpr *tree);

	/*
	 * Parameters of one name, one per condition, are joined into one
	 * parameter by this text (OData's $filter with " and "), or NULL: each
	 * is its own name=value.
	 */
	const char *param_conjunction;

	/*
	 * Does the service AND a parameter name given twice (PostgREST, and
	 * json-server's _ne)?  django-filter reads the last one, json-server
	 * ORs the others: then a second condition on the name stays local.
	 * NULL: never (true for all names with a param_conjunction).
	 */
	bool		(*repeat_is_and) (const char *name);

	/*
	 * Append a value's text (RestDatumToUrlValue's, or an element's) in
	 * the service's syntax, for a value segment with these flags; typid is
	 * the value's (the element's) type.  NULL: the text as it is.
	 */
	void		(*append_value) (StringInfo buf, const char *text, Oid typid,
								 int flags);

	/*
	 * Can a value computed at execution be written as the service must
	 * read it (list: every element of pv)?  False leaves its parameter out,
	 * so the dialect marks such conditions inexact.  NULL: always.
	 */
	bool		(*value_writable) (const RestParamValue *pv, bool list,
								   int flags);

	/*
	 * After a parameter holding value segments with these flags is
	 * written, append the parameters that must come with it (json-server's
	 * guard); texts are the values written.  NULL: none.
	 */
	void		(*param_written) (StringInfo url, const char *name,
								  const char *const *texts, int ntexts,
								  int flags);

	/* most elements of a REST_FMT_REPEAT list in one request (0: any) */
	int			max_repeated_params;

	/* ---- sorts and projections (deparse.c) ---- */

	/*
	 * Where the service's sorts put NULLs, unless the option nulls_sort
	 * says it (REST_NULLS_EITHER: the request says NULLS FIRST or LAST,
	 * whatever the option).  A sort on a column that may hold NULLs is
	 * sent only when the order asked puts them there; on the key and NOT
	 * NULL columns, always.  sort_params need not check it.
	 */
	RestNullsOrder nulls_order;

	/*
	 * Are rows that tie under a sort without the key still in the same
	 * order in every request (json-server's stable sort, or one response
	 * holding every row)?  Otherwise a sort must end with the key.
	 */
	bool		(*sort_stable_without_key) (const RestTable *table);

	/* the parameters asking for this order (List of RestSortKey *) */
	List	   *(*sort_params) (const RestTable *table, List *keys);

	/*
	 * The parameters asking for only these columns (List of RestColumn *,
	 * fewer than the table has), or NIL; NULL: every member always comes.
	 */
	List	   *(*projection_params) (const RestTable *table, List *columns);

	/*
	 * The parameters asking for a row per distinct value of the column
	 * (count false: rows holding only its member), or per value with the
	 * number of rows holding it in member group_count_member (count true),
	 * NULL being a value of its own, the filters applied before; NIL if
	 * the table's service cannot say it.  NULL: never.  (The optional
	 * capabilities of django-rest-fdw's kit, rest_fdw.c's upper paths.)
	 */
	List	   *(*group_params) (const RestTable *table, const RestColumn *col,
								 bool count);
	const char *group_count_member;

	/* ---- pages (deparse.c, pager.c, analyze.c) ---- */

	/*
	 * Can the first page be rows [offset, offset + limit)?  limit is -1
	 * for none, either may be REST_LIMIT_UNKNOWN (known only at
	 * execution); both are never negative otherwise.
	 */
	bool		(*pages_fit_limit) (const RestTable *table, int64 limit,
									int64 offset);

	/* Can the first page start at a row offset without a LIMIT? */
	bool		(*offset_without_limit) (const RestTable *table);

	/*
	 * Can a request name its page size?  Then a table without page_size
	 * asks for the largest page (max_page_size, else REST_LARGE_PAGE_ROWS:
	 * see RestDefaultPageSize).  NULL: never; a read without a LIMIT gets
	 * the service's own page (PostgREST's: every row, up to db-max-rows).
	 */
	bool		(*names_page_size) (const RestTable *table);

	/*
	 * Append the parameters of the first page: rows [offset, offset +
	 * limit) when limit >= 0, else the first page of the table's size from
	 * offset (0 unless offset_without_limit).  Returns the rows asked per
	 * page, 0 if the request does not say.
	 */
	int64		(*first_page_params) (StringInfo url, const RestTable *table,
									  int64 limit, int64 offset);

	/*
	 * Append the parameters of page n (from 0) of a collection read size
	 * rows at a time from row offset, at most wanted rows in all (-1: no
	 * bound): the pages a scan asks for ahead and ANALYZE samples.
	 */
	void		(*nth_page_params) (StringInfo url, const RestTable *table,
									int64 size, int64 offset, int64 n,
									int64 wanted);

	/* Append the parameters of the smallest page that carries the total
	 * (total_params follow them). */
	void		(*count_params) (StringInfo url, const RestTable *table);

	/*
	 * Is the first page, with an OFFSET, a numbered page (page = offset /
	 * size + 1) that must be checked to hold the rows asked for (see
	 * pager.c's windows)?
	 */
	bool		(*offset_by_page_number) (const RestTable *table);

	/* Can the URL of any page be computed (nth_page_params)?  ANALYZE. */
	bool		(*pages_addressable) (const RestTable *table);

	/* May a scan with this LIMIT (-1: none) ask for pages ahead? */
	bool		(*can_prefetch) (const RestTable *table, int64 limit);

	/* A page without a next link is the last, whatever its size (the
	 * service names every next page) */
	bool		names_every_next_page;

	/* status of a page past the last row (PostgREST's 416), or 0 */
	long		past_end_status;

	/* where rows, next link and total are in a body */
	RestPageShape page;

	/*
	 * Does the range of a page (its Content-Range) say that rows follow
	 * it?  Then the next page is the next offset.  NULL: pages follow only
	 * links.
	 */
	bool		(*more_after_range) (const char *content_range);

	/* ---- totals (rest_fdw.c, pager.c, analyze.c) ---- */

	/* Does the service report the collection's total (count(*) pushdown,
	 * use_remote_estimate, prefetch bounds)? */
	bool		(*reports_total) (const RestTable *table);

	/*
	 * Append the URL parameters asking that the response report the total
	 * (OData's $count=true); NULL: none (headers come from
	 * request_headers with REST_ASK_TOTAL).
	 */
	void		(*total_params) (StringInfo url, const RestTable *table);

	/*
	 * The text of the total a response reports, or NULL: a header's part,
	 * or the reader's total (read through first when page.total_paths).
	 */
	const char *(*total_text) (const RestTable *table, RestResponse *resp,
							   RestPageReader *reader);

	/* where the total was looked for, for messages ("\"count\" member") */
	const char *total_description;

	/* a count request answered without a total is counted row by row
	 * (an unpaginated Django REST framework list) */
	bool		count_rows_without_total;

	/* ---- requests and writes (modify.c, pager.c) ---- */

	/*
	 * Extra headers of a request ("Name: value"): PostgREST's Prefer,
	 * JSON:API's media type.  asks holds REST_ASK_*.  NULL: none.
	 */
	List	   *(*request_headers) (const RestTable *table,
									RestRequestPurpose purpose, int asks);

	/* The URL of the row whose key has this text; NULL text: the URL with
	 * a placeholder naming the key column, for EXPLAIN. */
	char	   *(*item_url) (const RestTable *table, const char *key_text);

	/*
	 * The body of a POST (operation CMD_INSERT) or PATCH (CMD_UPDATE) of
	 * the columns send says; key_text is the key of the row a PATCH
	 * changes, as its item URL has it (NULL for a POST).  NULL op:
	 * RestBuildBody's object.
	 */
	char	   *(*write_body) (RestTable *table, CmdType operation,
							   TupleDesc tupdesc, Datum *values, bool *isnull,
							   bool *send, const char *key_text,
							   size_t *len);

	/* numbers in request bodies */
	RestJsonNumbers numbers;

	/* a POST may carry a JSON array of rows (batch_size) */
	bool		batch_insert;

	/* a PATCH may change the key (the row is addressed by a filter) */
	bool		can_change_key;

	/*
	 * May an UPDATE change a column nested in another member (a JSON
	 * Pointer of more than one segment)?  A PATCH of {"a": {"b": v}}
	 * replaces member a as a whole, losing the members no column holds,
	 * unless the service merges the members a PATCH names, also inside
	 * objects (JSON:API's attributes and relationships), and write_body
	 * writes them so.  NULL: never.
	 */
	bool		(*column_updatable) (const RestTable *table,
									 const RestColumn *col);

	/* a DELETE returns the row deleted (with REST_ASK_ROWS) */
	bool		delete_returns_row;

	/* The URL of one DELETE of every row (TRUNCATE); NULL op: a DELETE per
	 * row. */
	char	   *(*delete_all_url) (const RestTable *table);

	/*
	 * Did the service refuse a POST only because the row duplicates one it
	 * holds, which ON CONFLICT DO NOTHING skips?
	 */
	bool		(*is_duplicate_refusal) (const RestTable *table,
										 RestResponse *resp);

	/*
	 * The DETAIL of an error response, read from the service's own error
	 * document (JSON:API's errors array, "pointer: detail"), or NULL for
	 * the rendering of common conventions; the text is cleaned and cut
	 * before it is shown.  NULL op: always those.
	 */
	char	   *(*error_detail) (const RestTable *table, RestResponse *resp);
} RestDialectOps;

/*
 * ---------------------------------------------------------------------
 * The registry (dialect.c)
 * ---------------------------------------------------------------------
 */
extern const RestDialectOps RestDrfDialect;
extern const RestDialectOps RestPostgrestDialect;
extern const RestDialectOps RestJsonServerDialect;
extern const RestDialectOps RestJsonApiDialect;
extern const RestDialectOps RestOdataDialect;

/* the dialect of a server that names none */
#define REST_DEFAULT_DIALECT	(&RestDrfDialect)

extern const RestDialectOps *RestFindDialect(const char *name);
extern char *RestDialectNames(void);
extern const RestDialectOps *RestDialectDeclaring(const char *name,
												  Oid catalog);
extern bool RestDialectDeclares(const RestDialectOps *dialect,
								const char *name, Oid catalog);
extern void RestAppendDialectOptionNames(StringInfo buf, Oid catalog);
extern void RestValidateDialectOption(const RestDialectOps *dialect,
									  DefElem *def, Oid catalog);
extern List *RestRequestHeaders(const RestTable *table,
								RestRequestPurpose purpose, int asks);
extern char *RestWriteBody(RestTable *table, CmdType operation,
						   TupleDesc tupdesc, Datum *values, bool *isnull,
						   bool *send, const char *key_text, size_t *len);
extern bool RestColumnUpdatable(const RestTable *table,
								const RestColumn *col);

/*
 * ---------------------------------------------------------------------
 * Helpers for dialects
 * ---------------------------------------------------------------------
 */

/* dialect.c: the values of the dialect's own options, or NULL */
extern const char *RestTableOption(const RestTable *table, const char *name);
extern const char *RestColumnOption(const RestColumn *col, const char *name);

/* dialect.c: shared conventions */
extern const char *const RestEnvelopeRows[];
extern const char *const RestEnvelopeNext[];
extern char *RestPathItemUrl(const RestTable *table, const char *key_text);
extern char *RestJoinedName(const RestColumn *col, const char *separator,
							bool (*part_fits) (const char *part));
extern int64 RestPageRows(const RestTable *table, int64 limit);
extern bool RestAlways(const RestTable *table);
extern bool RestNever(const RestTable *table);
extern bool RestAnyWindow(const RestTable *table, int64 limit, int64 offset);
extern bool RestUnpagedStable(const RestTable *table);
extern bool RestPagedTotal(const RestTable *table);
extern bool RestNumberedPages(const RestTable *table);
extern bool RestWholePages(int64 limit, int64 offset);
extern List *RestSortParam(const char *name, List *keys,
						   void (*append_key) (StringInfo buf,
											   const RestSortKey *key));
extern List *RestSignedSortParams(const char *name, List *keys);
extern void RestAppendIntParam(StringInfo url, const char *name,
							   int64 value);
extern int64 RestAppendFirstWindow(StringInfo url, const char *limit_name,
								   const char *offset_name, int64 size,
								   int64 offset);
extern void RestAppendNthWindow(StringInfo url, const char *limit_name,
								const char *offset_name, int64 size,
								int64 offset, int64 n, int64 wanted);
extern void RestAppendFirstNumberedPage(StringInfo url, const char *page_name,
										const char *size_name, int64 size,
										int64 offset);
extern void RestAppendNthNumberedPage(StringInfo url, const char *page_name,
									  const char *size_name, int64 size,
									  int64 offset, int64 n);
extern const char *RestReaderTotal(const RestTable *table, RestResponse *resp,
								   RestPageReader *reader);
extern bool RestErrorBodyHolds(RestResponse *resp,
							   bool (*test) (struct json_t *root));
extern bool RestErrorCodeIn(RestResponse *resp, const char *pointer,
							const char *const *codes);

/* dialect_drf.c: django-filter's rules, for services filtering with it */
extern List *RestDjangoFilterParams(RestDeparseContext *cxt,
									RestCondition *cond, const char *prefix,
									const char *suffix);
extern bool RestDjangoValueWritable(const RestParamValue *pv, bool list,
									int flags);

/* import.c: the schemas of a document being imported */
extern List *RestImportProperties(RestImport *imp, struct json_t *schema);
extern struct json_t *RestImportArrayItems(RestImport *imp,
										   struct json_t *schema);
extern const char *RestImportType(RestImport *imp, struct json_t *schema);
extern List *RestImportPropertyFields(RestImport *imp,
									  struct json_t *row_schema);
extern RestImportField *RestImportMakeField(const char *name,
											const char *field,
											const char *member,
											struct json_t *schema,
											bool required);

/* Bytes of an error body a dialect parses as JSON, at most. */
#define REST_DIALECT_PARSE_MAX	(64 * 1024)

/* deparse.c */
extern bool RestRecogniseCondition(RestDeparseContext *cxt, Expr *clause,
								   RestCondition *cond);
extern List *RestValueSegment(RestDeparseContext *cxt, Expr *value,
							  RestValueFormat format, int flags);
extern List *RestMakeParam(const char *name, List *segments);
extern void RestConstValue(Const *c, RestParamValue *pv);
extern bool RestColumnIsText(const RestColumn *col);
extern bool RestLookupDeclared(const RestCondition *cond);
extern char *RestLenientFilterName(RestDeparseContext *cxt,
								   RestCondition *cond, bool patterns_exact);

/* params.c */
extern void RestAppendParam(StringInfo url, const char *name,
							const char *value);

#endif							/* REST_DIALECT_H */
