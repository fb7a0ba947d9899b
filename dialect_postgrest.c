/*-------------------------------------------------------------------------
 *
 * dialect_postgrest.c
 *		  The postgrest dialect: PostgREST.
 *
 * PostgREST reads col=op.value for every operator (eq, neq, lt, lte, gt,
 * gte, in.(...), is.null, like, ilike), logic trees (or=(...), and(...),
 * not.or(...)), order=col.desc.nullsfirst, select=a,b and limit/offset on
 * every column, and refuses what it does not know (a 400, never every
 * row): so what it accepts is exact.  It reports the total in
 * Content-Range when asked with Prefer: count=exact, answers an offset
 * past the last row with 416, returns written rows when asked with
 * Prefer: return=representation, skips duplicates with
 * resolution=ignore-duplicates, and takes an array of rows in one POST.
 * It has no item paths: a row is the collection filtered by its key.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_database.h"
#include "miscadmin.h"
#include "utils/syscache.h"

#include "dialect.h"

/* Value segment flag of this dialect. */
#define PGRST_QUOTE		REST_SEG_DIALECT_0	/* quoted where the grammar
											 * reads a character */

/* Rows per INSERT request when the server sets no batch_size. */
#define PGRST_DEFAULT_BATCH_SIZE	100

static bool tree_operand(RestDeparseContext *cxt, Expr *clause,
						 List **segments);
static bool condition_segments(RestDeparseContext *cxt, RestCondition *cond,
							   List **segments);
static bool tree_value_fits(RestDeparseContext *cxt, RestCondition *cond);
static bool upper_pattern_fits_ilike(const char *literal, Oid collation);
static bool upper_maps_fully(Oid collation);
static void append_quoted(StringInfo buf, const char *text);
static void append_sort_key(StringInfo buf, const RestSortKey *key);

/*
 * postgrest_filter_name
 *		A member's name; a column inside a member has none (PostgREST's
 *		arrows read JSON columns, not embedded objects).
 */
static char *
postgrest_filter_name(const RestTable *table, const RestColumn *col)
{
	return col->field != NULL ? pstrdup(col->field) : NULL;
}

/*
 * postgrest_key_name
 *		The column that addresses a row: the key's member, or its name.
 */
static const char *
postgrest_key_name(const RestTable *table)
{
	RestColumn *key = &table->columns[table->key_index];

	return key->field ? key->field : key->attname;
}

/*
 * postgrest_condition_params
 *		col=op.value for a condition on one column.
 */
static List *
postgrest_condition_params(RestDeparseContext *cxt, RestCondition *cond)
{
	char	   *name = postgrest_filter_name(cxt->table, cond->col);
	List	   *segments = NIL;

	if (name == NULL || !condition_segments(cxt, cond, &segments))
		return NIL;
	return list_make1(RestMakeParam(name, segments));
}

/*
 * postgrest_tree_params
 *		or=(...), not.or=(...) or not.and=(...) for a logic tree.
 */
static List *
postgrest_tree_params(RestDeparseContext *cxt, BoolExpr *b)
{
	const char *name;
	List	   *segments;
	ListCell   *lc;

	cxt->in_tree = true;
	if (b->boolop == NOT_EXPR && IsA(linitial(b->args), BoolExpr) &&
		((BoolExpr *) linitial(b->args))->boolop != NOT_EXPR)
	{
		b = (BoolExpr *) linitial(b->args);
		name = b->boolop == OR_EXPR ? "not.or" : "not.and";
		cxt->under_not = true;
	}
	else if (b->boolop == OR_EXPR)
		name = "or";
	else
		return NIL;

	segments = list_make1(makeString("("));
	foreach(lc, b->args)
	{
		if (lc != list_head(b->args))
			segments = lappend(segments, makeString(","));
		if (!tree_operand(cxt, lfirst(lc), &segments))
			return NIL;
	}
	segments = lappend(segments, makeString(")"));
	return list_make1(RestMakeParam(name, segments));
}

/*
 * tree_operand
 *		Append the segments of one operand of a logic tree.
 */
