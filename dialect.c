/*-------------------------------------------------------------------------
 *
 * dialect.c
 *		  The registry of dialects, and conventions several of them share.
 *
 * A dialect is registered by adding its RestDialectOps to the list below
 * (and its extern to dialect.h); the server option "dialect" accepts the
 * names listed here, in this order.  The helpers after it are written once
 * for the dialects whose services follow the same convention: envelope
 * member names, item paths, joined member paths, page sizes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <jansson.h>

#include "commands/defrem.h"
#include "lib/stringinfo.h"

#include "dialect.h"

/* Every dialect, by the name the option "dialect" gives. */
static const RestDialectOps *const dialects[] = {
	&RestDrfDialect,
	&RestPostgrestDialect,
	&RestJsonServerDialect,
	&RestJsonApiDialect,
	&RestOdataDialect,
	NULL
};

/* Envelope members that hold a page's rows, as the services name them. */
const char *const RestEnvelopeRows[] = {
	"results", "data", "items", "value", NULL
};

/* Envelope members that hold the next page's URL. */
const char *const RestEnvelopeNext[] = {
	"/next", "/@odata.nextLink", NULL
};

/*
 * RestFindDialect
 *		The dialect of this name, or NULL.
 */
const RestDialectOps *
RestFindDialect(const char *name)
{
	int			i;

	for (i = 0; dialects[i] != NULL; i++)
		if (strcmp(dialects[i]->name, name) == 0)
			return dialects[i];
	return NULL;
}

/*
 * RestDialectNames
 *		The names of the dialects, "drf, postgrest, ...", for messages.
 */
char *
RestDialectNames(void)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; dialects[i] != NULL; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", dialects[i]->name);
	return buf.data;
}

/*
 * RestDialectDeclares
 *		Does the dialect add an option of this name to this catalog?
 */
bool
RestDialectDeclares(const RestDialectOps *dialect, const char *name,
					Oid catalog)
{
	const RestDialectOption *opt;

	if (dialect->options == NULL)
		return false;
	for (opt = dialect->options; opt->name != NULL; opt++)
		if (opt->catalog == catalog && strcmp(opt->name, name) == 0)
			return true;
	return false;
}

/*
 * RestDialectDeclaring
 *		The first dialect adding an option of this name to this catalog, or
 *		NULL.
 */
const RestDialectOps *
RestDialectDeclaring(const char *name, Oid catalog)
{
	int			i;

	for (i = 0; dialects[i] != NULL; i++)
		if (RestDialectDeclares(dialects[i], name, catalog))
			return dialects[i];
	return NULL;
}

/*
 * RestAppendDialectOptionNames
 *		Append ", name" for each option a dialect adds to this catalog
 *		(each name once), for the hint listing the valid options.
 */
void
RestAppendDialectOptionNames(StringInfo buf, Oid catalog)
{
	int			i;

	for (i = 0; dialects[i] != NULL; i++)
	{
		const RestDialectOption *opt;

		if (dialects[i]->options == NULL)
			continue;
		for (opt = dialects[i]->options; opt->name != NULL; opt++)
		{
			if (opt->catalog != catalog ||
				RestDialectDeclaring(opt->name, catalog) != dialects[i])
				continue;
			if (buf->len > 0)
				appendStringInfoString(buf, ", ");
			appendStringInfoString(buf, opt->name);
		}
	}
}

/*
 * RestValidateDialectOption
 *		Check the value of an option the dialect adds: by its validator, or
 *		else as any text but the empty one.
 */
void
RestValidateDialectOption(const RestDialectOps *dialect, DefElem *def,
						  Oid catalog)
{
	if (dialect->validate_option != NULL)
		dialect->validate_option(def, catalog);
	else if (defGetString(def)[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("option \"%s\" must not be empty", def->defname)));
}

/*
 * option_value
 *		The value of the last option of this name in a list of DefElems, or
 *		NULL.
 */
static const char *
option_value(List *options, const char *name)
{
	const char *value = NULL;
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, name) == 0)
			value = defGetString(def);
	}
	return value;
}

