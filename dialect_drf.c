/*-------------------------------------------------------------------------
 *
 * dialect_drf.c
 *		  The drf dialect: Django REST framework with django-filter.
 *
 * A list answers filters the view declares (django-filter lookups: f=v,
 * f__lt=v, f__in=a,b, f__isnull=true, f__icontains=v ...; AND only) and
 * silently drops the others, so only what the table declares in its
 * "filters" option is sent, and every condition is checked here again.
 * It sorts with ordering=-a,b, pages with page=N (and the page size
 * parameter the view names, page_size_param) or limit=N&offset=M, says the
 * total in the envelope's "count" and the next page in its "next", and
 * addresses a row as collection/id/.  Its DecimalField reads and writes
 * numbers as strings.
 *
 * A service may declare optional capabilities (django-rest-fdw's kit
 * serves them; its README, "Optional capabilities"), which the table
 * option "capabilities" lists: fields=a,b (rows with those members only),
 * distinct=c (a row per distinct value of c, NULL included) and
 * group_by=c&aggregate=count (rows {c, count}).  They are sent only to a
 * table that declares them, and only for columns that are top-level
 * members.
 *
 * django-filter's own rules (what it strips, ignores or refuses) are
 * exported for other dialects whose services filter with it
 * (RestDjangoFilterParams).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <jansson.h>

#include "catalog/pg_foreign_table.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "mb/pg_wchar.h"
#include "nodes/nodeFuncs.h"
#include "utils/lsyscache.h"

#include "dialect.h"

/* Value segment flag of this dialect. */
#define DRF_CLEAN		REST_SEG_DIALECT_0	/* a value django-filter would
											 * strip, ignore or refuse
											 * leaves the parameter out; it
											 * is checked here again */

static bool drf_value_fits(const char *text, bool is_text);
static bool drf_text_fits(const char *text);
static bool is_python_space(pg_wchar c);
static bool is_infinite_text(const char *text);
static bool type_has_infinities(Oid typid);
static bool unique_errors(json_t *root);
static bool unique_message(const char *text);
static bool ends_with(const char *text, const char *suffix);
static bool drf_has_capability(const RestTable *table, const char *name);
static const char *drf_top_member(const RestColumn *col);

/*
 * drf_part_fits
 *		Would Django read a member name as one field (no lookup)?
 */
static bool
drf_part_fits(const char *part)
{
	return strstr(part, "__") == NULL;
}

/*
 * drf_filter_name
 *		A member's name, or a pointer's path joined as Django joins
 *		related fields.
 */
static char *
drf_filter_name(const RestTable *table, const RestColumn *col)
{
	return RestJoinedName(col, "__", drf_part_fits);
}

/*
 * drf_condition_params
 *		The parameter of a condition, named as django-filter names it.
 */
static List *
drf_condition_params(RestDeparseContext *cxt, RestCondition *cond)
{
	return RestDjangoFilterParams(cxt, cond, "", "");
}

/*
 * RestDjangoFilterParams
 *		The parameter of a condition for a service filtering with
 *		django-filter, named prefix, the column's filter name, "__lookup"
 *		but for equality, and suffix; NIL if the table does not declare the
 *		lookup or django-filter would not read the value as it is.
 *
 * Its text filters strip surrounding white space and ignore empty values,
 * its date, timestamp and number filters refuse values that are not finite
 * (a 400), and it compares in the service's collation (case insensitive on
 * MySQL): text equality is inexact unless the table vouches for the
 * collation, and constants django-filter would change or refuse stay here.
 * A value known only at execution is checked then (DRF_CLEAN): one it
 * would change leaves the parameter out, so the condition is inexact.
 *
 * Django's case-insensitive lookups are UPPER(column) LIKE UPPER(value):
 * only that form is sent as one.  PostgreSQL's ILIKE folds to lower case
 * instead, which finds rows upper case does not (the lower case of U+0130,
 * capital I with a dot, is i, but the upper case of i is I, not U+0130),
 * and the rows the service leaves out cannot be found again here: ILIKE
 * stays here.  The table's pattern_matches vouches that the service
 * matches patterns and folds case as PostgreSQL does (Django on PostgreSQL
 * with our collation): its pattern and case-insensitive lookups are then
 * exact (still checked here again, as every condition a lenient service
 * gets), and a count, LIMIT and OFFSET may be sent along.
 */
