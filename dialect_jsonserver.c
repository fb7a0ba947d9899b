/*-------------------------------------------------------------------------
 *
 * dialect_jsonserver.c
 *		  The json-server dialect: npm json-server 0.17.
 *
 * json-server keeps a row when String(member) === value (any of the
 * values of a repeated parameter), String(member) !== value for name_ne,
 * and compares JavaScript values for name_gte and name_lte: as numbers
 * when the member is a number, as UTF-16 strings when it is a string.  It
 * sorts with _sort=a,b&_order=asc,desc (a stable sort), pages with
 * _page=N&_limit=M or _start=K&_limit=M, reports the total in the header
 * X-Total-Count and the next page in a Link header, and addresses a row
 * as collection/id.  It keeps numbers as JavaScript doubles.
 *
 * So only what has one text there is sent: equality, _ne, IN as repeated
 * parameters, and _gte/_lte, on members of boolean, number and text
 * columns; numbers are written as JavaScript writes them.  Every condition
 * is rechecked (json-server ignores parameters it cannot apply).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "dialect.h"

/* Value segment flags of this dialect. */
#define JS_NUMBER		REST_SEG_DIALECT_0	/* the number as JavaScript's
											 * String() writes it */
#define JS_RANGE		REST_SEG_DIALECT_1	/* _gte/_lte: NaN cannot be
											 * compared there: drop the
											 * filter */
#define JS_GUARD		REST_SEG_DIALECT_2	/* equality: add name_ne=w for a w
											 * no value equals, which keeps
											 * the same rows but is never
											 * dropped */

/* Most parameters of one request json-server reads (Express' parser). */
#define JS_MAX_PARAMS		900

static bool name_fits(const char *name, RestLookup lookup);
static char *js_number_text(const char *text, bool *exact);
static Datum text_to_numeric(const char *text);

/*
 * jsonserver_part_fits
 *		Would json-server read a member name as one name (no path)?
 */
static bool
jsonserver_part_fits(const char *part)
{
	return strpbrk(part, ".[]") == NULL;
}

/*
 * jsonserver_filter_name
 *		A member's name, or a pointer's path joined with dots.
 */
static char *
jsonserver_filter_name(const RestTable *table, const RestColumn *col)
{
	return RestJoinedName(col, ".", jsonserver_part_fits);
}

/*
 * jsonserver_condition_params
 *		The parameter of a condition for json-server 0.17.
 *
 * Only what has one text there is sent: booleans, numbers (written as
 * JavaScript writes them: json-server holds a number as a double, serves
 * it in that text, and this wrapper writes numbers as JSON numbers), and
 * strings.  A numeric(p,s) column rounds what it reads, which json-server
 * does not; dates and times are strings in any ISO 8601 form, of which no
 * text matches all: they stay here, as members of other types.
 * json-server also drops a filter on a member no row has (every row would
 * come back): equality and IN lists carry a guard (jsonserver_param_written).
 * Text ranges compare UTF-16 code units: inexact.
 */
