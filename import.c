/*-------------------------------------------------------------------------
 *
 * import.c
 *		  IMPORT FOREIGN SCHEMA for rest_fdw: foreign tables from an OpenAPI
 *		  3.0 or 3.1 document.
 *
 *	IMPORT FOREIGN SCHEMA openapi FROM SERVER s INTO local
 *	  OPTIONS (spec_url 'schema/');
 *
 * reads the service's OpenAPI document (IMPORT option spec_url, relative to
 * the server's base_url or absolute; the document itself in option spec;
 * by default schema/ and then /openapi.json) and creates one foreign table
 * per collection: a path whose GET operation answers with a list of
 * objects, bare or in a results, data, items or value member (the one the
 * server's dialect reads rows from).
 *
 * For each collection:
 * - the columns are the properties of the row schema ($ref followed, allOf
 *   merged, the branches of a oneOf/anyOf united), or those the dialect
 *   makes of it (import_columns: JSON:API's attributes), typed from type
 *   and format (openapi.c); NOT NULL only for a property that is required and can
 *   never be null;
 * - the key is the parameter of the sibling item path (/books/{id}/, or
 *   the dialect's form: OData's /Books({ID}));
 * - updatable 'false' marks a collection whose path and item path have no
 *   POST, PUT, PATCH or DELETE operation;
 * - for a dialect whose services filter with django-filter (drf),
 *   filters, ordering, pagination and page_size_param declare what the
 *   list operation's query parameters say the service honours (paging
 *   and sorting named as the dialect names them), so that a scan sends
 *   only those.
 *
 * Paths are appended to the first server URL of the document at base_url's
 * origin (else the first one, else OpenAPI's default "/"), itself relative
 * to the document's URL; a collection outside base_url is skipped with a
 * NOTICE, as is one nested under a path parameter.
 *
 * Not mapped: YAML documents, Swagger 2.0, $refs to other documents,
 * webhooks and callbacks, discriminators (oneOf branches are united),
 * security schemes (credentials come from the user mapping), header and
 * cookie parameters, free-text search, and query parameters other than
 * django-filter's; arrays and objects are jsonb, never SQL arrays.
 *
 * Design assumptions:
 * - The document is downloaded like every other request (RestPerform), so
 *   timeouts, max_response_size, the allowed protocols and the redirect
 *   rules apply; the user mapping's credentials are sent only to the origin
 *   of base_url.
 * - Only JSON documents are read.  The jansson tree is released on every
 *   way out, error or not; everything else is palloc'd.
 * - The schemas are read by openapi.c (import_internal.h between the
 *   two): only local $refs, the walk bounded in depth and in the $refs it
 *   expands.
 * - Names depend on the document alone: the same document always gives the
 *   same tables, columns and options.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_foreign_table.h"
#include "commands/defrem.h"
#include "foreign/fdwapi.h"
#include "foreign/foreign.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"

/*
 * utils/builtins.h declares the SQL functions json_object() and
 * json_typeof(), which jansson also defines: hide PostgreSQL's.
 */
#define json_object pg_json_object
#define json_typeof pg_json_typeof
#include "utils/builtins.h"
#undef json_object
#undef json_typeof

#include <jansson.h>
#include <math.h>

#include "dialect.h"
#include "import_internal.h"

/* The one remote schema name: the service's OpenAPI document. */
#define REST_REMOTE_SCHEMA		"openapi"

/* A column of a generated table. */
typedef struct ImportColumn
{
	const char *field;			/* JSON member name, or JSON Pointer */
	const char *member;			/* its name in parameters and item paths */
	char	   *name;			/* SQL column name */
	SchemaType	type;
	bool		not_null;
} ImportColumn;

/* A collection found in the document. */
typedef struct Collection
{
	const char *path;			/* path template of the list operation */
	json_t	   *path_item;
	json_t	   *list_op;		/* its GET operation */
	json_t	   *row;			/* schema of one row */
	bool		bare_array;		/* rows come as a bare JSON array */
	char	   *resource;		/* path relative to base_url */
	char	   *name;			/* table name */
	json_t	   *item_path_item; /* the sibling item path, or NULL */
	char	   *item_param;		/* its path parameter */
} Collection;

/* Query parameters with a meaning of their own in DRF, never filters. */
static const char *const reserved_params[] = {
	"page", "page_size", "per_page", "limit", "offset", "cursor", "skip",
	"ordering", "search", "format", "fields", "expand", "omit", "distinct",
	"group_by", "aggregate", NULL
};

/* Query parameters naming the page size of page pagination. */
static const char *const page_size_params[] = {
	"page_size", "per_page", "size", NULL
};

/* django-filter lookups a filters option may declare. */
static const char *const filter_lookups[] = {
	"exact", "iexact", "lt", "lte", "gt", "gte", "in", "isnull",
	"startswith", "istartswith", "endswith", "iendswith", "contains",
	"icontains", NULL
};

/*
 * The other members a page envelope may have.  An object with any other
 * member is a row that happens to hold a list (an order and its "items"),
 * not a page.
 */
static const char *const envelope_extras[] = {
	"count", "next", "previous", "prev", "total", "total_count",
	"totalCount", "page", "pages", "page_size", "pageSize", "size",
	"per_page", "limit", "offset", "links", "_links", "meta", "cursor",
	"next_cursor", "nextCursor", "has_more", "hasMore", "next_page",
	"nextPage", "previous_page", "previousPage", "@odata.context",
	"@odata.count", "@odata.nextLink", NULL
};

/* The paging and sorting parameters of Django REST framework's lists. */
static const RestImportParamNames default_params = {
	.page = "page",
	.page_size = page_size_params,
	.limit = "limit",
	.offset = "offset",
	.cursor = "cursor",
	.ordering = "ordering",
};

static void read_import_options(ImportForeignSchemaStmt *stmt,
								const char **spec_url, const char **spec);
static void fetch_document(OpenApiDoc *doc, RestTable *table,
						   const char *spec_url);
static RestTable *without_credentials(RestTable *table);
static void check_spec_url(const char *url);
static json_t *parse_document(const char *buf, size_t len,
							  const char *content_type);