List *
RestDjangoFilterParams(RestDeparseContext *cxt, RestCondition *cond,
					   const char *prefix, const char *suffix)
{
	/* pattern_matches is drf's option: jsonapi's lookups stay inexact */
	bool		patterns_exact = cxt->table->pattern_matches &&
		cxt->table->dialect == &RestDrfDialect;
	char	   *name = RestLenientFilterName(cxt, cond, patterns_exact);
	List	   *segments;
	bool		is_text = RestColumnIsText(cond->col);
	int			flags = 0;

	if (name == NULL || cond->lookup == REST_LOOKUP_NE || cond->ilike)
		return NIL;
	if (cond->lookup != REST_LOOKUP_EXACT)
		name = psprintf("%s%s__%s%s", prefix, name,
						RestLookupNames[cond->lookup], suffix);
	else
		name = psprintf("%s%s%s", prefix, name, suffix);

	if (is_text && !cxt->table->collation_matches &&
		(cond->lookup == REST_LOOKUP_EXACT || cond->lookup == REST_LOOKUP_IN))
		cxt->inexact = true;

	/* a value known only at execution is checked then */
	if (cond->value != NULL && !IsA(cond->value, Const))
	{
		Oid			valtype = exprType((Node *) cond->value);

		if (cond->lookup == REST_LOOKUP_IN)
			valtype = get_element_type(valtype);
		flags |= DRF_CLEAN;
		if (is_text || type_has_infinities(valtype))
			cxt->inexact = true;	/* it may be left out */
	}

	if (cond->literal != NULL)
	{
		/* stripped, a substring still finds every row (and more) */
		if (is_text && !drf_text_fits(cond->literal))
		{
			if (cond->lookup != REST_LOOKUP_CONTAINS &&
				cond->lookup != REST_LOOKUP_ICONTAINS)
				return NIL;
			cxt->inexact = true;
		}
		segments = list_make1(makeString(cond->literal));
	}
	else if (cond->lookup == REST_LOOKUP_IN)
	{
		/* django-filter splits on commas: string values must hold none */
		if (is_text && !IsA(cond->value, Const))
			return NIL;
		if (IsA(cond->value, Const))
		{
			RestParamValue pv;
			int			i;

			RestConstValue((Const *) cond->value, &pv);
			for (i = 0; i < pv.nelems; i++)
				if ((is_text && strchr(pv.elems[i], ',') != NULL) ||
					!drf_value_fits(pv.elems[i], is_text))
					return NIL;
		}

		/*
		 * The parts of a split list must match disjoint rows, which a
		 * service comparing text more loosely than we do does not promise.
		 */
		if (!is_text || cxt->table->collation_matches)
			flags |= REST_SEG_SPLIT;
		segments = list_make1(RestValueSegment(cxt, cond->value,
											   REST_FMT_LIST, flags));
	}
	else
	{
		Const	   *c = IsA(cond->value, Const) ? (Const *) cond->value : NULL;

		if (c != NULL && !c->constisnull &&
			!drf_value_fits(RestDatumToUrlValue(c->constvalue, c->consttype),
							is_text))
			return NIL;
		segments = list_make1(RestValueSegment(cxt, cond->value,
											   REST_FMT_PLAIN, flags));
	}
	return list_make1(RestMakeParam(name, segments));
}

/*
 * RestDjangoValueWritable
 *		Does django-filter take a value computed at execution as it is
 *		(every element of a list), when its segment is marked so?
 */
bool
RestDjangoValueWritable(const RestParamValue *pv, bool list, int flags)
{
	Oid			typid = list ? get_element_type(pv->typid) : pv->typid;
	char		category;
	bool		preferred;
	bool		is_text;
	int			i;

	if (!(flags & DRF_CLEAN))
		return true;
	get_type_category_preferred(getBaseType(typid), &category, &preferred);
	is_text = category == TYPCATEGORY_STRING;
	if (!list)
		return drf_value_fits(RestDatumToUrlValue(pv->value, pv->typid),
							  is_text);
	for (i = 0; i < pv->nelems; i++)
		if (!drf_value_fits(pv->elems[i], is_text))
			return false;
	return true;
}

/*
 * drf_value_fits
 *		Does django-filter take a value's text as it is: a text neither
 *		empty nor with white space around it, and any other value finite?
 */
static bool
drf_value_fits(const char *text, bool is_text)
{
	if (is_text)
		return drf_text_fits(text);
	return !is_infinite_text(text);
}

/*
 * drf_text_fits
 *		Does django-filter take this text as it is: not empty (ignored) and
 *		without white space around it, which Python's str.strip() removes
 *		(Unicode white space, not ASCII's only)?
 */
