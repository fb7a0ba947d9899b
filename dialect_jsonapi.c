/*-------------------------------------------------------------------------
 *
 * dialect_jsonapi.c
 *		  The jsonapi dialect: JSON:API as djangorestframework-jsonapi
 *		  serves it.
 *
 * A collection answers {"data": [resource, ...], "links": {"next": url},
 * "meta": {"pagination": {"count": n}}}, a resource being {"type": "books",
 * "id": "4", "attributes": {...}, "relationships": {"author": {"data":
 * {"type": "authors", "id": "2"}}}}: ids are strings, and a foreign key is
 * the id of a relationship's resource linkage.  So a column is found at
 * /id (the key), /relationships/<r>/data/id (a column named <r>_id) or
 * /attributes/<name> (any other), unless its option "field" says where.
 *
 * Filters are django-filter's, named filter[<name>] and
 * filter[<name>__<lookup>] (the library turns filter[a.b] into a__b as
 * well); an undeclared filter is a 400, so what is sent is applied, except
 * where the service's database compares its own way: text (case folding,
 * and LIKE's case sensitivity: SQLite's LIKE ignores ASCII case), checked
 * here again, and decimals, which SQLite's Django backend rounds to the
 * field's places, so none with more places than the column is sent.  It
 * sorts with sort=-a,b (where NULLs go is the database's choice: only by
 * columns that hold none), pages with page[number]=N&page[size]=M or
 * page[offset]=K&page[limit]=M (at most 100 rows a page by default: the
 * scan notices a page cut shorter), and addresses a resource as
 * collection/id/.  Writes are {"data": {"type", "id", "attributes",
 * "relationships"}} sent as application/vnd.api+json, and every request
 * accepts only that media type (the service answers 406 to
 * application/json).
 *
 * The resource type of the table is its option "type", else the last
 * segment of its resource path; that of a relationship the option "type"
 * of its column, else the relationship's name followed by "s" (the types
 * the library's JSON_API_PLURALIZE_TYPES gives regular English names).
 * A PATCH changes only the attributes and relationships it names, so an
 * UPDATE may set any of them.  Where the service's database puts NULLs
 * in a sort is not known (first ascending on SQLite and MySQL, last on
 * PostgreSQL): the option nulls_sort says it.  IMPORT FOREIGN SCHEMA reads
 * the library's OpenAPI document: the id, the attributes and the to-one
 * relationships of each resource, its django-filter parameters and its
 * page parameters.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <jansson.h>

#include "catalog/pg_attribute.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "mb/pg_wchar.h"
#include "nodes/nodeFuncs.h"
#include "utils/json.h"
#include "utils/lsyscache.h"

#include "dialect.h"

/* The media type of JSON:API documents. */
#define JSONAPI_MEDIA_TYPE	"application/vnd.api+json"

/* Where a column is, by the shape of its JSON Pointer. */
typedef enum JsonApiPlace
{
	JSONAPI_OTHER,				/* anywhere else: read, never filtered */
	JSONAPI_ID,					/* /id */
	JSONAPI_ATTRIBUTE,			/* /attributes/<name> */
	JSONAPI_RELATIONSHIP		/* /relationships/<name>/data/id */
} JsonApiPlace;

static JsonApiPlace column_place(const RestColumn *col, const char **name);
static void set_pointer(RestColumn *col, const char *first,
						const char *name, const char *last1,
						const char *last2);
static char *table_type(const RestTable *table);
static void append_json_string(StringInfo buf, const char *text);
static void append_relationship(StringInfo buf, const RestColumn *col,
								const char *name, const char *key_text);
static bool all_errors_unique(json_t *root);
static char *pointer_segment(const char *name);
static bool folds_case(RestLookup lookup);
static bool is_pattern(RestLookup lookup);
static bool decimals_fit(Expr *value, int32 typmod);
static bool decimal_text_fits(const char *text, int32 typmod);
static char *jsonapi_filter_name(const RestTable *table,
								 const RestColumn *col);