static bool looks_like_yaml(const char *text, const char *content_type);
static void check_version(OpenApiDoc *doc);
static char *choose_api_root(OpenApiDoc *doc);
static char *server_url(json_t *server);
static List *find_collections(OpenApiDoc *doc);
static json_t *list_row_schema(OpenApiDoc *doc, json_t *op, bool *bare_array,
							   bool *is_list);
static json_t *envelope_rows(OpenApiDoc *doc, json_t *schema);
static json_t *response_schema(OpenApiDoc *doc, json_t *op);
static char *path_resource(OpenApiDoc *doc, const char *path);
static void find_item_path(OpenApiDoc *doc, Collection *coll);
static char *default_item_param(const char *collection_path,
								const char *path);
static void skip_notice(OpenApiDoc *doc, const char *path,
						const char *detail);
static void name_collections(List *collections);
static char *last_segment(const char *path);
static char *make_identifier(const char *text);
static char *make_unique(char *name, List *used);
static char *build_command(OpenApiDoc *doc, Collection *coll,
						   const char *servername);
static List *row_columns(OpenApiDoc *doc, json_t *row);
static const RestImportParamNames *param_names(OpenApiDoc *doc);
static bool is_paging_param(OpenApiDoc *doc, const char *name);
static ImportColumn *find_field(List *columns, const char *field);
static ImportColumn *choose_key(Collection *coll, List *columns);
static bool collection_writable(Collection *coll);
static List *query_parameters(OpenApiDoc *doc, Collection *coll);
static json_t *find_parameter(List *params, const char *name);
static char *filters_option(OpenApiDoc *doc, List *params, List *columns,
							const char *page_size_param);
static char *ordering_option(json_t *param, List *columns);
static void add_ordering_field(StringInfo buf, List *columns,
							   const char *value);
static void append_declaration(StringInfo buf, const char *entry);
static char *capabilities_option(OpenApiDoc *doc, List *params,
								 List *columns);
static json_t *param_enum(json_t *param);
static bool enum_lists_columns(json_t *param, List *columns);
static bool enum_holds(json_t *values, const char *value);
static void pagination_options(OpenApiDoc *doc, Collection *coll,
							   List *params, const char **pagination,
							   const char **page_size_param);
static int64 max_page_size(OpenApiDoc *doc, List *params,
						   const char *pagination,
						   const char *page_size_param);
static bool in_list(const char *const *list, const char *value);
static void import_error_callback(void *arg);

/*
 * RestImportForeignSchema
 *		The ImportForeignSchema callback: CREATE FOREIGN TABLE commands for
 *		the collections of the server's OpenAPI document.
 */
List *
RestImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid)
{
	ForeignServer *server = GetForeignServer(serverOid);
	RestTable  *table;
	const char *spec_url = NULL;
	const char *spec = NULL;
	OpenApiDoc	doc;
	List	   *commands = NIL;
	ErrorContextCallback errcallback;

	if (strcmp(stmt->remote_schema, REST_REMOTE_SCHEMA) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
				 errmsg("schema \"%s\" is not available on foreign server \"%s\"",
						stmt->remote_schema, server->servername),
				 errhint("rest_fdw imports from the remote schema \"%s\", which stands for the service's OpenAPI document.",
						 REST_REMOTE_SCHEMA)));

	read_import_options(stmt, &spec_url, &spec);
	table = RestGetServerTable(serverOid, GetUserId());

	memset(&doc, 0, sizeof(doc));
	doc.stmt = stmt;
	doc.base_url = RestResolveUrl(table->base_url, table->base_url);
	doc.dialect = table->dialect;
	doc.query_options = table->dialect->import_query_options;

	errcallback.callback = import_error_callback;
	errcallback.arg = &doc;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	if (spec != NULL)
	{
		doc.doc_url = doc.base_url;
		doc.root = parse_document(spec, strlen(spec), NULL);
	}
	else
		fetch_document(&doc, table, spec_url);

	PG_TRY();
	{
		List	   *collections;
		ListCell   *lc;

		check_version(&doc);
		doc.api_root = choose_api_root(&doc);
		collections = find_collections(&doc);
		name_collections(collections);

		foreach(lc, collections)
		{
			Collection *coll = (Collection *) lfirst(lc);

			if (!IsImportableForeignTable(coll->name, stmt))
				continue;
			doc.path = coll->path;
			commands = lappend(commands,
							   build_command(&doc, coll, server->servername));
			doc.path = NULL;
		}
	}
	PG_FINALLY();
	{
		json_decref(doc.root);
	}
	PG_END_TRY();

	error_context_stack = errcallback.previous;

	return commands;
}

/*
 * read_import_options
 *		Check the options of IMPORT FOREIGN SCHEMA: spec_url or spec.
 */
static void
read_import_options(ImportForeignSchemaStmt *stmt, const char **spec_url,
					const char **spec)
{
	ListCell   *lc;

	foreach(lc, stmt->options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);
		const char **target;

		if (strcmp(def->defname, "spec_url") == 0)
			target = spec_url;
		else if (strcmp(def->defname, "spec") == 0)
			target = spec;
		else
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("invalid option \"%s\"", def->defname),
					 errhint("Valid options of IMPORT FOREIGN SCHEMA are: spec_url, spec.")));

		if (*target != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_SYNTAX_ERROR),
					 errmsg("option \"%s\" given more than once",
							def->defname)));
		*target = defGetString(def);
		if ((*target)[0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("option \"%s\" must not be empty", def->defname)));
	}

	if (*spec_url != NULL && *spec != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("options \"spec_url\" and \"spec\" cannot be used together")));
}

/*
 * fetch_document
 *		Download and parse the document: spec_url, or by default schema/
 *		(drf-spectacular's usual route) and then /openapi.json (FastAPI's).
 */