static bool
tree_operand(RestDeparseContext *cxt, Expr *clause, List **segments)
{
	RestCondition cond;

	if (RestRecogniseCondition(cxt, clause, &cond))
	{
		char	   *name = postgrest_filter_name(cxt->table, cond.col);
		StringInfoData buf;

		if (name == NULL)
			return false;
		initStringInfo(&buf);
		append_quoted(&buf, name);
		appendStringInfoChar(&buf, '.');
		*segments = lappend(*segments, makeString(buf.data));
		return condition_segments(cxt, &cond, segments);
	}

	if (IsA(clause, BoolExpr))
	{
		BoolExpr   *b = (BoolExpr *) clause;
		const char *prefix;
		ListCell   *lc;
		bool		saved_under_not = cxt->under_not;

		if (b->boolop == NOT_EXPR)
		{
			Expr	   *arg = linitial(b->args);

			if (!IsA(arg, BoolExpr) || ((BoolExpr *) arg)->boolop == NOT_EXPR)
				return false;
			b = (BoolExpr *) arg;
			prefix = b->boolop == OR_EXPR ? "not.or(" : "not.and(";
			cxt->under_not = true;
		}
		else
			prefix = b->boolop == OR_EXPR ? "or(" : "and(";

		*segments = lappend(*segments, makeString(pstrdup(prefix)));
		foreach(lc, b->args)
		{
			if (lc != list_head(b->args))
				*segments = lappend(*segments, makeString(","));
			if (!tree_operand(cxt, lfirst(lc), segments))
				return false;
		}
		*segments = lappend(*segments, makeString(")"));
		cxt->under_not = saved_under_not;
		return true;
	}
	return false;
}

/*
 * tree_value_fits
 *		Can a condition's value be written inside a logic tree?  PostgREST
 *		has no NULL value and no empty list, and NULL elements of a list
 *		drop out only of a positive IN that no NOT looks at: a constant
 *		that needs more stays here.  A value computed at execution is
 *		checked then (the tree is left out if it cannot be written), so the
 *		tree is checked here again.
 */
static bool
tree_value_fits(RestDeparseContext *cxt, RestCondition *cond)
{
	RestParamValue pv;

	if (cond->value == NULL)
		return true;
	if (!IsA(cond->value, Const))
	{
		cxt->needs_recheck = true;
		cxt->inexact = true;
		return true;
	}
	if (((Const *) cond->value)->constisnull)
		return false;
	if (cond->lookup != REST_LOOKUP_IN)
		return true;
	RestConstValue((Const *) cond->value, &pv);
	if (pv.nelems == 0)
		return false;
	return !(pv.has_nulls && (cond->negated || cxt->under_not));
}

/*
 * pattern_segment
 *		like.pattern or ilike.pattern: PostgREST writes % as *; * itself is
 *		not possible.  In a tree the whole pattern is quoted, wildcards
 *		included: a quote after a * would be a literal quote.
 */
static bool
pattern_segment(RestDeparseContext *cxt, RestCondition *cond,
				List **segments)
{
	bool		insensitive = cond->lookup == REST_LOOKUP_IEXACT ||
		cond->lookup == REST_LOOKUP_ISTARTSWITH ||
		cond->lookup == REST_LOOKUP_IENDSWITH ||
		cond->lookup == REST_LOOKUP_ICONTAINS;
	StringInfoData pattern;
	StringInfoData buf;

	if (cond->literal == NULL || strpbrk(cond->literal, "*%_\\") != NULL)
		return false;
	if (cond->upper && !upper_pattern_fits_ilike(cond->literal, cond->collation))
		return false;
	initStringInfo(&pattern);
	if (cond->lookup == REST_LOOKUP_ENDSWITH ||
		cond->lookup == REST_LOOKUP_IENDSWITH ||
		cond->lookup == REST_LOOKUP_CONTAINS ||
		cond->lookup == REST_LOOKUP_ICONTAINS)
		appendStringInfoChar(&pattern, '*');
	appendStringInfoString(&pattern, cond->literal);
	if (cond->lookup == REST_LOOKUP_STARTSWITH ||
		cond->lookup == REST_LOOKUP_ISTARTSWITH ||
		cond->lookup == REST_LOOKUP_CONTAINS ||
		cond->lookup == REST_LOOKUP_ICONTAINS)
		appendStringInfoChar(&pattern, '*');
	initStringInfo(&buf);
	appendStringInfoString(&buf, insensitive ? "ilike." : "like.");
	if (cxt->in_tree)
		append_quoted(&buf, pattern.data);
	else
		appendStringInfoString(&buf, pattern.data);
	*segments = lappend(*segments, makeString(buf.data));
	/* case folding and patterns may differ in detail: recheck */
	cxt->needs_recheck = true;
	cxt->inexact = true;
	return true;
}

/*
 * condition_segments
 *		Append "op.value" for a condition in PostgREST's grammar; inside a
 *		logic tree, values holding reserved characters are quoted.
 */