static List *
jsonserver_condition_params(RestDeparseContext *cxt, RestCondition *cond)
{
	char	   *name = RestLenientFilterName(cxt, cond, false);
	Oid			coltype = getBaseType(cond->col->typid);
	int			flags = 0;
	const char *suffix;

	if (name == NULL)
		return NIL;
	switch (coltype)
	{
		case BOOLOID:
			if (cond->lookup != REST_LOOKUP_EXACT &&
				cond->lookup != REST_LOOKUP_NE &&
				cond->lookup != REST_LOOKUP_IN)
				return NIL;
			break;
		case NUMERICOID:
			/* numeric(p,s) rounds what it reads, which json-server does not */
			if (cond->col->typmod >= 0)
				return NIL;
			/* FALLTHROUGH */
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case FLOAT8OID:
			flags |= JS_NUMBER;
			break;
		case TEXTOID:
		case VARCHAROID:
			break;
		default:
			return NIL;
	}
	if (!name_fits(name, cond->lookup))
		return NIL;

	switch (cond->lookup)
	{
		case REST_LOOKUP_EXACT:
			suffix = "";
			flags |= JS_GUARD;
			break;
		case REST_LOOKUP_NE:
			suffix = "_ne";
			break;
		case REST_LOOKUP_GTE:
			suffix = "_gte";
			break;
		case REST_LOOKUP_LTE:
			suffix = "_lte";
			break;
		case REST_LOOKUP_IN:
			flags |= REST_SEG_SPLIT | JS_GUARD;
			return list_make1(RestMakeParam(name,
											list_make1(RestValueSegment(cxt, cond->value,
																		REST_FMT_REPEAT,
																		flags))));
		default:
			return NIL;
	}
	if (cond->value == NULL)
		return NIL;

	if ((cond->lookup == REST_LOOKUP_GTE || cond->lookup == REST_LOOKUP_LTE) &&
		(flags & JS_NUMBER))
	{
		/* a number JavaScript rounds compares differently */
		flags |= JS_RANGE;
		if (!IsA(cond->value, Const))
		{
			/* bigint and numeric may round, and NaN drops the filter */
			Oid			valtype = exprType((Node *) cond->value);

			if ((coltype != INT2OID && coltype != INT4OID) ||
				(valtype != INT2OID && valtype != INT4OID))
				cxt->inexact = true;
		}
		else if (!((Const *) cond->value)->constisnull)
		{
			Const	   *c = (Const *) cond->value;
			char	   *text = RestDatumToUrlValue(c->constvalue, c->consttype);
			bool		exact;

			if (strcmp(text, "NaN") == 0)
				return NIL;
			(void) js_number_text(text, &exact);
			if (!exact)
				cxt->inexact = true;
		}
	}
	return list_make1(RestMakeParam(psprintf("%s%s", name, suffix),
									list_make1(RestValueSegment(cxt, cond->value,
																REST_FMT_PLAIN,
																flags))));
}

/*
 * name_fits
 *		Would json-server read a parameter of this member as a filter on it?
 *		It takes its own parameters (q, _page, ...) and names ending in
 *		_ne, _gte, _lte or _like for something else.
 */
static bool
name_fits(const char *name, RestLookup lookup)
{
	static const char *const reserved[] = {
		"q", "_start", "_end", "_page", "_sort", "_order", "_limit",
		"_embed", "_expand", "callback", "_", NULL
	};
	static const char *const suffixes[] = {
		"_ne", "_gte", "_lte", "_like", NULL
	};
	size_t		len = strlen(name);
	int			i;

	if (len == 0)
		return false;
	if (lookup != REST_LOOKUP_EXACT && lookup != REST_LOOKUP_IN)
		return true;			/* the suffix we add is the one read */
	for (i = 0; reserved[i] != NULL; i++)
		if (strcmp(name, reserved[i]) == 0)
			return false;
	for (i = 0; suffixes[i] != NULL; i++)
	{
		size_t		slen = strlen(suffixes[i]);

		if (len >= slen && strcmp(name + len - slen, suffixes[i]) == 0)
			return false;
	}
	return true;
}

/*
 * jsonserver_repeat_is_and
 *		json-server ORs the values of a repeated parameter, but keeps only
 *		the rows different from every value of a repeated _ne.
 */
static bool
jsonserver_repeat_is_and(const char *name)
{
	size_t		len = strlen(name);

	return len >= 3 && strcmp(name + len - 3, "_ne") == 0;
}

/*
 * jsonserver_append_value
 *		The text json-server compares with a value: for numbers,
 *		JavaScript's, when it stands for the same number (else the text
 *		itself, which then matches no number json-server serves, as no
 *		stored number equals the value here either).
 */
static void
jsonserver_append_value(StringInfo buf, const char *text, Oid typid,
						int flags)
{
	char	   *js;
	bool		exact;

	if (!(flags & JS_NUMBER))
	{
		appendStringInfoString(buf, text);
		return;
	}
	js = js_number_text(text, &exact);
	appendStringInfoString(buf, exact ? js : text);
}

/*
 * jsonserver_value_writable
 *		NaN cannot be compared by _gte and _lte: the filter is left out
 *		(the condition is rechecked, as every json-server condition is).
 */
static bool
jsonserver_value_writable(const RestParamValue *pv, bool list, int flags)
{
	return list || !(flags & JS_RANGE) ||
		strcmp(RestDatumToUrlValue(pv->value, pv->typid), "NaN") != 0;
}

/*
 * jsonserver_param_written
 *		Append name_ne=w, for a w none of the texts is: json-server drops a
 *		filter on a member no row has (and would return every row), but
 *		never an _ne filter, which keeps only rows having the member; any
 *		row equal to one of the texts is different from w, so the rows kept
 *		are the same where some row has the member, and none otherwise.
 */