static bool
drf_text_fits(const char *text)
{
	size_t		len;
	const unsigned char *last;

	/* the service reads UTF-8; the server's text may be in another encoding */
	text = pg_server_to_any(text, strlen(text), PG_UTF8);
	len = strlen(text);
	if (len == 0)
		return false;
	last = (const unsigned char *) text + len - 1;
	while (last > (const unsigned char *) text && (*last & 0xC0) == 0x80)
		last--;
	return !is_python_space(utf8_to_unicode((const unsigned char *) text)) &&
		!is_python_space(utf8_to_unicode(last));
}

/*
 * is_python_space
 *		Is a code point white space to Python's str.isspace(), which
 *		str.strip() removes?
 */
static bool
is_python_space(pg_wchar c)
{
	return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) ||
		c == 0x85 || c == 0xA0 || c == 0x1680 ||
		(c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
		c == 0x202F || c == 0x205F || c == 0x3000;
}

/*
 * is_infinite_text
 *		Is this the text of a value that is not finite: a date's or a
 *		timestamp's infinity, a number's NaN or Infinity (as PostgreSQL and
 *		RestDatumToUrlValue write them)?
 */
static bool
is_infinite_text(const char *text)
{
	const char *p = text[0] == '-' || text[0] == '+' ? text + 1 : text;

	return pg_strcasecmp(p, "infinity") == 0 || pg_strcasecmp(text, "nan") == 0;
}

/*
 * type_has_infinities
 *		May a value of this type be infinite or NaN: dates, timestamps,
 *		intervals and numbers other than integers?
 */
static bool
type_has_infinities(Oid typid)
{
	switch (getBaseType(typid))
	{
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case INTERVALOID:
		case NUMERICOID:
		case FLOAT4OID:
		case FLOAT8OID:
			return true;
		default:
			return false;
	}
}

/*
 * drf_sort_params
 *		ordering=-a,b.
 */
static List *
drf_sort_params(const RestTable *table, List *keys)
{
	return RestSignedSortParams("ordering", keys);
}

/*
 * drf_pages_fit_limit
 *		Limit/offset pagination says any window; numbered pages of a size
 *		the request names say LIMIT n OFFSET k*n, as Django's admin pages
 *		(page k+1), when both are known at planning.
 */
static bool
drf_pages_fit_limit(const RestTable *table, int64 limit, int64 offset)
{
	if (table->pagination == REST_PAGES_LIMIT)
		return true;
	return table->pagination == REST_PAGES_PAGE &&
		table->page_size_param != NULL && RestWholePages(limit, offset);
}

/*
 * drf_offset_without_limit
 *		LimitOffsetPagination ignores an offset without a limit unless it
 *		has a default limit, which the table's page_size stands for.
 */
static bool
drf_offset_without_limit(const RestTable *table)
{
	return table->pagination == REST_PAGES_LIMIT && table->page_size > 0;
}

/*
 * drf_names_page_size
 *		limit=N, or the page size parameter of numbered pages.
 */
static bool
drf_names_page_size(const RestTable *table)
{
	return table->pagination == REST_PAGES_LIMIT ||
		(table->pagination == REST_PAGES_PAGE &&
		 table->page_size_param != NULL);
}

/*
 * drf_first_page_params
 *		limit=N&offset=M, or the page size parameter and page=N.
 */
static int64
drf_first_page_params(StringInfo url, const RestTable *table, int64 limit,
					  int64 offset)
{
	int64		size;

	/* numbered pages are asked whole: the scan checks their window */
	if (table->pagination == REST_PAGES_PAGE)
		size = limit >= 0 ? limit : table->page_size;
	else
		size = RestPageRows(table, limit);

	if (table->pagination == REST_PAGES_LIMIT)
		return RestAppendFirstWindow(url, "limit", "offset", size, offset);
	RestAppendFirstNumberedPage(url, "page", table->page_size_param, size,
								offset);
	return size > 0 ? size : 0;
}

/*
 * drf_nth_page_params
 *		limit and offset, or page=N (with the page size parameter, if any:
 *		else pages of the service's size).
 */
static void
drf_nth_page_params(StringInfo url, const RestTable *table, int64 size,
					int64 offset, int64 n, int64 wanted)
{
	if (table->pagination == REST_PAGES_LIMIT)
		RestAppendNthWindow(url, "limit", "offset", size, offset, n, wanted);
	else
		RestAppendNthNumberedPage(url, "page", table->page_size_param, size,
								  offset, n);
}