static bool
condition_segments(RestDeparseContext *cxt, RestCondition *cond,
				   List **segments)
{
	bool		in_tree = cxt->in_tree;
	int			flags = in_tree ? REST_SEG_IN_TREE | PGRST_QUOTE : 0;
	const char *op;

	if (!RestLookupDeclared(cond))
		return false;
	if (in_tree && !tree_value_fits(cxt, cond))
		return false;

	switch (cond->lookup)
	{
		case REST_LOOKUP_EXACT:
			op = "eq.";
			break;
		case REST_LOOKUP_NE:
			op = "neq.";
			break;
		case REST_LOOKUP_LT:
			op = "lt.";
			break;
		case REST_LOOKUP_LTE:
			op = "lte.";
			break;
		case REST_LOOKUP_GT:
			op = "gt.";
			break;
		case REST_LOOKUP_GTE:
			op = "gte.";
			break;
		case REST_LOOKUP_IN:
			flags |= PGRST_QUOTE;
			if (cond->negated)
				flags |= REST_SEG_NEGATED | REST_SEG_NULLS_MATTER;
			else if (cxt->under_not)
				flags |= REST_SEG_NULLS_MATTER;
			else if (!in_tree)
				flags |= REST_SEG_SPLIT;
			*segments = lappend(*segments,
								makeString(cond->negated ? "not.in.(" : "in.("));
			*segments = lappend(*segments,
								RestValueSegment(cxt, cond->value,
												 REST_FMT_LIST, flags));
			*segments = lappend(*segments, makeString(")"));
			return true;
		case REST_LOOKUP_ISNULL:
			*segments = lappend(*segments,
								makeString(strcmp(cond->literal, "true") == 0
										   ? "is.null" : "not.is.null"));
			return true;
		default:
			return pattern_segment(cxt, cond, segments);
	}

	if (cond->negated)
		return false;
	*segments = lappend(*segments, makeString((char *) op));
	if (cond->literal != NULL)
	{
		/* LIKE without wildcards */
		StringInfoData buf;

		initStringInfo(&buf);
		if (in_tree)
			append_quoted(&buf, cond->literal);
		else
			appendStringInfoString(&buf, cond->literal);
		*segments = lappend(*segments, makeString(buf.data));
		return true;
	}
	*segments = lappend(*segments, RestValueSegment(cxt, cond->value,
													REST_FMT_PLAIN, flags));
	return true;
}

/*
 * upper_pattern_fits_ilike
 *		May UPPER(column) LIKE pattern be sent as PostgREST's ilike, which
 *		is lower(column) LIKE lower(pattern): does ilike keep every row
 *		the condition keeps?
 *
 * The rows upper() matches with the pattern's literal text X are those
 * with a part s such that upper(s) = X; ilike keeps them if lower(s) =
 * lower(X).  That holds when every character c whose upper case is, or
 * holds, a character x of X has lower(c) = lower(x).  Over Unicode (as
 * Python's str.upper and str.lower, simple and full case mappings, say):
 * for an ASCII x, only U+0131 (dotless i, upper I, lower itself) and
 * U+017F (long s, upper S) break that with simple case mappings, which
 * libc's upper() uses, one character at a time.  ICU's upper() and the
 * builtin provider's PG_UNICODE_FAST use the full mappings, which turn
 * one character into several: sharp s (U+00DF) into SS, the ligature fi
 * (U+FB01) into FI, U+0149 into an apostrophe and N, U+01F0 into J and a
 * combining caron, and so on, whose lower case is not that of the parts;
 * then A, F, H, I, J, L, N, S, T, W and Y may not be in X.  A character
 * outside ASCII, or I and S in a Turkish locale, may fold otherwise on the
 * service: only ASCII is sent, without those letters in either case.
 * (KELVIN SIGN's upper case is itself: upper() of it never equals K,
 * though its lower case is k; ilike only finds more there.)
 */
static bool
upper_pattern_fits_ilike(const char *literal, Oid collation)
{
	const char *unsafe = upper_maps_fully(collation) ? "afhijlnstwy" : "is";
	const char *p;

	for (p = literal; *p; p++)
		if (IS_HIGHBIT_SET(*p) || strchr(unsafe, pg_ascii_tolower(*p)) != NULL)
			return false;
	return true;
}

/*
 * upper_maps_fully
 *		May upper() in this collation use Unicode's full case mappings,
 *		which turn one character into several: any provider but libc's
 *		(ICU, and PostgreSQL's own builtin one, PG_UNICODE_FAST).
 */