/*
 * RestTableOption
 *		The value of an option of the dialect given to the table, else to
 *		its server; NULL if neither has it.
 */
const char *
RestTableOption(const RestTable *table, const char *name)
{
	return option_value(table->dialect_options, name);
}

/*
 * RestColumnOption
 *		The value of an option of the dialect given to the column, or NULL.
 */
const char *
RestColumnOption(const RestColumn *col, const char *name)
{
	return option_value(col->dialect_options, name);
}

/*
 * RestIsDuplicateRefusal
 *		Did the service refuse to create a row only because it duplicates
 *		a row the service holds, which is what INSERT ... ON CONFLICT DO
 *		NOTHING skips?  Only answers that say so unmistakably count; which
 *		those are, the dialect knows.
 */
bool
RestIsDuplicateRefusal(RestTable *table, RestResponse *resp)
{
	return table->dialect->is_duplicate_refusal(table, resp);
}

/*
 * RestDialectErrorDetail
 *		The dialect's DETAIL of an error response, or NULL.
 */
char *
RestDialectErrorDetail(RestTable *table, RestResponse *resp)
{
	if (table->dialect->error_detail == NULL)
		return NULL;
	return table->dialect->error_detail(table, resp);
}

/*
 * RestRequestHeaders
 *		The extra headers the dialect adds to a request for this purpose.
 */
List *
RestRequestHeaders(const RestTable *table, RestRequestPurpose purpose,
				   int asks)
{
	if (table->dialect->request_headers == NULL)
		return NIL;
	return table->dialect->request_headers(table, purpose, asks);
}

/*
 * RestWriteBody
 *		The body of a POST (CMD_INSERT) or PATCH (CMD_UPDATE) of the columns
 *		send says (of the row whose key is key_text, for a PATCH), as the
 *		dialect writes it: by default RestBuildBody's object of the
 *		columns' members.
 */
char *
RestWriteBody(RestTable *table, CmdType operation, TupleDesc tupdesc,
			  Datum *values, bool *isnull, bool *send, const char *key_text,
			  size_t *len)
{
	if (table->dialect->write_body != NULL)
		return table->dialect->write_body(table, operation, tupdesc, values,
										  isnull, send, key_text, len);
	return RestBuildBody(table, tupdesc, values, isnull, send, len);
}

/*
 * RestColumnUpdatable
 *		May an UPDATE send a new value of this column?  A top-level member
 *		always; one nested in another member where the dialect's PATCH
 *		changes only the members it names.
 */
bool
RestColumnUpdatable(const RestTable *table, const RestColumn *col)
{
	if (col->npointer <= 1)
		return true;
	return table->dialect->column_updatable != NULL &&
		table->dialect->column_updatable(table, col);
}

/*
 * RestPathItemUrl
 *		The URL of a row as a path segment after the collection's, with a
 *		trailing slash where the collection's URL has one (Django REST
 *		framework, json-server); with a NULL text, a placeholder naming the
 *		key column.
 */
char *
RestPathItemUrl(const RestTable *table, const char *key_text)
{
	StringInfoData buf;
	const char *url = table->collection_url;
	size_t		len = strlen(url);
	bool		trailing_slash = len > 0 && url[len - 1] == '/';

	initStringInfo(&buf);
	appendStringInfoString(&buf, url);
	if (!trailing_slash)
		appendStringInfoChar(&buf, '/');
	if (key_text != NULL)
		RestAppendEncoded(&buf, key_text);
	else
		appendStringInfo(&buf, "{%s}",
						 table->columns[table->key_index].attname);
	if (trailing_slash)
		appendStringInfoChar(&buf, '/');
	return buf.data;
}

/*
 * RestJoinedName
 *		A column's member name, or the segments of its JSON Pointer joined
 *		by separator; NULL if part_fits refuses a part.
 */
char *
RestJoinedName(const RestColumn *col, const char *separator,
			   bool (*part_fits) (const char *part))
{
	StringInfoData buf;
	int			nparts = col->field != NULL ? 1 : col->npointer;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < nparts; i++)
	{
		const char *part = col->field != NULL ? col->field : col->pointer[i];

		if (!part_fits(part))
			return NULL;
		if (i > 0)
			appendStringInfoString(&buf, separator);
		appendStringInfoString(&buf, part);
	}
	return buf.data;
}