/*
 * drf_count_params
 *		A page of one row, where the request can say so.
 */
static void
drf_count_params(StringInfo url, const RestTable *table)
{
	if (table->pagination == REST_PAGES_LIMIT)
		RestAppendParam(url, "limit", "1");
	else if (table->page_size_param != NULL)
		RestAppendParam(url, table->page_size_param, "1");
}

/*
 * drf_pages_addressable
 *		Numbered and offset pages, when the table declares them.
 */
static bool
drf_pages_addressable(const RestTable *table)
{
	return table->pagination_declared &&
		(table->pagination == REST_PAGES_LIMIT ||
		 table->pagination == REST_PAGES_PAGE);
}

/*
 * drf_can_prefetch
 *		Declared offset pages, or numbered pages whose size the request
 *		names.
 */
static bool
drf_can_prefetch(const RestTable *table, int64 limit)
{
	return table->pagination_declared &&
		(table->pagination == REST_PAGES_LIMIT ||
		 (table->pagination == REST_PAGES_PAGE &&
		  table->page_size_param != NULL));
}

/*
 * drf_is_duplicate_refusal
 *		A 409, or the 400 of Django REST framework's uniqueness validators
 *		when no other error comes with it.
 */
static bool
drf_is_duplicate_refusal(const RestTable *table, RestResponse *resp)
{
	if (resp->status == 409)
		return true;
	return resp->status == 400 && RestErrorBodyHolds(resp, unique_errors);
}

/*
 * unique_errors
 *		Is a Django REST framework 400 body made only of the messages of
 *		its uniqueness validators?  {"field": ["<model> with this <field>
 *		already exists."]}, {"non_field_errors": ["The fields a, b must make
 *		a unique set."]}, "This field must be unique.": Django's and DRF's
 *		own English messages.
 */
static bool
unique_errors(json_t *root)
{
	const char *field;
	json_t	   *messages;

	if (!json_is_object(root) || json_object_size(root) == 0)
		return false;
	json_object_foreach(root, field, messages)
	{
		size_t		index;
		json_t	   *message;

		if (!json_is_array(messages) || json_array_size(messages) == 0)
			return false;
		json_array_foreach(messages, index, message)
		{
			if (!unique_message(json_string_value(message)))
				return false;
		}
	}
	return true;
}

/*
 * unique_message
 *		Is a message one of Django's or DRF's uniqueness messages?
 */
static bool
unique_message(const char *text)
{
	if (text == NULL)
		return false;
	if (strstr(text, " with this ") != NULL &&
		ends_with(text, " already exists."))
		return true;
	if (strcmp(text, "This field must be unique.") == 0 ||
		strncmp(text, "This field must be unique for the ", 34) == 0)
		return true;
	return strncmp(text, "The fields ", 11) == 0 &&
		ends_with(text, " must make a unique set.");
}

/*
 * ends_with
 *		Does text end with suffix?
 */
static bool
ends_with(const char *text, const char *suffix)
{
	size_t		len = strlen(text);
	size_t		slen = strlen(suffix);

	return len >= slen && strcmp(text + len - slen, suffix) == 0;
}

/* The capabilities the option "capabilities" may list. */
static const char *const drf_capabilities[] = {
	"fields", "distinct", "group_count", NULL
};

/*
 * drf_validate_option
 *		The table option "capabilities": a comma-separated list of
 *		fields, distinct and group_count.
 */
static void
drf_validate_option(DefElem *def, Oid catalog)
{
	char	   *value = pstrdup(defGetString(def));
	char	   *tok;
	char	   *save = NULL;
	bool		any = false;

	for (tok = strtok_r(value, ",", &save); tok != NULL;
		 tok = strtok_r(NULL, ",", &save))
	{
		const char *const *c;
		char	   *end;

		while (*tok == ' ')
			tok++;
		end = tok + strlen(tok);
		while (end > tok && end[-1] == ' ')
			*--end = '\0';
		for (c = drf_capabilities; *c != NULL; c++)
			if (strcmp(*c, tok) == 0)
				break;
		if (*c == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"%s\": \"%s\"",
							def->defname, defGetString(def)),
					 errdetail("\"%s\" is not a capability.", tok),
					 errhint("Valid capabilities are fields, distinct and group_count, separated by commas.")));
		any = true;
	}
	if (!any)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, defGetString(def)),
				 errhint("Valid capabilities are fields, distinct and group_count, separated by commas.")));
}

/*
 * drf_has_capability
 *		Does the table's option "capabilities" list this one?
 */