static bool
upper_maps_fully(Oid collation)
{
	HeapTuple	tuple;
	char		provider;

	if (!OidIsValid(collation))
		return true;
	if (collation == DEFAULT_COLLATION_OID)
	{
		tuple = SearchSysCache1(DATABASEOID, ObjectIdGetDatum(MyDatabaseId));
		if (!HeapTupleIsValid(tuple))
			return true;
		provider = ((Form_pg_database) GETSTRUCT(tuple))->datlocprovider;
	}
	else
	{
		tuple = SearchSysCache1(COLLOID, ObjectIdGetDatum(collation));
		if (!HeapTupleIsValid(tuple))
			return true;
		provider = ((Form_pg_collation) GETSTRUCT(tuple))->collprovider;
	}
	ReleaseSysCache(tuple);
	return provider != COLLPROVIDER_LIBC;
}

/*
 * postgrest_repeat_is_and
 *		PostgREST ANDs every filter.
 */
static bool
postgrest_repeat_is_and(const char *name)
{
	return true;
}

/*
 * postgrest_append_value
 *		A value, quoted where a list or a tree needs it.
 */
static void
postgrest_append_value(StringInfo buf, const char *text, Oid typid, int flags)
{
	if (flags & PGRST_QUOTE)
		append_quoted(buf, text);
	else
		appendStringInfoString(buf, text);
}

/*
 * append_quoted
 *		Append a value for a PostgREST list or logic tree: in double quotes,
 *		with backslash escapes, when it holds a character PostgREST's
 *		grammar reads (, . : ( ) " \ { }), white space it would trim, or
 *		nothing.
 */
static void
append_quoted(StringInfo buf, const char *text)
{
	const char *p;

	if (strpbrk(text, ",.:()\" \t\\{}") == NULL && text[0] != '\0')
	{
		appendStringInfoString(buf, text);
		return;
	}
	appendStringInfoChar(buf, '"');
	for (p = text; *p; p++)
	{
		if (*p == '"' || *p == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, *p);
	}
	appendStringInfoChar(buf, '"');
}

/*
 * postgrest_sort_params
 *		order=a.asc.nullslast,b.desc.nullsfirst.
 */
static List *
postgrest_sort_params(const RestTable *table, List *keys)
{
	return RestSortParam("order", keys, append_sort_key);
}

/*
 * append_sort_key
 *		A key of order=: column.asc|desc.nullsfirst|nullslast.
 */
static void
append_sort_key(StringInfo buf, const RestSortKey *key)
{
	appendStringInfo(buf, "%s.%s.%s", key->name,
					 key->descending ? "desc" : "asc",
					 key->nulls_first ? "nullsfirst" : "nullslast");
}

/*
 * postgrest_projection_params
 *		select= for the columns' top-level members.
 */
static List *
postgrest_projection_params(const RestTable *table, List *columns)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, columns)
	{
		RestColumn *col = lfirst(lc);
		const char *member = col->field ? col->field : col->pointer[0];

		if (buf.len > 0)
			appendStringInfoChar(&buf, ',');
		append_quoted(&buf, member);
	}
	return list_make1(RestMakeParam("select", list_make1(makeString(buf.data))));
}

/*
 * postgrest_first_page_params
 *		limit=N&offset=M.
 */
static int64
postgrest_first_page_params(StringInfo url, const RestTable *table,
							int64 limit, int64 offset)
{
	return RestAppendFirstWindow(url, "limit", "offset",
								 RestPageRows(table, limit), offset);
}

/*
 * postgrest_nth_page_params
 *		limit and offset of page n.
 */
static void
postgrest_nth_page_params(StringInfo url, const RestTable *table, int64 size,
						  int64 offset, int64 n, int64 wanted)
{
	RestAppendNthWindow(url, "limit", "offset", size, offset, n, wanted);
}

/*
 * postgrest_count_params
 *		No row: the total comes in Content-Range.
 */
static void
postgrest_count_params(StringInfo url, const RestTable *table)
{
	RestAppendParam(url, "limit", "0");
}

/*
 * postgrest_can_prefetch
 *		Offsets are always predictable.
 */
static bool
postgrest_can_prefetch(const RestTable *table, int64 limit)
{
	return true;
}

/*
 * postgrest_more_after_range
 *		Does Content-Range first-last/total say rows follow: a total not
 *		counted ("*"), or beyond the last row?
 */