/*
 * RestPageRows
 *		Rows to ask for in one page: the LIMIT, at most the table's page
 *		size, else the table's page size (0: the service's).
 */
int64
RestPageRows(const RestTable *table, int64 limit)
{
	int64		size = limit >= 0 ? limit : table->page_size;

	if (size > 0 && table->page_size > 0 && limit >= 0)
		size = Min(size, table->page_size);
	return size;
}

/*
 * RestAlways
 *		A capability a dialect has for every table.
 */
bool
RestAlways(const RestTable *table)
{
	return true;
}

/*
 * RestNever
 *		A capability a dialect lacks for every table.
 */
bool
RestNever(const RestTable *table)
{
	return false;
}

/*
 * RestAnyWindow
 *		pages_fit_limit of a service whose pages start at any row and hold
 *		any number of rows (limit and offset).
 */
bool
RestAnyWindow(const RestTable *table, int64 limit, int64 offset)
{
	return true;
}

/*
 * RestAppendIntParam
 *		Append name=value for an integer value.
 */
void
RestAppendIntParam(StringInfo url, const char *name, int64 value)
{
	char		num[32];

	snprintf(num, sizeof(num), INT64_FORMAT, value);
	RestAppendParam(url, name, num);
}

/*
 * RestAppendFirstWindow
 *		Append the parameters of the first page of a service paging by a
 *		row count and a first row (limit and offset, $top and $skip): size
 *		rows (none said if 0) from offset.  Returns the rows asked, or 0.
 */
int64
RestAppendFirstWindow(StringInfo url, const char *limit_name,
					  const char *offset_name, int64 size, int64 offset)
{
	if (size > 0)
		RestAppendIntParam(url, limit_name, size);
	if (offset > 0)
		RestAppendIntParam(url, offset_name, offset);
	return size > 0 ? size : 0;
}

/*
 * RestAppendNthWindow
 *		Append the parameters of page n (from 0) of such a service, the
 *		collection read size rows at a time from row offset, at most wanted
 *		rows in all (-1: no bound).
 */
void
RestAppendNthWindow(StringInfo url, const char *limit_name,
					const char *offset_name, int64 size, int64 offset,
					int64 n, int64 wanted)
{
	RestAppendIntParam(url, limit_name,
					   wanted >= 0 ? Min(size, wanted - n * size) : size);
	RestAppendIntParam(url, offset_name, offset + n * size);
}

/*
 * RestAppendFirstNumberedPage
 *		Append the parameters of the first page of a service numbering its
 *		pages from 1: pages of size rows, named by size_name (nothing said
 *		when NULL or size is 0), the one holding row offset.
 */
void
RestAppendFirstNumberedPage(StringInfo url, const char *page_name,
							const char *size_name, int64 size, int64 offset)
{
	if (size_name == NULL || size <= 0)
		return;
	RestAppendIntParam(url, size_name, size);
	if (offset > 0)
		RestAppendIntParam(url, page_name, offset / size + 1);
}

/*
 * RestAppendNthNumberedPage
 *		Append the parameters of page n (from 0) of such a service read size
 *		rows at a time from row offset (a multiple of size); the size is
 *		said when size_name is not NULL.
 */
void
RestAppendNthNumberedPage(StringInfo url, const char *page_name,
						  const char *size_name, int64 size, int64 offset,
						  int64 n)
{
	if (size_name != NULL)
		RestAppendIntParam(url, size_name, size);
	RestAppendIntParam(url, page_name, offset / size + n + 1);
}

/*
 * RestReaderTotal
 *		total_text of a service saying the total in the body (the member of
 *		page.total_paths the reader found): its text if it is a number.
 */
const char *
RestReaderTotal(const RestTable *table, RestResponse *resp,
				RestPageReader *reader)
{
	if (reader->count.kind == REST_JSON_NUMBER)
		return RestJsonValueText(&reader->count);
	return NULL;
}