/*
 * column_place
 *		Where a column is in a resource object, and the attribute's or
 *		relationship's name.
 */
static JsonApiPlace
column_place(const RestColumn *col, const char **name)
{
	char	  **p = col->pointer;

	*name = NULL;
	if (col->npointer == 1 && strcmp(p[0], "id") == 0)
	{
		*name = "id";
		return JSONAPI_ID;
	}
	if (col->npointer == 2 && strcmp(p[0], "attributes") == 0)
	{
		*name = p[1];
		return JSONAPI_ATTRIBUTE;
	}
	if (col->npointer == 4 && strcmp(p[0], "relationships") == 0 &&
		strcmp(p[2], "data") == 0 && strcmp(p[3], "id") == 0)
	{
		*name = p[1];
		return JSONAPI_RELATIONSHIP;
	}
	return JSONAPI_OTHER;
}

/*
 * set_pointer
 *		Make a column's location the JSON Pointer /first[/name[/last1
 *		/last2]].
 */
static void
set_pointer(RestColumn *col, const char *first, const char *name,
			const char *last1, const char *last2)
{
	char	  **p = palloc(4 * sizeof(char *));
	int			n = 0;

	p[n++] = pstrdup(first);
	if (name != NULL)
		p[n++] = pstrdup(name);
	if (last1 != NULL)
	{
		p[n++] = pstrdup(last1);
		p[n++] = pstrdup(last2);
	}
	col->field = NULL;
	col->pointer = p;
	col->npointer = n;
}

/*
 * jsonapi_locate_column
 *		The key at /id; an undeclared column named <r>_id at the resource
 *		linkage of relationship <r>; any other column, or a declared member
 *		name, among the attributes.  A declared pointer stays.
 */
static void
jsonapi_locate_column(const RestTable *table, RestColumn *col, bool declared)
{
	const char *name = col->field;
	size_t		len;

	if (name == NULL)
		return;					/* a pointer the table declares */
	if (col->is_key)
	{
		set_pointer(col, "id", NULL, NULL, NULL);
		return;
	}
	len = strlen(name);
	if (!declared && len > 3 && strcmp(name + len - 3, "_id") == 0)
	{
		char	   *rel = pnstrdup(name, len - 3);

		set_pointer(col, "relationships", rel, "data", "id");
		return;
	}
	set_pointer(col, "attributes", name, NULL, NULL);
}

/*
 * jsonapi_filter_name
 *		The attribute's or relationship's name, or "id"; NULL for a column
 *		elsewhere, or a name django-filter would read as a path or lookup
 *		(".", "__") or the library refuses in filter[...] (other than
 *		letters, digits, "_" and "-").
 */
static char *
jsonapi_filter_name(const RestTable *table, const RestColumn *col)
{
	const char *name;
	const char *c;

	if (column_place(col, &name) == JSONAPI_OTHER)
		return NULL;
	if (name[0] == '\0' || strstr(name, "__") != NULL)
		return NULL;
	for (c = name; *c; c++)
		if (!(isalnum((unsigned char) *c) || *c == '_' || *c == '-'))
			return NULL;
	return pstrdup(name);
}

/*
 * jsonapi_condition_params
 *		filter[name] or filter[name__lookup], with django-filter's rules.
 *
 * The service refuses undeclared filters, so a condition sent needs no
 * recheck but where the service's database may compare differently:
 * text without collation_matches (a case-insensitive collation finds more
 * rows), LIKE's lookups (contains, startswith and endswith ignore ASCII
 * case on SQLite and MySQL: more rows), and values known only at
 * execution, which may be left out (RestDjangoValueWritable).  The
 * case-insensitive lookups fold case as the database does: SQLite folds
 * ASCII only, and finds fewer rows than PostgreSQL's UPPER, which no
 * recheck finds again; they are sent only when the table vouches for the
 * service's text comparisons (collation_matches).
 */