static void
fetch_document(OpenApiDoc *doc, RestTable *table, const char *spec_url)
{
	static const char *const defaults[] = {"schema/", "/openapi.json"};
	int			ncandidates = spec_url != NULL ? 1 : lengthof(defaults);
	RestConnection *conn = RestGetConnection(table);
	char	   *tried[lengthof(defaults)];
	int			i;

	for (i = 0; i < ncandidates; i++)
	{
		const char *ref = spec_url != NULL ? spec_url : defaults[i];
		char	   *url = RestResolveUrl(table->base_url, ref);
		RestTable  *req_table = table;
		RestRequest req = {0};
		RestResponse resp;

		check_spec_url(ref);
		check_spec_url(url);
		RestCheckUrlAllowed(table, url, "spec_url");
		if (!RestSameOrigin(url, doc->base_url))
			req_table = without_credentials(table);

		req.method = "GET";
		req.url = url;
		/* OpenAPI's own media type first: some services serve only it */
		req.extra_headers = list_make1("Accept: application/vnd.oai.openapi+json, application/json;q=0.9, */*;q=0.8");
		RestPerform(conn, req_table, &req, &resp, NULL);
		tried[i] = url;

		if (spec_url == NULL && resp.status == 404)
			continue;
		if (resp.status < 200 || resp.status > 299)
			RestReportResponseError(req_table, &req, &resp);

		doc->url = url;
		doc->doc_url = url;
		doc->root = parse_document(resp.body, resp.body_len,
								   resp.content_type);
		return;
	}

	ereport(ERROR,
			(errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
			 errmsg("could not find the OpenAPI document of the service"),
			 errdetail("Both %s and %s answered HTTP 404.", tried[0], tried[1]),
			 errhint("Give its URL in the IMPORT option \"spec_url\", or the document itself in the option \"spec\".")));
}

/*
 * without_credentials
 *		A copy of the table that sends no credentials, for another origin.
 */
static RestTable *
without_credentials(RestTable *table)
{
	RestTable  *copy = palloc(sizeof(RestTable));

	memcpy(copy, table, sizeof(RestTable));
	copy->bearer_token = NULL;
	copy->username = NULL;
	copy->password = NULL;
	copy->headers = NIL;
	copy->oauth_token_url = NULL;
	return copy;
}

/*
 * check_spec_url
 *		The document's URL, like base_url, must not carry credentials.
 */
static void
check_spec_url(const char *url)
{
	const char *authority = strstr(url, "://");
	size_t		len;

	if (authority == NULL)
		return;					/* RestResolveUrl returns http(s) URLs */
	authority += 3;
	len = strcspn(authority, "/?#");
	if (memchr(authority, '@', len) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("option \"spec_url\" must not contain credentials"),
				 errhint("Put credentials in the user mapping options \"username\" and \"password\" or \"bearer_token\".")));
}

/*
 * parse_document
 *		Parse the text of a document as JSON, with clear errors for YAML
 *		and HTML.
 */
static json_t *
parse_document(const char *buf, size_t len, const char *content_type)
{
	const char *p = buf;
	json_t	   *root;
	json_error_t error;

	/* a UTF-8 byte order mark, then white space */
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;

	if (*p != '{' && *p != '[')
	{
		if (looks_like_yaml(p, content_type))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("OpenAPI document is YAML, not JSON"),
					 errhint("Only JSON documents can be imported.  Ask the service for JSON: drf-spectacular serves it with ?format=json (spec_url 'schema/?format=json'), FastAPI at /openapi.json.")));
		if (*p == '<')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("OpenAPI document is not JSON"),
					 errdetail("The service answered with an HTML page."),
					 errhint("The URL may be that of the documentation page (Swagger UI, ReDoc), not of the document itself.")));
	}

	root = json_loadb(p, len - (p - buf), JSON_DECODE_INT_AS_REAL, &error);
	if (root == NULL)
	{
		char	   *c;

		/* jansson quotes the text near the error, maybe not even UTF-8 */
		for (c = error.text; *c; c++)
			if ((unsigned char) *c >= 0x80 || (unsigned char) *c < 0x20)
				*c = '?';
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("OpenAPI document is not valid JSON"),
				 errdetail("%s at line %d, column %d.",
						   error.text, error.line, error.column)));
	}
	if (!json_is_object(root))
	{
		json_decref(root);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("document is not an OpenAPI document"),
				 errdetail("The document is not a JSON object.")));
	}
	return root;
}

/*
 * looks_like_yaml
 *		Is this text, which does not start like JSON, a YAML document?
 */
static bool
looks_like_yaml(const char *text, const char *content_type)
{
	const char *p = text;

	/* drf-spectacular labels YAML application/vnd.oai.openapi */
	if (content_type != NULL &&
		(strstr(content_type, "yaml") != NULL ||
		 (pg_strncasecmp(content_type, "application/vnd.oai.openapi", 27) == 0 &&
		  strstr(content_type, "json") == NULL)))
		return true;
	if (strncmp(p, "---", 3) == 0 || strncmp(p, "%YAML", 5) == 0 || *p == '#')
		return true;
	/* a first line "key: value" or "key:" */
	while (isalnum((unsigned char) *p) || *p == '_' || *p == '-')
		p++;
	return p > text && *p == ':' &&
		(p[1] == ' ' || p[1] == '\n' || p[1] == '\r' || p[1] == '\0');
}

/*
 * check_version
 *		The document must be OpenAPI 3.x.
 */
static void
check_version(OpenApiDoc *doc)
{
	json_t	   *version = json_object_get(doc->root, "openapi");
	const char *text = json_string_value(version);
	json_t	   *paths = json_object_get(doc->root, "paths");

	if (version == NULL)
	{
		if (json_object_get(doc->root, "swagger") != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("Swagger 2.0 documents are not supported"),
					 errhint("Import an OpenAPI 3 document; convert a Swagger 2.0 document first, e.g. with swagger2openapi.")));
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("document is not an OpenAPI document"),
				 errdetail("It has no \"openapi\" member.")));
	}
	if (text == NULL || strncmp(text, "3.", 2) != 0 ||
		!isdigit((unsigned char) text[2]))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("OpenAPI version \"%s\" is not supported",
						text ? text : "(not a string)"),
				 errhint("rest_fdw imports OpenAPI 3.0 and 3.1 documents.")));
	if (paths != NULL && !json_is_object(paths))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("malformed OpenAPI document"),
				 errdetail("Member \"paths\" is not an object.")));
}