static void
jsonserver_param_written(StringInfo url, const char *name,
						 const char *const *texts, int ntexts, int flags)
{
	StringInfoData other;
	int			i;

	if (!(flags & JS_GUARD))
		return;
	initStringInfo(&other);
	for (;;)
	{
		for (i = 0; i < ntexts; i++)
			if (strcmp(texts[i], other.data) == 0)
				break;
		if (i == ntexts)
			break;
		appendStringInfoChar(&other, '-');
	}
	RestAppendParam(url, psprintf("%s_ne", name), other.data);
}

/*
 * js_number_text
 *		What JavaScript's String() writes for the double nearest to a
 *		number written as text (ECMAScript's Number::toString): the
 *		shortest digits that give the double back, in positional notation
 *		for exponents from -7 to 20, scientific otherwise.  *exact tells if
 *		that text stands for the same number as the one given.
 */
static char *
js_number_text(const char *text, bool *exact)
{
	double		d = strtod(text, NULL);
	char		shortest[DOUBLE_SHORTEST_DECIMAL_LEN];
	char		digits[DOUBLE_SHORTEST_DECIMAL_LEN];
	int			k = 0;			/* number of significant digits */
	int			n = 0;			/* value = 0.digits * 10^n */
	int			intdigits = 0;
	bool		seen_point = false;
	bool		negative;
	const char *p;
	StringInfoData buf;
	int			i;

	*exact = false;
	if (isnan(d) || isinf(d))
		return pstrdup(text);

	double_to_shortest_decimal_buf(d, shortest);
	p = shortest;
	negative = *p == '-';
	if (negative)
		p++;
	for (; *p && *p != 'e' && *p != 'E'; p++)
	{
		if (*p == '.')
		{
			seen_point = true;
			continue;
		}
		if (!seen_point)
			intdigits++;
		if (k == 0 && *p == '0')
		{
			/* a leading zero moves the point */
			intdigits--;
			continue;
		}
		digits[k++] = *p;
	}
	while (k > 0 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	n = intdigits + (*p ? atoi(p + 1) : 0);

	initStringInfo(&buf);
	if (k == 0)
		appendStringInfoChar(&buf, '0');	/* 0 and -0 */
	else
	{
		if (negative)
			appendStringInfoChar(&buf, '-');
		if (k <= n && n <= 21)
		{
			appendStringInfoString(&buf, digits);
			for (i = k; i < n; i++)
				appendStringInfoChar(&buf, '0');
		}
		else if (0 < n && n <= 21)
			appendStringInfo(&buf, "%.*s.%s", n, digits, digits + n);
		else if (-6 < n && n <= 0)
		{
			appendStringInfoString(&buf, "0.");
			for (i = n; i < 0; i++)
				appendStringInfoChar(&buf, '0');
			appendStringInfoString(&buf, digits);
		}
		else
		{
			appendStringInfoChar(&buf, digits[0]);
			if (k > 1)
				appendStringInfo(&buf, ".%s", digits + 1);
			appendStringInfo(&buf, "e%c%d", n - 1 < 0 ? '-' : '+',
							 abs(n - 1));
		}
	}

	*exact = DatumGetBool(DirectFunctionCall2(numeric_eq, text_to_numeric(text),
											  text_to_numeric(buf.data)));
	return buf.data;
}

/*
 * text_to_numeric
 *		The numeric a number's text stands for.
 */
static Datum
text_to_numeric(const char *text)
{
	return DirectFunctionCall3(numeric_in, CStringGetDatum(text),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

/*
 * jsonserver_sort_params
 *		_sort=a,b&_order=asc,desc.
 */
static List *
jsonserver_sort_params(const RestTable *table, List *keys)
{
	StringInfoData names;
	StringInfoData orders;
	ListCell   *lc;

	initStringInfo(&names);
	initStringInfo(&orders);
	foreach(lc, keys)
	{
		RestSortKey *key = lfirst(lc);

		if (names.len > 0)
		{
			appendStringInfoChar(&names, ',');
			appendStringInfoChar(&orders, ',');
		}
		appendStringInfoString(&names, key->name);
		appendStringInfoString(&orders, key->descending ? "desc" : "asc");
	}
	return list_make2(RestMakeParam("_sort", list_make1(makeString(names.data))),
					  RestMakeParam("_order", list_make1(makeString(orders.data))));
}

/*
 * jsonserver_offset_without_limit
 *		Numbered pages start at row 0: the scan skips an OFFSET itself.
 */
static bool
jsonserver_offset_without_limit(const RestTable *table)
{
	return false;
}

/*
 * jsonserver_first_page_params
 *		_start=offset&_limit=limit with a LIMIT, else _page=1&_limit=size.
 */
static int64
jsonserver_first_page_params(StringInfo url, const RestTable *table,
							 int64 limit, int64 offset)
{
	int64		size = limit >= 0 ? limit : table->page_size;

	if (limit >= 0)
	{
		RestAppendIntParam(url, "_start", offset);
		RestAppendIntParam(url, "_limit", limit);
	}
	else if (size > 0)
	{
		RestAppendParam(url, "_page", "1");
		RestAppendIntParam(url, "_limit", size);
	}
	return size > 0 ? size : 0;
}

/*
 * jsonserver_nth_page_params
 *		_page=n+1&_limit=size.
 */
static void
jsonserver_nth_page_params(StringInfo url, const RestTable *table, int64 size,
						   int64 offset, int64 n, int64 wanted)
{
	RestAppendIntParam(url, "_page", n + 1);
	RestAppendIntParam(url, "_limit", size);
}

/*
 * jsonserver_count_params
 *		One row; X-Total-Count comes with any page.
 */
static void
jsonserver_count_params(StringInfo url, const RestTable *table)
{
	RestAppendParam(url, "_limit", "1");
}

/*
 * jsonserver_can_prefetch
 *		Numbered pages are predictable; with a LIMIT the first page is a
 *		_start window, which numbered pages would not continue.
 */
static bool
jsonserver_can_prefetch(const RestTable *table, int64 limit)
{
	return limit < 0;
}

/*
 * jsonserver_total_text
 *		The X-Total-Count header.
 */
static const char *
jsonserver_total_text(const RestTable *table, RestResponse *resp,
					  RestPageReader *reader)
{
	return resp->total_count;
}

/*
 * jsonserver_is_duplicate_refusal
 *		json-server answers an id it holds already with a 500, raised
 *		before it inserts; a 409 from a service in front of it counts too.
 */
static bool
jsonserver_is_duplicate_refusal(const RestTable *table, RestResponse *resp)
{
	static const char js_duplicate[] = "Error: Insert failed, duplicate id";

	if (resp->status == 409)
		return true;
	return resp->status == 500 && resp->body != NULL &&
		resp->body_len >= sizeof(js_duplicate) - 1 &&
		strncmp(resp->body, js_duplicate, sizeof(js_duplicate) - 1) == 0;
}

/* The fields not set are NULL, false or 0: what the dialect lacks. */
const RestDialectOps RestJsonServerDialect = {
	.name = "json-server",

	.default_pagination = REST_PAGES_LIMIT,
	.default_batch_size = 1,

	.filter_name = jsonserver_filter_name,
	.condition_params = jsonserver_condition_params,
	.repeat_is_and = jsonserver_repeat_is_and,
	.append_value = jsonserver_append_value,
	.value_writable = jsonserver_value_writable,
	.param_written = jsonserver_param_written,
	.max_repeated_params = JS_MAX_PARAMS,

	/* lodash's orderBy: NULLs after every value, reversed descending */
	.nulls_order = REST_NULLS_HIGH,
	.sort_stable_without_key = RestAlways,
	.sort_params = jsonserver_sort_params,

	.pages_fit_limit = RestAnyWindow,
	.offset_without_limit = jsonserver_offset_without_limit,
	.first_page_params = jsonserver_first_page_params,
	.nth_page_params = jsonserver_nth_page_params,
	.count_params = jsonserver_count_params,
	.offset_by_page_number = RestNever,
	.pages_addressable = RestAlways,
	.can_prefetch = jsonserver_can_prefetch,
	.page = {
		.rows_members = RestEnvelopeRows,
		.next_paths = RestEnvelopeNext,
	},

	.reports_total = RestAlways,
	.total_text = jsonserver_total_text,
	.total_description = "X-Total-Count header",

	.item_url = RestPathItemUrl,
	.numbers = REST_NUMBERS_DOUBLES,
	.is_duplicate_refusal = jsonserver_is_duplicate_refusal,
};