static List *
jsonapi_condition_params(RestDeparseContext *cxt, RestCondition *cond)
{
	bool		is_text = RestColumnIsText(cond->col);
	bool		folds = folds_case(cond->lookup);
	List	   *params;

	if (is_text && folds && !cxt->table->collation_matches)
		return NIL;
	if (getBaseType(cond->col->typid) == NUMERICOID && cond->value != NULL &&
		!decimals_fit(cond->value, cond->col->typmod))
		return NIL;

	params = RestDjangoFilterParams(cxt, cond, "filter[", "]");
	if (params == NIL)
		return NIL;

	if (cond->value != NULL && !IsA(cond->value, Const))
		cxt->needs_recheck = true;
	if (is_text && cond->lookup != REST_LOOKUP_ISNULL)
	{
		if (!cxt->table->collation_matches)
			cxt->needs_recheck = true;
		if (folds || is_pattern(cond->lookup))
		{
			/* case sensitivity and folding are the database's */
			cxt->needs_recheck = true;
			cxt->inexact = true;
		}
	}
	return params;
}

/*
 * folds_case
 *		Is a lookup one of django-filter's case-insensitive ones?
 */
static bool
folds_case(RestLookup lookup)
{
	return lookup == REST_LOOKUP_IEXACT || lookup == REST_LOOKUP_ISTARTSWITH ||
		lookup == REST_LOOKUP_IENDSWITH || lookup == REST_LOOKUP_ICONTAINS;
}

/*
 * is_pattern
 *		Is a lookup one of the case-sensitive LIKE patterns?
 */
static bool
is_pattern(RestLookup lookup)
{
	return lookup == REST_LOOKUP_STARTSWITH || lookup == REST_LOOKUP_ENDSWITH ||
		lookup == REST_LOOKUP_CONTAINS;
}

/*
 * decimals_fit
 *		Would Django compare a numeric column with this value as it is?
 *
 * Its SQLite, MySQL and Oracle backends round the value of a DecimalField
 * lookup to the field's decimal places (3.14159 is 3.1416 against
 * decimal_places=4), which finds other rows, fewer as well as more, and
 * no recheck finds the missing ones again.  So only constants with no more
 * decimals than the column's declared scale (the service's field's, when
 * the table declares the column alike) are sent; whole numbers only
 * without a declared scale; no value known only at execution.
 */
static bool
decimals_fit(Expr *value, int32 typmod)
{
	Const	   *c;
	RestParamValue pv;
	int			i;

	if (!IsA(value, Const))
		return false;
	c = (Const *) value;
	if (c->constisnull)
		return true;
	if (!type_is_array(c->consttype))
		return decimal_text_fits(RestDatumToUrlValue(c->constvalue,
													 c->consttype), typmod);
	RestConstValue(c, &pv);
	for (i = 0; i < pv.nelems; i++)
		if (!decimal_text_fits(pv.elems[i], typmod))
			return false;
	return true;
}

/*
 * decimal_text_fits
 *		Has a number's text no more significant decimals than a numeric
 *		typmod's scale (none without a typmod)?
 */