/*
 * choose_api_root
 *		The URL that paths are appended to: the first server at base_url's
 *		origin, else the first server, else "/" (OpenAPI's default), each
 *		relative to the document's URL; without a trailing slash.
 */
static char *
choose_api_root(OpenApiDoc *doc)
{
	json_t	   *servers = json_object_get(doc->root, "servers");
	char	   *first = NULL;
	char	   *chosen = NULL;
	size_t		i;
	size_t		len;

	for (i = 0; i < json_array_size(servers); i++)
	{
		char	   *url = server_url(json_array_get(servers, i));

		if (url == NULL)
			continue;
		url = RestResolveUrl(doc->doc_url, url);
		if (first == NULL)
			first = url;
		if (RestSameOrigin(url, doc->base_url))
		{
			chosen = url;
			break;
		}
	}
	if (chosen == NULL)
		chosen = first ? first : RestResolveUrl(doc->doc_url, "/");

	len = strlen(chosen);
	while (len > 0 && chosen[len - 1] == '/')
		chosen[--len] = '\0';
	return chosen;
}

/*
 * server_url
 *		A Server Object's url, its variables replaced by their defaults.
 */
static char *
server_url(json_t *server)
{
	const char *url = json_string_value(json_object_get(server, "url"));
	json_t	   *variables = json_object_get(server, "variables");
	StringInfoData buf;
	const char *p;

	if (url == NULL)
		return NULL;

	initStringInfo(&buf);
	for (p = url; *p; p++)
	{
		const char *close = (*p == '{') ? strchr(p, '}') : NULL;

		if (close != NULL)
		{
			char	   *name = pnstrdup(p + 1, close - p - 1);
			const char *value = json_string_value(
				json_object_get(json_object_get(variables, name), "default"));

			if (value != NULL)
			{
				appendStringInfoString(&buf, value);
				p = close;
				continue;
			}
		}
		appendStringInfoChar(&buf, *p);
	}
	return buf.data;
}

/*
 * find_collections
 *		The collections of the document, in document order.
 */
static List *
find_collections(OpenApiDoc *doc)
{
	json_t	   *paths = json_object_get(doc->root, "paths");
	const char *path;
	json_t	   *item;
	List	   *result = NIL;

	json_object_foreach(paths, path, item)
	{
		json_t	   *get;
		json_t	   *row;
		bool		bare_array = false;
		bool		is_list = false;
		char	   *resource;
		Collection *coll;

		doc->path = path;
		item = RestSchemaResolve(doc, item);
		get = json_object_get(item, "get");
		if (!json_is_object(get))
			continue;

		row = list_row_schema(doc, get, &bare_array, &is_list);
		if (!is_list)
			continue;
		if (row == NULL)
		{
			skip_notice(doc, path, "Its list items are not objects with properties.");
			continue;
		}
		if (strchr(path, '{') != NULL)
		{
			skip_notice(doc, path, "Collections under a path parameter cannot be imported.");
			continue;
		}
		resource = path_resource(doc, path);
		if (resource == NULL)
		{
			skip_notice(doc, path,
						psprintf("Its URL %s%s is not under the server's base_url %s.",
								 doc->api_root, path, doc->base_url));
			continue;
		}

		coll = palloc0(sizeof(Collection));
		coll->path = path;
		coll->path_item = item;
		coll->list_op = get;
		coll->row = row;
		coll->bare_array = bare_array;
		coll->resource = resource;
		find_item_path(doc, coll);
		result = lappend(result, coll);
	}
	doc->path = NULL;

	if (result == NIL)
		ereport(WARNING,
				(errmsg("OpenAPI document declares no collection"),
				 errdetail("A collection is a path whose GET operation answers with a JSON array of objects, bare or in a \"results\", \"data\", \"items\" or \"value\" member.")));
	return result;
}

/*
 * list_row_schema
 *		If the operation answers with a list, set *is_list and return the
 *		schema of its rows, or NULL if they are not objects with properties.
 */
static json_t *
list_row_schema(OpenApiDoc *doc, json_t *op, bool *bare_array, bool *is_list)
{
	json_t	   *schema = response_schema(doc, op);
	json_t	   *items;
	RowSchema	row = {0};

	*is_list = false;
	if (schema == NULL)
		return NULL;

	items = RestSchemaArrayItems(doc, schema);
	*bare_array = (items != NULL);
	if (items == NULL)
		items = envelope_rows(doc, schema);
	if (items == NULL)
		return NULL;

	*is_list = true;
	RestSchemaMergeRow(doc, items, &row);
	return row.props != NIL ? items : NULL;
}

/*
 * envelope_rows
 *		If the schema is a page envelope, the schema of its rows: the items
 *		of its results, data, items or value array.
 */
static json_t *
envelope_rows(OpenApiDoc *doc, json_t *schema)
{
	RowSchema	envelope = {0};
	RowProperty *rows = NULL;
	const char *const *member;
	ListCell   *lc;

	RestSchemaMergeRow(doc, schema, &envelope);
	for (member = doc->dialect->page.rows_members; *member && rows == NULL;
		 member++)
	{
		foreach(lc, envelope.props)
		{
			RowProperty *prop = (RowProperty *) lfirst(lc);

			if (strcmp(prop->name, *member) == 0)
				rows = prop;
		}
	}
	if (rows == NULL)
		return NULL;

	foreach(lc, envelope.props)
	{
		RowProperty *prop = (RowProperty *) lfirst(lc);

		if (prop != rows && !in_list(envelope_extras, prop->name) &&
			(doc->dialect->import_envelope_members == NULL ||
			 !in_list(doc->dialect->import_envelope_members, prop->name)))
			return NULL;
	}
	return RestSchemaArrayItems(doc, rows->schema);
}

/*
 * response_schema
 *		The JSON schema of an operation's successful response, or NULL.
 */