/*
 * error_body
 *		The body of an error response parsed as JSON (its first
 *		REST_DIALECT_PARSE_MAX bytes), or NULL; the caller frees it.
 */
static json_t *
error_body(RestResponse *resp)
{
	if (resp->body == NULL || resp->body_len == 0)
		return NULL;
	return json_loadb(resp->body, Min(resp->body_len, REST_DIALECT_PARSE_MAX),
					  0, NULL);
}

/*
 * RestErrorBodyHolds
 *		Does the body of an error response parse as JSON (error_body) and
 *		pass the test?  For is_duplicate_refusal; the test must not raise
 *		an error.
 */
bool
RestErrorBodyHolds(RestResponse *resp, bool (*test) (json_t *root))
{
	json_t	   *root = error_body(resp);
	bool		result;

	if (root == NULL)
		return false;
	result = test(root);
	json_decref(root);
	return result;
}

/*
 * RestErrorCodeIn
 *		Is the string at a JSON Pointer of an error body ("/code",
 *		"/error/code") one of the codes (a NULL-ended list)?
 */
bool
RestErrorCodeIn(RestResponse *resp, const char *pointer,
				const char *const *codes)
{
	json_t	   *root = error_body(resp);
	json_t	   *node;
	const char *code;
	bool		result = false;

	if (root == NULL)
		return false;
	node = root;
	while (node != NULL && *pointer == '/')
	{
		const char *end = strchr(pointer + 1, '/');
		size_t		len = end ? (size_t) (end - pointer - 1) : strlen(pointer + 1);

		node = json_object_get(node, pnstrdup(pointer + 1, len));
		pointer += len + 1;
	}
	code = json_string_value(node);
	for (; code != NULL && *codes != NULL && !result; codes++)
		result = strcmp(code, *codes) == 0;
	json_decref(root);
	return result;
}

/*
 * RestUnpagedStable
 *		sort_stable_without_key of a service whose pages are sorted each by
 *		its own request: ties keep their order only when one response holds
 *		every row (pagination none).
 */
bool
RestUnpagedStable(const RestTable *table)
{
	return table->pagination == REST_PAGES_NONE;
}

/*
 * RestPagedTotal
 *		reports_total (and pages_addressable) of a service that says the
 *		total with numbered and offset pages (Django REST framework's).
 */
bool
RestPagedTotal(const RestTable *table)
{
	return table->pagination == REST_PAGES_PAGE ||
		table->pagination == REST_PAGES_LIMIT;
}

/*
 * RestNumberedPages
 *		offset_by_page_number of a service with page pagination.
 */
bool
RestNumberedPages(const RestTable *table)
{
	return table->pagination == REST_PAGES_PAGE;
}

/*
 * RestWholePages
 *		Is LIMIT n OFFSET k*n, both known at planning, page k+1 of size n?
 */
bool
RestWholePages(int64 limit, int64 offset)
{
	return limit > 0 && offset != REST_LIMIT_UNKNOWN && offset % limit == 0;
}

/*
 * RestSortParam
 *		The parameter name=k1,k2 of a sort, each key written by append_key.
 */
List *
RestSortParam(const char *name, List *keys,
			  void (*append_key) (StringInfo buf, const RestSortKey *key))
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, keys)
	{
		if (buf.len > 0)
			appendStringInfoChar(&buf, ',');
		append_key(&buf, (RestSortKey *) lfirst(lc));
	}
	return list_make1(RestMakeParam(name, list_make1(makeString(buf.data))));
}

/*
 * append_signed_key
 *		A sort key, after a minus sign if descending.
 */
static void
append_signed_key(StringInfo buf, const RestSortKey *key)
{
	appendStringInfo(buf, "%s%s", key->descending ? "-" : "", key->name);
}

/*
 * RestSignedSortParams
 *		name=-a,b: a descending key after a minus sign (Django REST
 *		framework's ordering, JSON:API's sort).
 */
List *
RestSignedSortParams(const char *name, List *keys)
{
	return RestSortParam(name, keys, append_signed_key);
}