static bool
drf_has_capability(const RestTable *table, const char *name)
{
	const char *value = RestTableOption(table, "capabilities");
	size_t		len = strlen(name);
	const char *p;

	if (value == NULL)
		return false;
	for (p = value; (p = strstr(p, name)) != NULL; p += len)
	{
		const char *end = p + len;

		if ((p == value || p[-1] == ',' || p[-1] == ' ') &&
			(*end == '\0' || *end == ',' || *end == ' '))
			return true;
	}
	return false;
}

/*
 * drf_top_member
 *		The member a column is, when it is a member of the row itself (the
 *		capabilities name members), or NULL.
 */
static const char *
drf_top_member(const RestColumn *col)
{
	if (col->field != NULL)
		return col->field;
	if (col->npointer == 1)
		return col->pointer[0];
	return NULL;
}

/*
 * drf_projection_params
 *		fields=a,b when the table declares the capability and every column
 *		read is a top-level member; NIL otherwise (every member comes).
 */
static List *
drf_projection_params(const RestTable *table, List *columns)
{
	StringInfoData buf;
	ListCell   *lc;

	if (!drf_has_capability(table, "fields"))
		return NIL;
	initStringInfo(&buf);
	foreach(lc, columns)
	{
		const char *member = drf_top_member(lfirst(lc));

		/* a member holding a comma would be read as two */
		if (member == NULL || strchr(member, ',') != NULL)
			return NIL;
		if (buf.len > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfoString(&buf, member);
	}
	return list_make1(RestMakeParam("fields",
									list_make1(makeString(buf.data))));
}

/*
 * drf_group_params
 *		distinct=c, or group_by=c&aggregate=count, when the table declares
 *		the capability and the column is a top-level member.
 */
static List *
drf_group_params(const RestTable *table, const RestColumn *col, bool count)
{
	const char *member = drf_top_member(col);

	if (member == NULL)
		return NIL;
	if (!count && drf_has_capability(table, "distinct"))
		return list_make1(RestMakeParam("distinct",
										list_make1(makeString(pstrdup(member)))));
	if (!drf_has_capability(table, "group_count"))
		return NIL;
	return list_make2(RestMakeParam("group_by",
									list_make1(makeString(pstrdup(member)))),
					  RestMakeParam("aggregate",
									list_make1(makeString(pstrdup("count")))));
}

/* The option this dialect adds: the capabilities a table's service has. */
static const RestDialectOption drf_options[] = {
	{"capabilities", ForeignTableRelationId},
	{NULL, InvalidOid}
};

/* "count" is the total of numbered and offset pages */
static const char *const drf_total_paths[] = {"/count", NULL};

/* The fields not set are NULL, false or 0: what the dialect lacks. */
const RestDialectOps RestDrfDialect = {
	.name = "drf",

	.resource_trailing_slash = true,
	.default_pagination = REST_PAGES_PAGE,
	.default_batch_size = 1,
	.options = drf_options,
	.validate_option = drf_validate_option,
	.import_query_options = true,

	.filter_name = drf_filter_name,
	.condition_params = drf_condition_params,
	.value_writable = RestDjangoValueWritable,

	/* Django on PostgreSQL; on SQLite or MySQL, nulls_sort 'low' */
	.nulls_order = REST_NULLS_HIGH,
	.sort_stable_without_key = RestUnpagedStable,
	.sort_params = drf_sort_params,
	.projection_params = drf_projection_params,
	.group_params = drf_group_params,
	.group_count_member = "count",

	.pages_fit_limit = drf_pages_fit_limit,
	.offset_without_limit = drf_offset_without_limit,
	.names_page_size = drf_names_page_size,
	.first_page_params = drf_first_page_params,
	.nth_page_params = drf_nth_page_params,
	.count_params = drf_count_params,
	.offset_by_page_number = RestNumberedPages,
	.pages_addressable = drf_pages_addressable,
	.can_prefetch = drf_can_prefetch,
	.names_every_next_page = true,
	.page = {
		.rows_members = RestEnvelopeRows,
		.next_paths = RestEnvelopeNext,
		.total_paths = drf_total_paths,
	},

	.reports_total = RestPagedTotal,
	.total_text = RestReaderTotal,
	.total_description = "\"count\" member",
	.count_rows_without_total = true,

	.item_url = RestPathItemUrl,
	.numbers = REST_NUMBERS_DECIMAL_STRINGS,
	.is_duplicate_refusal = drf_is_duplicate_refusal,
};