static json_t *
response_schema(OpenApiDoc *doc, json_t *op)
{
	json_t	   *responses = json_object_get(op, "responses");
	json_t	   *response = json_object_get(responses, "200");
	json_t	   *content;
	json_t	   *media = NULL;
	const char *key;
	json_t	   *value;

	if (response == NULL)
	{
		/* another 2xx status, or the 2XX range */
		json_object_foreach(responses, key, value)
		{
			if (key[0] == '2')
			{
				response = value;
				break;
			}
		}
	}
	if (response == NULL)
		return NULL;

	response = RestSchemaResolve(doc, response);
	content = json_object_get(response, "content");
	media = json_object_get(content, "application/json");
	if (media == NULL)
	{
		/* application/json with parameters, or a +json media type */
		json_object_foreach(content, key, value)
		{
			size_t		len = strcspn(key, "; ");

			if ((len == 16 && pg_strncasecmp(key, "application/json", 16) == 0) ||
				(len >= 5 && pg_strncasecmp(key + len - 5, "+json", 5) == 0))
			{
				media = value;
				break;
			}
		}
	}
	return json_object_get(media, "schema");
}

/*
 * path_resource
 *		The path of a collection relative to base_url, or NULL if it is not
 *		under base_url.
 */
static char *
path_resource(OpenApiDoc *doc, const char *path)
{
	char	   *url = psprintf("%s%s%s", doc->api_root,
							   path[0] == '/' ? "" : "/", path);
	size_t		len = strlen(doc->base_url);

	if (strncmp(url, doc->base_url, len) != 0 || url[len] == '\0')
		return NULL;
	return pstrdup(url + len);
}

/*
 * find_item_path
 *		Find the sibling item path of a collection, as /books/{id}/ is to
 *		/books/ (or as the dialect's items are), and its key parameter.
 */
static void
find_item_path(OpenApiDoc *doc, Collection *coll)
{
	json_t	   *paths = json_object_get(doc->root, "paths");
	const char *path;
	json_t	   *item;

	json_object_foreach(paths, path, item)
	{
		char	   *param = doc->dialect->import_item_param != NULL
			? doc->dialect->import_item_param(coll->path, path)
			: default_item_param(coll->path, path);

		if (param == NULL)
			continue;
		coll->item_path_item = RestSchemaResolve(doc, item);
		coll->item_param = param;
		return;
	}
}

/*
 * default_item_param
 *		The parameter of path if it is the collection's path followed by one
 *		path parameter (with or without a trailing slash), else NULL.
 */
static char *
default_item_param(const char *collection_path, const char *path)
{
	size_t		len = strlen(collection_path);
	const char *param;
	const char *close;

	while (len > 0 && collection_path[len - 1] == '/')
		len--;
	if (strncmp(path, collection_path, len) != 0 ||
		strncmp(path + len, "/{", 2) != 0)
		return NULL;
	param = path + len + 2;
	close = strchr(param, '}');
	if (close == NULL || close == param ||
		!(close[1] == '\0' || (close[1] == '/' && close[2] == '\0')) ||
		memchr(param, '/', close - param) != NULL)
		return NULL;
	return pnstrdup(param, close - param);
}

/*
 * skip_notice
 *		Say why a path that looks like a collection is not imported, unless
 *		LIMIT TO or EXCEPT leaves its table out anyway.
 */
static void
skip_notice(OpenApiDoc *doc, const char *path, const char *detail)
{
	if (!IsImportableForeignTable(make_identifier(last_segment(path)),
								  doc->stmt))
		return;
	ereport(NOTICE,
			(errmsg("skipping OpenAPI path \"%s\"", path),
			 errdetail_internal("%s", detail)));
}

/*
 * name_collections
 *		Table names: the last segment of each resource, or the whole
 *		resource where two last segments are alike; unique in any case.
 */
static void
name_collections(List *collections)
{
	List	   *used = NIL;
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, collections)
	{
		Collection *coll = (Collection *) lfirst(lc);

		coll->name = make_identifier(last_segment(coll->resource));
	}
	foreach(lc, collections)
	{
		Collection *coll = (Collection *) lfirst(lc);
		bool		clash = false;

		foreach(lc2, collections)
		{
			Collection *other = (Collection *) lfirst(lc2);

			if (other != coll &&
				strcmp(make_identifier(last_segment(other->resource)),
					   make_identifier(last_segment(coll->resource))) == 0)
				clash = true;
		}
		if (clash)
			coll->name = make_identifier(coll->resource);
		coll->name = make_unique(coll->name, used);
		used = lappend(used, coll->name);
	}
}

/*
 * last_segment
 *		The last segment of a path that is not a path parameter.
 */
static char *
last_segment(const char *path)
{
	char	   *copy = pstrdup(path);
	char	   *result = copy;
	char	   *seg;
	char	   *saveptr = NULL;

	for (seg = strtok_r(copy, "/", &saveptr); seg != NULL;
		 seg = strtok_r(NULL, "/", &saveptr))
	{
		if (seg[0] != '{')
			result = seg;
	}
	return result;
}

/*
 * make_identifier
 *		A lower-case SQL name for a JSON name or a path: camelCase becomes
 *		snake_case, runs of other characters one underscore; at most
 *		NAMEDATALEN - 1 bytes.  Never contains "__", which separates a
 *		column from a lookup in the filters option.
 */
static char *
make_identifier(const char *text)
{
	StringInfoData buf;
	const unsigned char *p;
	int			len;

	initStringInfo(&buf);
	for (p = (const unsigned char *) text; *p; p++)
	{
		if (isupper(*p) && *p < 0x80)
		{
			/* a word starts: fooBar, or the Bar of HTTPBar */
			if (p > (const unsigned char *) text &&
				((islower(p[-1]) || isdigit(p[-1])) ||
				 (isupper(p[-1]) && islower(p[1]))))
				appendStringInfoChar(&buf, '_');
			appendStringInfoChar(&buf, tolower(*p));
		}
		else if ((*p < 0x80 && isalnum(*p)) || *p >= 0x80)
			appendStringInfoChar(&buf, *p);
		else if (buf.len > 0 && buf.data[buf.len - 1] != '_')
			appendStringInfoChar(&buf, '_');
	}
	while (buf.len > 0 && buf.data[buf.len - 1] == '_')
		buf.data[--buf.len] = '\0';

	if (buf.len == 0)
		appendStringInfoString(&buf, "column");
	else if (isdigit((unsigned char) buf.data[0]))
	{
		char	   *name = psprintf("_%s", buf.data);

		resetStringInfo(&buf);
		appendStringInfoString(&buf, name);
	}

	len = pg_encoding_mbcliplen(PG_UTF8, buf.data, buf.len, NAMEDATALEN - 1);
	buf.data[len] = '\0';
	return buf.data;
}