static bool
decimal_text_fits(const char *text, int32 typmod)
{
	const char *point = strchr(text, '.');
	int			decimals = 0;
	int			scale = 0;

	if (point != NULL)
	{
		decimals = strlen(point + 1);
		while (decimals > 0 && point[decimals] == '0')
			decimals--;
	}
	if (typmod >= (int32) VARHDRSZ)
		scale = (((typmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024;
	return decimals <= scale;
}

/*
 * jsonapi_sort_params
 *		sort=-a,b.
 */
static List *
jsonapi_sort_params(const RestTable *table, List *keys)
{
	return RestSignedSortParams("sort", keys);
}

/*
 * jsonapi_projection_params
 *		fields[type]=a,b: the attributes and relationships of the columns
 *		read (the id always comes); NIL if a column is elsewhere.  A
 *		service whose type is not the table's ignores it.
 */
static List *
jsonapi_projection_params(const RestTable *table, List *columns)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, columns)
	{
		RestColumn *col = lfirst(lc);
		const char *name;

		switch (column_place(col, &name))
		{
			case JSONAPI_ID:
				continue;
			case JSONAPI_OTHER:
				return NIL;
			case JSONAPI_ATTRIBUTE:
			case JSONAPI_RELATIONSHIP:
				break;
		}
		/* the service splits the list on commas */
		if (strchr(name, ',') != NULL)
			return NIL;
		if (buf.len > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfoString(&buf, name);
	}
	return list_make1(RestMakeParam(psprintf("fields[%s]", table_type(table)),
									list_make1(makeString(buf.data))));
}

/*
 * jsonapi_pages_fit_limit
 *		Offset pages say any window; numbered pages LIMIT n OFFSET k*n
 *		(page k+1 of size n), when both are known at planning.
 */
static bool
jsonapi_pages_fit_limit(const RestTable *table, int64 limit, int64 offset)
{
	if (table->pagination == REST_PAGES_LIMIT)
		return true;
	return table->pagination == REST_PAGES_PAGE &&
		RestWholePages(limit, offset);
}

/*
 * jsonapi_offset_without_limit
 *		page[offset] alone pages from there with the default limit.
 */
static bool
jsonapi_offset_without_limit(const RestTable *table)
{
	return table->pagination == REST_PAGES_LIMIT;
}

/*
 * jsonapi_names_page_size
 *		page[limit]=N or page[size]=N.
 */
static bool
jsonapi_names_page_size(const RestTable *table)
{
	return table->pagination == REST_PAGES_LIMIT ||
		table->pagination == REST_PAGES_PAGE;
}

/*
 * jsonapi_first_page_params
 *		page[offset]=K&page[limit]=M, or page[size]=M&page[number]=N.
 */
static int64
jsonapi_first_page_params(StringInfo url, const RestTable *table,
						  int64 limit, int64 offset)
{
	int64		size;

	if (table->pagination == REST_PAGES_LIMIT)
		return RestAppendFirstWindow(url, "page[limit]", "page[offset]",
									 RestPageRows(table, limit), offset);
	if (table->pagination != REST_PAGES_PAGE)
		return 0;

	/* numbered pages are asked whole: the scan checks their window */
	size = limit >= 0 ? limit : table->page_size;
	RestAppendFirstNumberedPage(url, "page[number]", "page[size]", size,
								offset);
	return size;
}

/*
 * jsonapi_nth_page_params
 *		page[offset] and page[limit], or page[size] and page[number].
 */
static void
jsonapi_nth_page_params(StringInfo url, const RestTable *table, int64 size,
						int64 offset, int64 n, int64 wanted)
{
	if (table->pagination == REST_PAGES_LIMIT)
		RestAppendNthWindow(url, "page[limit]", "page[offset]", size, offset,
							n, wanted);
	else
		RestAppendNthNumberedPage(url, "page[number]", "page[size]", size,
								  offset, n);
}

/*
 * jsonapi_count_params
 *		A page of one row.
 */
static void
jsonapi_count_params(StringInfo url, const RestTable *table)
{
	if (table->pagination == REST_PAGES_LIMIT)
		RestAppendParam(url, "page[limit]", "1");
	else if (table->pagination == REST_PAGES_PAGE)
		RestAppendParam(url, "page[size]", "1");
}

/*
 * jsonapi_can_prefetch
 *		When the pages are addressable (a service that cuts their size
 *		makes the scan fall back to its links).
 */
static bool
jsonapi_can_prefetch(const RestTable *table, int64 limit)
{
	return RestPagedTotal(table);
}

/*
 * jsonapi_request_headers
 *		Accept: application/vnd.api+json, and the same Content-Type for a
 *		body.
 */
static List *
jsonapi_request_headers(const RestTable *table, RestRequestPurpose purpose,
						int asks)
{
	List	   *headers = list_make1(pstrdup("Accept: " JSONAPI_MEDIA_TYPE));

	if (purpose == REST_REQUEST_INSERT || purpose == REST_REQUEST_UPDATE)
		headers = lappend(headers,
						  pstrdup("Content-Type: " JSONAPI_MEDIA_TYPE));
	return headers;
}

/*
 * table_type
 *		The resource type of the table: its option "type", else the last
 *		segment of its resource path.
 */
static char *
table_type(const RestTable *table)
{
	const char *path = table->resource;
	size_t		len = strlen(path);
	const char *start;

	if (RestTableOption(table, "type") != NULL)
		return pstrdup(RestTableOption(table, "type"));

	while (len > 0 && path[len - 1] == '/')
		len--;
	start = path + len;
	while (start > path && start[-1] != '/')
		start--;
	return pnstrdup(start, len - (start - path));
}

/*
 * append_json_string
 *		A text in the server encoding as a JSON string, in UTF-8.
 */
static void
append_json_string(StringInfo buf, const char *text)
{
	escape_json(buf, pg_server_to_any(text, strlen(text), PG_UTF8));
}

/*
 * append_relationship
 *		"name": {"data": {"type": T, "id": "<key>"}}, or {"data": null}: T
 *		the column's option "type", else "<name>s".
 */
static void
append_relationship(StringInfo buf, const RestColumn *col, const char *name,
					const char *key_text)
{
	const char *type = RestColumnOption(col, "type");

	append_json_string(buf, name);
	appendStringInfoString(buf, ":{\"data\":");
	if (key_text == NULL)
		appendStringInfoString(buf, "null");
	else
	{
		appendStringInfoString(buf, "{\"type\":");
		append_json_string(buf, type != NULL ? type : psprintf("%ss", name));
		appendStringInfoString(buf, ",\"id\":");
		append_json_string(buf, key_text);
		appendStringInfoChar(buf, '}');
	}
	appendStringInfoChar(buf, '}');
}

/*
 * jsonapi_write_body
 *		{"data": {"type": T, "id": "<key>", "attributes": {...},
 *		"relationships": {...}}}: the attributes as RestBuildBody writes
 *		them, the id and the resource linkages as strings.  An INSERT
 *		without a key leaves the id to the service; a PATCH always names
 *		the row's.
 */
static char *
jsonapi_write_body(RestTable *table, CmdType operation, TupleDesc tupdesc,
				   Datum *values, bool *isnull, bool *send,
				   const char *key_text, size_t *len)
{
	StringInfoData buf;
	bool	   *attr_send = palloc0(tupdesc->natts * sizeof(bool));
	bool		any_attr = false;
	bool		any_rel = false;
	char	   *attrs;
	size_t		attrs_len;
	int			i;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"data\":{\"type\":");
	append_json_string(&buf, table_type(table));

	/* a PATCH names the row it changes, which keeps its key */
	if (operation == CMD_UPDATE && key_text != NULL)
	{
		appendStringInfoString(&buf, ",\"id\":");
		append_json_string(&buf, key_text);
	}

	for (i = 0; i < tupdesc->natts; i++)
	{
		RestColumn *col = &table->columns[i];
		const char *name;
		JsonApiPlace place;

		if (!send[i] || col->dropped)
			continue;
		place = column_place(col, &name);
		if (place == JSONAPI_ID && operation == CMD_INSERT && !isnull[i])
		{
			appendStringInfoString(&buf, ",\"id\":");
			append_json_string(&buf,
							   RestDatumToUrlValue(values[i], col->typid));
		}
		else if (place == JSONAPI_ATTRIBUTE || place == JSONAPI_OTHER)
			attr_send[i] = any_attr = true;
		else if (place == JSONAPI_RELATIONSHIP)
			any_rel = true;
	}

	if (any_attr)
	{
		/* {"attributes":{...}} (and other pointers): its members go in */
		attrs = RestBuildBody(table, tupdesc, values, isnull, attr_send,
							  &attrs_len);
		if (attrs_len > 2)
		{
			appendStringInfoChar(&buf, ',');
			appendBinaryStringInfo(&buf, attrs + 1, attrs_len - 2);
		}
	}

	if (any_rel)
	{
		bool		first = true;

		appendStringInfoString(&buf, ",\"relationships\":{");
		for (i = 0; i < tupdesc->natts; i++)
		{
			RestColumn *col = &table->columns[i];
			const char *name;

			if (!send[i] || col->dropped ||
				column_place(col, &name) != JSONAPI_RELATIONSHIP)
				continue;
			if (!first)
				appendStringInfoChar(&buf, ',');
			first = false;
			append_relationship(&buf, col, name, isnull[i] ? NULL :
								RestDatumToUrlValue(values[i], col->typid));
		}
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoString(&buf, "}}");
	*len = buf.len;
	return buf.data;
}

/*
 * jsonapi_is_duplicate_refusal
 *		A 400 or 409 whose every error is a uniqueness validator's (code
 *		"unique"): the 400 djangorestframework-jsonapi answers to a
 *		client-generated id already held.  Its other 409s (a type or id
 *		that does not match) are errors.
 */
static bool
jsonapi_is_duplicate_refusal(const RestTable *table, RestResponse *resp)
{
	return (resp->status == 400 || resp->status == 409) &&
		RestErrorBodyHolds(resp, all_errors_unique);
}

/*
 * all_errors_unique
 *		Is a JSON:API error document's errors array not empty and made of
 *		errors with code "unique" only?
 */
static bool
all_errors_unique(json_t *root)
{
	json_t	   *errors = json_object_get(root, "errors");
	size_t		index;
	json_t	   *error;

	if (!json_is_array(errors) || json_array_size(errors) == 0)
		return false;
	json_array_foreach(errors, index, error)
	{
		const char *code = json_string_value(json_object_get(error, "code"));

		if (code == NULL || strcmp(code, "unique") != 0)
			return false;
	}
	return true;
}

/*
 * jsonapi_column_updatable
 *		An attribute or a relationship: a PATCH changes only the members it
 *		names.
 */
static bool
jsonapi_column_updatable(const RestTable *table, const RestColumn *col)
{
	const char *name;
	JsonApiPlace place = column_place(col, &name);

	return place == JSONAPI_ATTRIBUTE || place == JSONAPI_RELATIONSHIP;
}

/*
 * error_text
 *		Append one error of a JSON:API errors array as "pointer: detail"
 *		(the detail alone without a source pointer, the title without a
 *		detail).
 */
static void
error_text(StringInfo buf, json_t *error)
{
	const char *detail = json_string_value(json_object_get(error, "detail"));
	const char *pointer = json_string_value(
		json_object_get(json_object_get(error, "source"), "pointer"));

	if (detail == NULL)
		detail = json_string_value(json_object_get(error, "title"));
	if (detail == NULL)
		return;
	if (buf->len > 0)
		appendStringInfoString(buf, "; ");
	if (pointer != NULL && pointer[0] != '\0')
		appendStringInfo(buf, "%s: ", pointer);
	appendStringInfoString(buf, detail);
}

/*
 * jsonapi_error_detail
 *		The errors of a JSON:API error document, "pointer: detail; ...", or
 *		NULL for another body.
 */
static char *
jsonapi_error_detail(const RestTable *table, RestResponse *resp)
{
	json_t	   *volatile root;
	StringInfoData buf;

	if (resp->body == NULL || resp->body_len == 0)
		return NULL;
	root = json_loadb(resp->body, Min(resp->body_len, REST_DIALECT_PARSE_MAX),
					  0, NULL);
	if (root == NULL)
		return NULL;
	initStringInfo(&buf);
	PG_TRY();
	{
		size_t		index;
		json_t	   *error;

		json_array_foreach(json_object_get(root, "errors"), index, error)
			error_text(&buf, error);
	}
	PG_FINALLY();
	{
		json_decref(root);
	}
	PG_END_TRY();
	return buf.len > 0 ? buf.data : NULL;
}

/*
 * pointer_segment
 *		A member name as a segment of a JSON Pointer ("~" as "~0", "/" as
 *		"~1").
 */
static char *
pointer_segment(const char *name)
{
	StringInfoData buf;
	const char *c;

	initStringInfo(&buf);
	for (c = name; *c; c++)
	{
		if (*c == '~')
			appendStringInfoString(&buf, "~0");
		else if (*c == '/')
			appendStringInfoString(&buf, "~1");
		else
			appendStringInfoChar(&buf, *c);
	}
	return buf.data;
}

/*
 * find_property
 *		The property of this name of an object schema, or NULL.
 */
static RestImportProperty *
find_property(RestImport *imp, json_t *schema, const char *name)
{
	ListCell   *lc;

	foreach(lc, RestImportProperties(imp, schema))
	{
		RestImportProperty *prop = lfirst(lc);

		if (strcmp(prop->name, name) == 0)
			return prop;
	}
	return NULL;
}

/*
 * jsonapi_import_columns
 *		The columns of a resource object's schema: the id; each attribute,
 *		named like it (at its JSON Pointer if the name would read as the id
 *		or a relationship's); each to-one relationship (a "data" with an
 *		"id"), as <name>_id.  Filters name them by the attribute's and the
 *		relationship's name.  To-many relationships, links and meta are
 *		left out.
 */
static List *
jsonapi_import_columns(RestImport *imp, json_t *row_schema)
{
	RestImportProperty *id = find_property(imp, row_schema, "id");
	RestImportProperty *attrs = find_property(imp, row_schema, "attributes");
	RestImportProperty *rels = find_property(imp, row_schema,
											 "relationships");
	List	   *fields = NIL;
	ListCell   *lc;

	if (id != NULL)
		fields = lappend(fields, RestImportMakeField("id", "id", "id",
													 id->schema, true));
	foreach(lc, attrs ? RestImportProperties(imp, attrs->schema) : NIL)
	{
		RestImportProperty *attr = lfirst(lc);
		size_t		len = strlen(attr->name);
		bool		ambiguous = strcmp(attr->name, "id") == 0 ||
			(len > 3 && strcmp(attr->name + len - 3, "_id") == 0);

		fields = lappend(fields,
						 RestImportMakeField(attr->name,
											 ambiguous
											 ? psprintf("/attributes/%s",
														pointer_segment(attr->name))
											 : attr->name,
											 attr->name, attr->schema,
											 attr->required));
	}
	foreach(lc, rels ? RestImportProperties(imp, rels->schema) : NIL)
	{
		RestImportProperty *rel = lfirst(lc);
		RestImportProperty *data = find_property(imp, rel->schema, "data");
		RestImportProperty *rel_id = data != NULL
			? find_property(imp, data->schema, "id") : NULL;

		if (rel_id == NULL)
			continue;			/* to-many, or no linkage */
		fields = lappend(fields,
						 RestImportMakeField(psprintf("%s_id", rel->name),
											 psprintf("/relationships/%s/data/id",
													  pointer_segment(rel->name)),
											 rel->name, rel_id->schema,
											 false));
	}
	return fields;
}

/*
 * jsonapi_validate_option
 *		The options "type" of a table and of a relationship's column: a
 *		resource type, which JSON:API spells without white space or
 *		reserved characters.
 */
static void
jsonapi_validate_option(DefElem *def, Oid catalog)
{
	const char *value = defGetString(def);
	const char *c;

	for (c = value; *c; c++)
		if (isspace((unsigned char) *c) || strchr("\"\\/,[]{}()", *c) != NULL)
			break;
	if (value[0] == '\0' || *c != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, value),
				 errdetail("A JSON:API resource type is a name without white space, quotes, slashes, commas or brackets.")));
}