static bool
postgrest_more_after_range(const char *content_range)
{
	long		first,
				last;
	char		total[32];

	return sscanf(content_range, "%ld-%ld/%31s", &first, &last, total) == 3 &&
		(strcmp(total, "*") == 0 || last + 1 < atol(total));
}

/*
 * postgrest_total_text
 *		The total of Content-Range.
 */
static const char *
postgrest_total_text(const RestTable *table, RestResponse *resp,
					 RestPageReader *reader)
{
	if (resp->content_range != NULL && strchr(resp->content_range, '/') != NULL)
		return strchr(resp->content_range, '/') + 1;
	return NULL;
}

/*
 * postgrest_request_headers
 *		Prefer: count=exact for a total; return=representation for the rows
 *		written; resolution=ignore-duplicates to skip duplicates.
 */
static List *
postgrest_request_headers(const RestTable *table, RestRequestPurpose purpose,
						  int asks)
{
	if (purpose == REST_REQUEST_PAGE)
		return (asks & REST_ASK_TOTAL) ? list_make1("Prefer: count=exact") : NIL;
	if (purpose == REST_REQUEST_ITEM)
		return NIL;
	if (asks & REST_ASK_SKIP_DUPLICATES)
		return list_make1((asks & REST_ASK_ROWS) ?
						  "Prefer: return=representation,resolution=ignore-duplicates" :
						  "Prefer: resolution=ignore-duplicates");
	return (asks & REST_ASK_ROWS) ?
		list_make1("Prefer: return=representation") : NIL;
}

/*
 * postgrest_item_url
 *		The collection filtered by the key: collection?key=eq.value.
 */
static char *
postgrest_item_url(const RestTable *table, const char *key_text)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, table->collection_url);
	appendStringInfoChar(&buf, '?');
	RestAppendEncoded(&buf, postgrest_key_name(table));
	appendStringInfoString(&buf, "=eq.");
	if (key_text != NULL)
		RestAppendEncoded(&buf, key_text);
	else
		appendStringInfo(&buf, "{%s}", table->columns[table->key_index].attname);
	return buf.data;
}

/*
 * postgrest_delete_all_url
 *		Every row: the key is not null.
 */
static char *
postgrest_delete_all_url(const RestTable *table)
{
	return psprintf("%s?%s=not.is.null", table->collection_url,
					postgrest_key_name(table));
}

/*
 * postgrest_is_duplicate_refusal
 *		A 409 with the SQLSTATE of a unique or exclusion violation (not a
 *		foreign key's).
 */
static bool
postgrest_is_duplicate_refusal(const RestTable *table, RestResponse *resp)
{
	static const char *const codes[] = {"23505", "23P01", NULL};

	return resp->status == 409 && RestErrorCodeIn(resp, "/code", codes);
}

/* The fields not set are NULL, false or 0: what the dialect lacks. */
const RestDialectOps RestPostgrestDialect = {
	.name = "postgrest",

	.default_pagination = REST_PAGES_LIMIT,
	.default_batch_size = PGRST_DEFAULT_BATCH_SIZE,
	.default_filters = "*__*",
	.default_ordering = "*",

	.strict_filters = true,
	.filter_name = postgrest_filter_name,
	.condition_params = postgrest_condition_params,
	.tree_params = postgrest_tree_params,
	.repeat_is_and = postgrest_repeat_is_and,
	.append_value = postgrest_append_value,

	.nulls_order = REST_NULLS_EITHER,
	.sort_stable_without_key = RestNever,
	.sort_params = postgrest_sort_params,
	.projection_params = postgrest_projection_params,

	.pages_fit_limit = RestAnyWindow,
	.offset_without_limit = RestAlways,
	.first_page_params = postgrest_first_page_params,
	.nth_page_params = postgrest_nth_page_params,
	.count_params = postgrest_count_params,
	.offset_by_page_number = RestNever,
	.pages_addressable = RestAlways,
	.can_prefetch = postgrest_can_prefetch,
	.past_end_status = 416,
	.page = {
		.rows_members = RestEnvelopeRows,
		.next_paths = RestEnvelopeNext,
	},
	.more_after_range = postgrest_more_after_range,

	.reports_total = RestAlways,
	.total_text = postgrest_total_text,
	.total_description = "Content-Range total",

	.request_headers = postgrest_request_headers,
	.item_url = postgrest_item_url,
	.numbers = REST_NUMBERS_EXACT,
	.batch_insert = true,
	.can_change_key = true,
	.delete_returns_row = true,
	.delete_all_url = postgrest_delete_all_url,
	.is_duplicate_refusal = postgrest_is_duplicate_refusal,
};