/*
 * make_unique
 *		The name, or the name with _2, _3, ... if it is already used.
 */
static char *
make_unique(char *name, List *used)
{
	char	   *result = name;
	int			n = 1;

	for (;;)
	{
		ListCell   *lc;
		bool		taken = false;

		foreach(lc, used)
		{
			if (strcmp((char *) lfirst(lc), result) == 0)
				taken = true;
		}
		if (!taken)
			return result;

		n++;
		{
			char		suffix[16];
			int			len;

			snprintf(suffix, sizeof(suffix), "_%d", n);
			len = pg_encoding_mbcliplen(PG_UTF8, name, strlen(name),
										NAMEDATALEN - 1 - strlen(suffix));
			result = psprintf("%.*s%s", len, name, suffix);
		}
	}
}

/*
 * build_command
 *		The CREATE FOREIGN TABLE command of a collection.
 */
static char *
build_command(OpenApiDoc *doc, Collection *coll, const char *servername)
{
	List	   *columns = row_columns(doc, coll->row);
	ImportColumn *key = choose_key(coll, columns);
	StringInfoData buf;
	ListCell   *lc;
	char	   *command;

	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE FOREIGN TABLE %s (\n",
					 quote_identifier(coll->name));
	foreach(lc, columns)
	{
		ImportColumn *col = (ImportColumn *) lfirst(lc);

		appendStringInfo(&buf, "  %s %s",
						 quote_identifier(col->name), col->type.sqltype);
		if (strcmp(col->name, col->field) != 0)
			appendStringInfo(&buf, " OPTIONS (field %s)",
							 quote_literal_cstr(col->field));
		if (col->not_null)
			appendStringInfoString(&buf, " NOT NULL");
		appendStringInfoString(&buf, lnext(columns, lc) ? ",\n" : "\n");
	}
	appendStringInfo(&buf, ") SERVER %s\nOPTIONS (resource %s",
					 quote_identifier(servername),
					 quote_literal_cstr(coll->resource));
	if (key != NULL)
		appendStringInfo(&buf, ", key %s", quote_literal_cstr(key->name));
	if (!collection_writable(coll))
		appendStringInfoString(&buf, ", updatable 'false'");

	if (doc->query_options)
	{
		List	   *params = query_parameters(doc, coll);
		const char *pagination;
		const char *page_size_param;
		int64		max_size;
		char	   *filters;
		char	   *ordering;
		char	   *capabilities;

		pagination_options(doc, coll, params, &pagination, &page_size_param);
		filters = filters_option(doc, params, columns, page_size_param);
		ordering = param_names(doc)->ordering == NULL ? NULL :
			ordering_option(find_parameter(params, param_names(doc)->ordering),
							columns);
		if (filters != NULL)
			appendStringInfo(&buf, ", filters %s", quote_literal_cstr(filters));
		if (ordering != NULL)
			appendStringInfo(&buf, ", ordering %s",
							 quote_literal_cstr(ordering));
		if (pagination != NULL)
			appendStringInfo(&buf, ", pagination %s",
							 quote_literal_cstr(pagination));
		if (page_size_param != NULL)
			appendStringInfo(&buf, ", page_size_param %s",
							 quote_literal_cstr(page_size_param));
		max_size = max_page_size(doc, params, pagination, page_size_param);
		if (max_size > 0)
			appendStringInfo(&buf, ", max_page_size '" INT64_FORMAT "'",
							 max_size);
		capabilities = capabilities_option(doc, params, columns);
		if (capabilities != NULL)
			appendStringInfo(&buf, ", capabilities %s",
							 quote_literal_cstr(capabilities));
	}
	appendStringInfoString(&buf, ");");

	command = pg_any_to_server(buf.data, buf.len, PG_UTF8);
	elog(DEBUG1, "rest_fdw: %s", command);
	return command;
}

/*
 * row_columns
 *		The columns of a row schema: one per property, or those the dialect
 *		makes of it.
 */
static List *
row_columns(OpenApiDoc *doc, json_t *row_schema)
{
	List	   *fields = doc->dialect->import_columns != NULL
		? doc->dialect->import_columns(doc, row_schema)
		: RestImportPropertyFields(doc, row_schema);
	List	   *columns = NIL;
	List	   *used = NIL;
	ListCell   *lc;

	foreach(lc, fields)
	{
		RestImportField *field = (RestImportField *) lfirst(lc);
		ImportColumn *col = palloc0(sizeof(ImportColumn));

		col->field = field->field;
		col->member = field->member != NULL ? field->member : field->field;
		RestSchemaType(doc, field->schema, &col->type);
		if (field->sqltype != NULL)
			col->type.sqltype = field->sqltype;
		col->not_null = field->required && !col->type.nullable &&
			!col->type.write_only;
		col->name = make_unique(make_identifier(field->name), used);
		used = lappend(used, col->name);
		columns = lappend(columns, col);
	}
	return columns;
}

/*
 * find_field
 *		The column of a JSON member (as parameters and item paths name it),
 *		or NULL.
 */
static ImportColumn *
find_field(List *columns, const char *member)
{
	ListCell   *lc;

	foreach(lc, columns)
	{
		ImportColumn *col = (ImportColumn *) lfirst(lc);

		if (strcmp(col->member, member) == 0)
			return col;
	}
	return NULL;
}

/*
 * choose_key
 *		The key column: the property named like the item path's parameter,
 *		else "id", else the one read-only property.  NULL without an item
 *		path, as there is no URL to address one row.
 */