/* The options this dialect adds: resource types. */
static const RestDialectOption jsonapi_options[] = {
	{"type", ForeignTableRelationId},
	{"type", AttributeRelationId},
	{NULL, InvalidOid}
};

/* The page and sort parameters of the library's lists. */
static const RestImportParamNames jsonapi_params = {
	.page = "page[number]",
	.limit = "page[limit]",
	.offset = "page[offset]",
	.cursor = "page[cursor]",
	.ordering = "sort",
};

/* The members of a list document besides data, links and meta. */
static const char *const jsonapi_envelope[] = {"included", "jsonapi", NULL};

static const char *const jsonapi_rows[] = {"data", NULL};
static const char *const jsonapi_next[] = {"/links/next", NULL};
static const char *const jsonapi_total[] = {"/meta/pagination/count", NULL};

const RestDialectOps RestJsonApiDialect = {
	.name = "jsonapi",

	.resource_trailing_slash = true,
	.default_pagination = REST_PAGES_PAGE,
	.default_batch_size = 1,
	.default_filters = NULL,
	.default_ordering = NULL,
	.locate_column = jsonapi_locate_column,
	.options = jsonapi_options,
	.validate_option = jsonapi_validate_option,
	.import_query_options = true,
	.import_params = &jsonapi_params,
	.import_envelope_members = jsonapi_envelope,
	.import_columns = jsonapi_import_columns,

	.strict_filters = true,
	.filter_name = jsonapi_filter_name,
	.condition_params = jsonapi_condition_params,
	.tree_params = NULL,
	.param_conjunction = NULL,
	.repeat_is_and = NULL,
	.append_value = NULL,
	.value_writable = RestDjangoValueWritable,
	.param_written = NULL,
	.max_repeated_params = 0,

	.nulls_order = REST_NULLS_UNKNOWN,
	.sort_stable_without_key = RestUnpagedStable,
	.sort_params = jsonapi_sort_params,
	.projection_params = jsonapi_projection_params,

	.pages_fit_limit = jsonapi_pages_fit_limit,
	.offset_without_limit = jsonapi_offset_without_limit,
	.names_page_size = jsonapi_names_page_size,
	.first_page_params = jsonapi_first_page_params,
	.nth_page_params = jsonapi_nth_page_params,
	.count_params = jsonapi_count_params,
	.offset_by_page_number = RestNumberedPages,
	.pages_addressable = RestPagedTotal,
	.can_prefetch = jsonapi_can_prefetch,
	.names_every_next_page = true,
	.past_end_status = 0,
	.page = {
		.rows_members = jsonapi_rows,
		.next_paths = jsonapi_next,
		.total_paths = jsonapi_total,
		.object_member = "data",
	},
	.more_after_range = NULL,

	.reports_total = RestPagedTotal,
	.total_params = NULL,
	.total_text = RestReaderTotal,
	.total_description = "\"meta.pagination.count\" member",
	.count_rows_without_total = true,

	.request_headers = jsonapi_request_headers,
	.item_url = RestPathItemUrl,
	.write_body = jsonapi_write_body,
	.numbers = REST_NUMBERS_DECIMAL_STRINGS,
	.batch_insert = false,
	.can_change_key = false,
	.column_updatable = jsonapi_column_updatable,
	.delete_returns_row = false,
	.delete_all_url = NULL,
	.is_duplicate_refusal = jsonapi_is_duplicate_refusal,
	.error_detail = jsonapi_error_detail,
};