static ImportColumn *
choose_key(Collection *coll, List *columns)
{
	ImportColumn *key;
	ImportColumn *read_only = NULL;
	int			nread_only = 0;
	ListCell   *lc;

	if (coll->item_param == NULL)
		return NULL;
	if ((key = find_field(columns, coll->item_param)) != NULL)
		return key;
	if ((key = find_field(columns, "id")) != NULL)
		return key;

	foreach(lc, columns)
	{
		ImportColumn *col = (ImportColumn *) lfirst(lc);

		if (col->type.read_only)
		{
			read_only = col;
			nread_only++;
		}
	}
	return nread_only == 1 ? read_only : NULL;
}

/*
 * collection_writable
 *		Does the service take any write on the collection or its items?
 */
static bool
collection_writable(Collection *coll)
{
	return json_object_get(coll->path_item, "post") != NULL ||
		json_object_get(coll->item_path_item, "put") != NULL ||
		json_object_get(coll->item_path_item, "patch") != NULL ||
		json_object_get(coll->item_path_item, "delete") != NULL;
}

/*
 * query_parameters
 *		The query parameters of the list operation: the path item's, then
 *		the operation's, which override them.
 */
static List *
query_parameters(OpenApiDoc *doc, Collection *coll)
{
	json_t	   *lists[2];
	List	   *result = NIL;
	int			l;

	lists[0] = json_object_get(coll->path_item, "parameters");
	lists[1] = json_object_get(coll->list_op, "parameters");

	for (l = 0; l < 2; l++)
	{
		size_t		i;

		for (i = 0; i < json_array_size(lists[l]); i++)
		{
			json_t	   *param = RestSchemaResolve(doc, json_array_get(lists[l], i));
			const char *in = json_string_value(json_object_get(param, "in"));
			const char *name = json_string_value(json_object_get(param, "name"));
			json_t	   *known;

			if (in == NULL || name == NULL || strcmp(in, "query") != 0)
				continue;
			known = find_parameter(result, name);
			if (known != NULL)
				result = list_delete_ptr(result, known);
			result = lappend(result, param);
		}
	}
	return result;
}

/*
 * find_parameter
 *		The parameter of this name, or NULL.
 */
static json_t *
find_parameter(List *params, const char *name)
{
	ListCell   *lc;

	foreach(lc, params)
	{
		json_t	   *param = (json_t *) lfirst(lc);

		if (strcmp(json_string_value(json_object_get(param, "name")), name) == 0)
			return param;
	}
	return NULL;
}

/*
 * filters_option
 *		The filters option: each query parameter "field" or "field__lookup"
 *		(django-filter) whose field is a column, as "column[__lookup]".
 */
static char *
filters_option(OpenApiDoc *doc, List *params, List *columns,
			   const char *page_size_param)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, params)
	{
		const char *name = json_string_value(json_object_get(lfirst(lc), "name"));
		const char *sep = strstr(name, "__");
		char	   *field = sep ? pnstrdup(name, sep - name) : pstrdup(name);
		const char *lookup = sep ? sep + 2 : NULL;
		ImportColumn *col;

		if (in_list(reserved_params, name) || is_paging_param(doc, name) ||
			(page_size_param != NULL && strcmp(name, page_size_param) == 0) ||
			(lookup != NULL && !in_list(filter_lookups, lookup)) ||
			(col = find_field(columns, field)) == NULL)
			continue;

		if (lookup == NULL || strcmp(lookup, "exact") == 0)
			append_declaration(&buf, col->name);
		else
			append_declaration(&buf, psprintf("%s__%s", col->name, lookup));
	}
	return buf.len > 0 ? buf.data : NULL;
}

/*
 * capabilities_option
 *		The option capabilities, where the dialect has it: "fields" for a
 *		fields parameter, "distinct" for a distinct parameter, "group_count"
 *		for a group_by parameter with an aggregate parameter offering
 *		count, each whose enum lists every column's member (the protocol of
 *		django-rest-fdw's kit); NULL if none.
 */
static char *
capabilities_option(OpenApiDoc *doc, List *params, List *columns)
{
	StringInfoData buf;

	if (!RestDialectDeclares(doc->dialect, "capabilities",
							 ForeignTableRelationId))
		return NULL;
	initStringInfo(&buf);
	if (enum_lists_columns(find_parameter(params, "fields"), columns))
		append_declaration(&buf, "fields");
	if (enum_lists_columns(find_parameter(params, "distinct"), columns))
		append_declaration(&buf, "distinct");
	if (enum_lists_columns(find_parameter(params, "group_by"), columns) &&
		enum_holds(param_enum(find_parameter(params, "aggregate")), "count"))
		append_declaration(&buf, "group_count");
	return buf.len > 0 ? buf.data : NULL;
}

/*
 * param_enum
 *		The enum of a parameter's schema, or of its items' (an array), or
 *		NULL.
 */
static json_t *
param_enum(json_t *param)
{
	json_t	   *schema = json_object_get(param, "schema");
	json_t	   *values = json_object_get(schema, "enum");

	if (values == NULL)
		values = json_object_get(json_object_get(schema, "items"), "enum");
	return json_is_array(values) ? values : NULL;
}

/*
 * enum_lists_columns
 *		Does the parameter's enum list the member of every column?
 */
static bool
enum_lists_columns(json_t *param, List *columns)
{
	json_t	   *values = param_enum(param);
	ListCell   *lc;

	if (values == NULL || columns == NIL)
		return false;
	foreach(lc, columns)
	{
		ImportColumn *col = lfirst(lc);

		if (!enum_holds(values, col->member ? col->member : col->field))
			return false;
	}
	return true;
}

/*
 * enum_holds
 *		Does the enum hold this string?
 */
static bool
enum_holds(json_t *values, const char *value)
{
	size_t		i;

	for (i = 0; i < json_array_size(values); i++)
	{
		const char *v = json_string_value(json_array_get(values, i));

		if (v != NULL && strcmp(v, value) == 0)
			return true;
	}
	return false;
}

/*
 * ordering_option
 *		The ordering option: the fields the ordering parameter's enum lists
 *		("-price" or "price"), else those its description quotes in
 *		backquotes; NULL if neither names a column.
 */
static char *
ordering_option(json_t *param, List *columns)
{
	json_t	   *schema = json_object_get(param, "schema");
	json_t	   *values = json_object_get(schema, "enum");
	const char *description;
	StringInfoData buf;
	size_t		i;

	if (param == NULL)
		return NULL;

	initStringInfo(&buf);
	if (values == NULL)
		values = json_object_get(json_object_get(schema, "items"), "enum");
	for (i = 0; i < json_array_size(values); i++)
	{
		const char *value = json_string_value(json_array_get(values, i));

		if (value != NULL)
			add_ordering_field(&buf, columns, value);
	}

	description = json_string_value(json_object_get(param, "description"));
	if (buf.len == 0 && description != NULL)
	{
		const char *p = description;
		const char *close;

		while ((p = strchr(p, '`')) != NULL &&
			   (close = strchr(p + 1, '`')) != NULL)
		{
			add_ordering_field(&buf, columns, pnstrdup(p + 1, close - p - 1));
			p = close + 1;
		}
	}
	return buf.len > 0 ? buf.data : NULL;
}

/*
 * add_ordering_field
 *		Add the column of an ordering value ("price", "-price"), if any.
 */
static void
add_ordering_field(StringInfo buf, List *columns, const char *value)
{
	ImportColumn *col = find_field(columns, value[0] == '-' ? value + 1 : value);

	if (col != NULL)
		append_declaration(buf, col->name);
}

/*
 * append_declaration
 *		Append an entry to a comma list, unless it is there already.
 */
static void
append_declaration(StringInfo buf, const char *entry)
{
	size_t		len = strlen(entry);
	const char *p = buf->data;

	while (p != NULL && *p)
	{
		const char *end = strchr(p, ',');

		if (end == NULL)
			end = p + strlen(p);

		if ((size_t) (end - p) == len && strncmp(p, entry, len) == 0)
			return;
		p = *end ? end + 1 : NULL;
	}
	if (buf->len > 0)
		appendStringInfoChar(buf, ',');
	appendStringInfoString(buf, entry);
}

/*
 * pagination_options
 *		The pagination style the list operation's parameters reveal, and
 *		the page size parameter of page pagination.
 */
static void
pagination_options(OpenApiDoc *doc, Collection *coll, List *params,
				   const char **pagination, const char **page_size_param)
{
	const RestImportParamNames *names = param_names(doc);
	const char *const *name;

	*pagination = NULL;
	*page_size_param = NULL;

	if (names->cursor != NULL && find_parameter(params, names->cursor) != NULL)
		*pagination = "cursor";
	else if (names->page != NULL && find_parameter(params, names->page) != NULL)
	{
		*pagination = "page";
		for (name = names->page_size; name != NULL && *name; name++)
		{
			if (find_parameter(params, *name) != NULL)
			{
				*page_size_param = *name;
				break;
			}
		}
	}
	else if (names->limit != NULL && names->offset != NULL &&
			 find_parameter(params, names->limit) != NULL &&
			 find_parameter(params, names->offset) != NULL)
		*pagination = "limit";
	else if (coll->bare_array)
	{
		*pagination = "none";
		if (find_parameter(params, "limit") != NULL ||
			find_parameter(params, "skip") != NULL ||
			find_parameter(params, "offset") != NULL)
			ereport(NOTICE,
					(errmsg("foreign table \"%s\" reads only the first page of its collection",
							coll->name),
					 errdetail("The list operation of path \"%s\" answers with a bare array and pages with parameters rest_fdw cannot use.",
							   coll->path)));
	}
}

/*
 * max_page_size
 *		The largest page the service serves: the "maximum" of the schema of
 *		the parameter naming the page size (limit, or the page size
 *		parameter), when it is a positive integer rest_fdw can ask; else 0.
 */
static int64
max_page_size(OpenApiDoc *doc, List *params, const char *pagination,
			  const char *page_size_param)
{
	const char *name = NULL;
	json_t	   *maximum;

	if (pagination != NULL && strcmp(pagination, "limit") == 0)
		name = param_names(doc)->limit;
	else if (pagination != NULL && strcmp(pagination, "page") == 0)
		name = page_size_param;
	if (name == NULL)
		return 0;
	maximum = json_object_get(json_object_get(find_parameter(params, name),
											  "schema"),
							  "maximum");
	/* numbers are read as doubles (JSON_DECODE_INT_AS_REAL) */
	if (!json_is_number(maximum) || json_number_value(maximum) < 1 ||
		json_number_value(maximum) > REST_MAX_PAGE_SIZE ||
		json_number_value(maximum) != floor(json_number_value(maximum)))
		return 0;
	return (int64) json_number_value(maximum);
}

/*
 * param_names
 *		The names of the paging and sorting parameters of the dialect's
 *		lists.
 */
static const RestImportParamNames *
param_names(OpenApiDoc *doc)
{
	return doc->dialect->import_params != NULL
		? doc->dialect->import_params : &default_params;
}

/*
 * is_paging_param
 *		Is a query parameter the dialect's page, window, cursor or sort,
 *		never a filter?
 */
static bool
is_paging_param(OpenApiDoc *doc, const char *name)
{
	const RestImportParamNames *names = param_names(doc);
	const char *const single[] = {names->page, names->limit, names->offset,
	names->cursor, names->ordering};
	size_t		i;

	for (i = 0; i < lengthof(single); i++)
		if (single[i] != NULL && strcmp(single[i], name) == 0)
			return true;
	return false;
}

/*
 * in_list
 *		Is the string one of a NULL-terminated list?
 */
static bool
in_list(const char *const *list, const char *value)
{
	for (; *list; list++)
		if (strcmp(*list, value) == 0)
			return true;
	return false;
}

/*
 * import_error_callback
 *		Error context: the document, and the path being imported.
 */
static void
import_error_callback(void *arg)
{
	OpenApiDoc *doc = (OpenApiDoc *) arg;

	if (doc->url == NULL && doc->doc_url == NULL)
		return;					/* still downloading */
	if (doc->path != NULL)
		errcontext("OpenAPI document %s, path \"%s\"",
				   doc->url ? doc->url : "given inline", doc->path);
	else
		errcontext("OpenAPI document %s",
				   doc->url ? doc->url : "given inline");
}
