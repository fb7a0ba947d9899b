/*-------------------------------------------------------------------------
 *
 * dialect_odata.c
 *		  The odata dialect: OData v4, as SAP CAP serves it.
 *
 * Every condition sent is one $filter expression, joined with " and "
 * (param_conjunction): c eq v, not (c eq v), lt le gt ge, c in (a,b),
 * c eq null, startswith/endswith/contains(c,'x'), and OR/AND/NOT trees of
 * them.  Strings are quoted with ' and a ' inside doubled; numbers are
 * plain decimals; booleans, dates and instants unquoted.  $orderby sorts,
 * $select projects, $top and $skip cut a window; the service pages on its
 * own (@odata.nextLink, relative to the collection, followed to the end),
 * reports the total with $count=true (@odata.count), and addresses a row
 * as Books(4) or Genres('it''s').  It refuses a filter it does not know
 * (a 400), so what it accepts it applies.
 *
 * What OData says and what the service runs (SAP CAP over SQLite) differ
 * from PostgreSQL in places, and decide what is exact:
 *
 * - ne is IS NOT there (a NULL column is "not equal"), so <> is sent as
 *   not (c eq v), SQL's three-valued NOT of =.
 * - startswith/endswith/contains are false for a NULL column, not NULL;
 *   no difference at the top level or below AND/OR, but below a NOT they
 *   keep rows that PostgreSQL does not: then they are rechecked here, and
 *   LIMIT, OFFSET and count(*) stay here.  Their match is case-sensitive
 *   and byte for byte, as LIKE with a deterministic collation.
 * - Text compares byte for byte (SQLite's BINARY: code point order), which
 *   is the "C" order: text order is sent where the table vouches for it
 *   (collation_matches).  char(n) stays here: PostgreSQL ignores its
 *   trailing blanks, the service does not.  Case-insensitive lookups fold ASCII only there:
 *   they stay here.
 * - Decimals are doubles in the service: a decimal is sent only when it is
 *   the shortest text of a double, so that the service compares the value
 *   we do (the rows hold doubles, whose shortest text is what we read);
 *   other values stay here.  Integer columns compare integers exactly.
 * - Instants are compared as text in UTC with milliseconds: a value with
 *   more precision would be truncated, and stays here; so do dates and
 *   instants outside years 0002 to 9998, infinities and NaN.
 * - NULLs sort first ascending, last descending (nulls_order, SQLite's;
 *   the option nulls_sort says another database's), and OData cannot say
 *   otherwise: other sorts stay here, but for the key and NOT NULL
 *   columns.
 *
 * The service pages by itself (page_size is not asked: $top is a bound on
 * the rows, not a page), so pages are not asked for ahead.  A POST must
 * hold the key unless it is a uuid, which CAP generates: for any other key
 * CAP answers with a row it did not create.
 *
 * IMPORT FOREIGN SCHEMA reads the OpenAPI document @cap-js/openapi
 * compiles from the model (CAP serves none itself): entity sets in
 * {"@count", "value": [...]}, items at Books({ID}) or Genres('{code}'),
 * and of each entity type its structural properties, not its navigation
 * properties.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <jansson.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "nodes/nodeFuncs.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"

#include "dialect.h"

/* Value segment flags of this dialect. */
#define ODATA_INTEGRAL	REST_SEG_DIALECT_0	/* compared with an integer
											 * column: an integer */
#define ODATA_DOUBLE	REST_SEG_DIALECT_1	/* compared with a column the
											 * service holds as doubles */

/* The query option every condition goes into. */
#define ODATA_FILTER	"$filter"

/* What a column is to the service, for its literals. */
typedef enum OdataKind
{
	ODATA_OTHER,				/* nothing sent */
	ODATA_INTEGER,				/* Edm.Int16/32/64 */
	ODATA_DECIMAL,				/* Edm.Decimal/Double: doubles */
	ODATA_STRING,				/* Edm.String */
	ODATA_BOOLEAN,				/* Edm.Boolean */
	ODATA_DATE,					/* Edm.Date */
	ODATA_INSTANT,				/* Edm.DateTimeOffset */
	ODATA_GUID					/* Edm.Guid */
} OdataKind;

static OdataKind type_kind(Oid typid);
static bool condition_segments(RestDeparseContext *cxt, RestCondition *cond,
							   List **segments);
static bool comparison_segments(RestDeparseContext *cxt, RestCondition *cond,
								const char *name, const char *op, int flags,
								List **segments);
static bool in_segments(RestDeparseContext *cxt, RestCondition *cond,
						const char *name, int flags, List **segments);
static void pattern_segments(RestDeparseContext *cxt, RestCondition *cond,
							 const char *name, List **segments);
static bool value_segment(RestDeparseContext *cxt, RestCondition *cond,
						  RestValueFormat format, int flags,
						  List **segments);
static bool tree_segments(RestDeparseContext *cxt, Expr *clause,
						  List **segments);
static bool value_may_be_refused(RestCondition *cond, int flags);
static bool odata_value_writable(const RestParamValue *pv, bool list,
								 int flags);
static bool text_writable(const char *text, Oid typid, int flags);
static bool is_identifier(const char *name);
static bool is_integer_text(const char *text);
static bool is_shortest_double(const char *text);
static Datum numeric_of(const char *text);
static bool is_plain_date(const char *text);
static bool is_millisecond_instant(const char *text);
static void append_string_literal(StringInfo buf, const char *text);
static void append_sort_key(StringInfo buf, const RestSortKey *key);

/*
 * type_kind
 *		The kind of OData literal a type's values are.
 */
static OdataKind
type_kind(Oid typid)
{
	switch (getBaseType(typid))
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			return ODATA_INTEGER;
		case NUMERICOID:
		case FLOAT8OID:
			return ODATA_DECIMAL;
		case TEXTOID:
		case VARCHAROID:
			return ODATA_STRING;
		case BOOLOID:
			return ODATA_BOOLEAN;
		case DATEOID:
			return ODATA_DATE;
		case TIMESTAMPTZOID:
			return ODATA_INSTANT;
		case UUIDOID:
			return ODATA_GUID;
		default:
			return ODATA_OTHER;
	}
}

/*
 * odata_filter_name
 *		A member's name, when it is an OData identifier; a column inside a
 *		member has none here.
 */
static char *
odata_filter_name(const RestTable *table, const RestColumn *col)
{
	if (col->field == NULL || !is_identifier(col->field))
		return NULL;
	return pstrdup(col->field);
}

/*
 * is_identifier
 *		Is the name an OData simple identifier (a letter or _, then letters,
 *		digits and _)?  Only ASCII, which every service spells alike.
 */
static bool
is_identifier(const char *name)
{
	const char *p;

	for (p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			  *p == '_' || (p > name && *p >= '0' && *p <= '9')))
			return false;
	return p > name;
}

/*
 * odata_condition_params
 *		One $filter expression for a condition on one column.
 */
static List *
odata_condition_params(RestDeparseContext *cxt, RestCondition *cond)
{
	List	   *segments = NIL;

	if (!condition_segments(cxt, cond, &segments))
		return NIL;
	return list_make1(RestMakeParam(ODATA_FILTER, segments));
}

/*
 * odata_tree_params
 *		One $filter expression for an OR, AND or NOT tree, in parentheses.
 */
static List *
odata_tree_params(RestDeparseContext *cxt, BoolExpr *tree)
{
	List	   *segments = NIL;

	cxt->in_tree = true;
	cxt->under_not = false;
	if (!tree_segments(cxt, (Expr *) tree, &segments))
		return NIL;
	return list_make1(RestMakeParam(ODATA_FILTER, segments));
}

/*
 * tree_segments
 *		Append an operand of a logic tree: a condition, or (a or b ...),
 *		(a and b ...), not (a).
 */
static bool
tree_segments(RestDeparseContext *cxt, Expr *clause, List **segments)
{
	RestCondition cond;
	BoolExpr   *b;
	ListCell   *lc;
	bool		saved_under_not = cxt->under_not;

	if (RestRecogniseCondition(cxt, clause, &cond))
		return condition_segments(cxt, &cond, segments);
	if (!IsA(clause, BoolExpr))
		return false;

	b = (BoolExpr *) clause;
	if (b->boolop == NOT_EXPR)
	{
		cxt->under_not = true;
		*segments = lappend(*segments, makeString("not ("));
		if (!tree_segments(cxt, linitial(b->args), segments))
			return false;
		*segments = lappend(*segments, makeString(")"));
		cxt->under_not = saved_under_not;
		return true;
	}

	*segments = lappend(*segments, makeString("("));
	foreach(lc, b->args)
	{
		if (lc != list_head(b->args))
			*segments = lappend(*segments,
								makeString(b->boolop == OR_EXPR ? " or " : " and "));
		if (!tree_segments(cxt, lfirst(lc), segments))
			return false;
	}
	*segments = lappend(*segments, makeString(")"));
	return true;
}

/*
 * condition_segments
 *		Append the OData expression of a condition on one column; false if
 *		the service cannot say it as PostgreSQL means it.
 */
static bool
condition_segments(RestDeparseContext *cxt, RestCondition *cond,
				   List **segments)
{
	char	   *name = odata_filter_name(cxt->table, cond->col);
	OdataKind	kind = type_kind(cond->col->typid);
	int			flags = cxt->in_tree ? REST_SEG_IN_TREE : 0;
	const char *op;

	if (name == NULL || kind == ODATA_OTHER || !RestLookupDeclared(cond))
		return false;
	if (kind == ODATA_INTEGER)
		flags |= ODATA_INTEGRAL;
	else if (kind == ODATA_DECIMAL)
		flags |= ODATA_DOUBLE;

	switch (cond->lookup)
	{
		case REST_LOOKUP_EXACT:
			op = "eq";
			break;
		case REST_LOOKUP_NE:
			/* not (c eq v): OData's ne holds for a NULL column */
			*segments = lappend(*segments, makeString("not ("));
			if (!comparison_segments(cxt, cond, name, "eq", flags, segments))
				return false;
			*segments = lappend(*segments, makeString(")"));
			return true;
		case REST_LOOKUP_LT:
			op = "lt";
			break;
		case REST_LOOKUP_LTE:
			op = "le";
			break;
		case REST_LOOKUP_GT:
			op = "gt";
			break;
		case REST_LOOKUP_GTE:
			op = "ge";
			break;
		case REST_LOOKUP_IN:
			return in_segments(cxt, cond, name, flags, segments);
		case REST_LOOKUP_ISNULL:
			*segments = lappend(*segments,
								makeString(psprintf("%s %s null", name,
													strcmp(cond->literal, "true") == 0
													? "eq" : "ne")));
			return true;
		case REST_LOOKUP_STARTSWITH:
		case REST_LOOKUP_ENDSWITH:
		case REST_LOOKUP_CONTAINS:
			pattern_segments(cxt, cond, name, segments);
			return true;
		default:
			/* case-insensitive lookups: the service folds ASCII only */
			return false;
	}
	return comparison_segments(cxt, cond, name, op, flags, segments);
}

/*
 * comparison_segments
 *		Append "c op v", v a value or the literal of a LIKE without
 *		wildcards.
 */
static bool
comparison_segments(RestDeparseContext *cxt, RestCondition *cond,
					const char *name, const char *op, int flags,
					List **segments)
{
	*segments = lappend(*segments, makeString(psprintf("%s %s ", name, op)));
	if (cond->literal != NULL)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		append_string_literal(&buf, cond->literal);
		*segments = lappend(*segments, makeString(buf.data));
		return true;
	}
	return value_segment(cxt, cond, REST_FMT_PLAIN, flags, segments);
}

/*
 * in_segments
 *		Append "c in (a,b)", or "not (c in (a,b))" for NOT IN.  NULL
 *		elements drop out of a positive list no NOT looks at, where they
 *		change nothing; elsewhere they make the list unwritable.
 */
static bool
in_segments(RestDeparseContext *cxt, RestCondition *cond, const char *name,
			int flags, List **segments)
{
	if (cond->negated)
		flags |= REST_SEG_NEGATED | REST_SEG_NULLS_MATTER;
	else if (cxt->under_not)
		flags |= REST_SEG_NULLS_MATTER;
	else if (!cxt->in_tree)
		flags |= REST_SEG_SPLIT;
	*segments = lappend(*segments,
						makeString(psprintf("%s%s in (",
											cond->negated ? "not (" : "", name)));
	if (!value_segment(cxt, cond, REST_FMT_LIST, flags, segments))
		return false;
	*segments = lappend(*segments, makeString(cond->negated ? "))" : ")"));
	return true;
}

/*
 * pattern_segments
 *		Append startswith(c,'x'), endswith(c,'x') or contains(c,'x').  They
 *		are false, not NULL, for a NULL column: below a NOT they keep rows
 *		PostgreSQL does not, so they are checked here again.
 */
static void
pattern_segments(RestDeparseContext *cxt, RestCondition *cond,
				 const char *name, List **segments)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s(%s,",
					 cond->lookup == REST_LOOKUP_STARTSWITH ? "startswith" :
					 cond->lookup == REST_LOOKUP_ENDSWITH ? "endswith" :
					 "contains", name);
	append_string_literal(&buf, cond->literal);
	appendStringInfoChar(&buf, ')');
	*segments = lappend(*segments, makeString(buf.data));
	if (cxt->under_not)
	{
		cxt->needs_recheck = true;
		cxt->inexact = true;
	}
}

/*
 * value_segment
 *		Append the segment of a condition's value, if the service reads it
 *		as the value PostgreSQL compares.  A constant is checked now; a value
 *		known only at execution is checked then, and a value that cannot be
 *		written is left out of the URL (or, in a tree, the tree is), so such
 *		a condition is checked here again.
 */
static bool
value_segment(RestDeparseContext *cxt, RestCondition *cond,
			  RestValueFormat format, int flags, List **segments)
{
	if (IsA(cond->value, Const))
	{
		RestParamValue pv;
		Const	   *c = (Const *) cond->value;

		RestConstValue(c, &pv);
		if (cxt->in_tree)
		{
			/* a tree has no NULL to compare, and no empty list */
			if (pv.isnull)
				return false;
			if (format == REST_FMT_LIST &&
				(pv.nelems == 0 ||
				 (pv.has_nulls && (flags & REST_SEG_NULLS_MATTER))))
				return false;
		}
		if (!pv.isnull && !odata_value_writable(&pv, format == REST_FMT_LIST,
												flags))
			return false;
	}
	else if (cxt->in_tree || value_may_be_refused(cond, flags))
	{
		/* may be left out at execution: check it here too */
		cxt->needs_recheck = true;
		cxt->inexact = true;
	}
	*segments = lappend(*segments,
						RestValueSegment(cxt, cond->value, format, flags));
	return true;
}

/*
 * value_may_be_refused
 *		May a value of this condition, known only at execution, be one the
 *		service would read otherwise (odata_value_writable)?  Integers are
 *		always integers, and doubles and small integers always doubles.
 */
static bool
value_may_be_refused(RestCondition *cond, int flags)
{
	Oid			valtype = getBaseType(exprType((Node *) cond->value));

	if (cond->lookup == REST_LOOKUP_IN)
		valtype = getBaseType(get_element_type(valtype));
	if (flags & ODATA_INTEGRAL)
		return type_kind(valtype) != ODATA_INTEGER;
	if (flags & ODATA_DOUBLE)
		return !(valtype == FLOAT8OID || valtype == INT2OID ||
				 valtype == INT4OID);
	return type_kind(valtype) == ODATA_DATE ||
		type_kind(valtype) == ODATA_INSTANT;
}

/*
 * odata_value_writable
 *		Does the service read the value (every element of a list) as the
 *		value PostgreSQL compares?
 */
static bool
odata_value_writable(const RestParamValue *pv, bool list, int flags)
{
	int			i;

	if (!list)
		return text_writable(RestDatumToUrlValue(pv->value, pv->typid),
							 pv->typid, flags);
	for (i = 0; i < pv->nelems; i++)
		if (!text_writable(pv->elems[i], get_element_type(pv->typid), flags))
			return false;
	return true;
}

/*
 * text_writable
 *		Does the service read a value's text as that value?  Integer columns
 *		take integers; the service holds decimals as doubles, so a decimal
 *		must be the shortest text of its double; dates and instants must be
 *		in years the service writes with four digits, instants to the
 *		millisecond; no infinity or NaN.
 */
static bool
text_writable(const char *text, Oid typid, int flags)
{
	switch (type_kind(typid))
	{
		case ODATA_INTEGER:
		case ODATA_DECIMAL:
			if (flags & ODATA_INTEGRAL)
				return is_integer_text(text);
			if (flags & ODATA_DOUBLE)
				return is_shortest_double(text);
			return true;
		case ODATA_DATE:
			return is_plain_date(text);
		case ODATA_INSTANT:
			return is_millisecond_instant(text);
		case ODATA_OTHER:
			return false;
		default:
			return true;
	}
}

/*
 * is_integer_text
 *		Is the text an integer, possibly with a fraction of zeros ("3.00"),
 *		which the service reads as that integer?
 */
static bool
is_integer_text(const char *text)
{
	const char *p = text;

	if (*p == '-')
		p++;
	if (!isdigit((unsigned char) *p))
		return false;
	while (isdigit((unsigned char) *p))
		p++;
	if (*p == '.')
		while (*++p == '0')
			;
	return *p == '\0';
}

/*
 * is_shortest_double
 *		Is the number (plain or with an exponent) equal to the shortest
 *		decimal text of the double nearest to it?  Then the double the
 *		service compares stands for the same value: values that round to
 *		one double have only one shortest text.
 */
static bool
is_shortest_double(const char *text)
{
	char		shortest[DOUBLE_SHORTEST_DECIMAL_LEN];
	char	   *end;
	double		d;
	Datum		given;
	Datum		nearest;

	errno = 0;
	d = strtod(text, &end);
	if (end == text || *end != '\0' || errno == ERANGE || isnan(d) ||
		isinf(d))
		return false;
	double_to_shortest_decimal_buf(d, shortest);
	given = numeric_of(text);
	nearest = numeric_of(shortest);
	return DatumGetBool(OidFunctionCall2(F_NUMERIC_EQ, given, nearest));
}

/*
 * numeric_of
 *		The numeric a decimal text stands for.
 */
static Datum
numeric_of(const char *text)
{
	return OidFunctionCall3(F_NUMERIC_IN, CStringGetDatum(text),
							ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

/*
 * is_plain_date
 *		Is the text a date YYYY-MM-DD of years 0002 to 9998 (no era, no
 *		infinity)?
 */
static bool
is_plain_date(const char *text)
{
	int			i;
	int			year;

	for (i = 0; i < 10; i++)
	{
		if (i == 4 || i == 7)
		{
			if (text[i] != '-')
				return false;
		}
		else if (!isdigit((unsigned char) text[i]))
			return false;
	}
	year = atoi(text);
	return (text[10] == '\0' || text[10] == 'T') && year >= 2 && year <= 9998;
}

/*
 * is_millisecond_instant
 *		Is the text an instant YYYY-MM-DDTHH:MM:SS[.fff]+HH:MM (the ISO
 *		form rest_fdw writes) with nothing beyond milliseconds and an
 *		offset in minutes?  The service truncates the rest.
 */
static bool
is_millisecond_instant(const char *text)
{
	const char *p = text + 19;
	int			digits = 0;

	if (strlen(text) < 25 || !is_plain_date(text) ||
		strspn(text + 11, "0123456789:") != 8)
		return false;
	if (*p == '.')
	{
		for (p++; isdigit((unsigned char) *p); p++)
			if (++digits > 3 && *p != '0')
				return false;
	}
	return (*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
		strspn(p + 1, "0123456789:") == 5;
}

/*
 * odata_append_value
 *		A value as an OData literal: strings quoted, numbers as plain
 *		decimals (OData has no exponent), the rest as they are.
 */
static void
odata_append_value(StringInfo buf, const char *text, Oid typid, int flags)
{
	switch (type_kind(typid))
	{
		case ODATA_STRING:
			append_string_literal(buf, text);
			break;
		case ODATA_DECIMAL:
			if (strpbrk(text, "eE") != NULL)
			{
				appendStringInfoString(buf,
									   DatumGetCString(OidFunctionCall1(F_NUMERIC_OUT,
																		numeric_of(text))));
				break;
			}
			/* FALLTHROUGH */
		default:
			appendStringInfoString(buf, text);
			break;
	}
}

/*
 * append_string_literal
 *		Append 'text', a quote inside doubled.
 */
static void
append_string_literal(StringInfo buf, const char *text)
{
	const char *p;

	appendStringInfoChar(buf, '\'');
	for (p = text; *p; p++)
	{
		if (*p == '\'')
			appendStringInfoChar(buf, '\'');
		appendStringInfoChar(buf, *p);
	}
	appendStringInfoChar(buf, '\'');
}

/*
 * odata_sort_params
 *		$orderby=a desc,b.  The service puts NULLs first ascending and last
 *		descending (nulls_order), and cannot be told otherwise.
 */
static List *
odata_sort_params(const RestTable *table, List *keys)
{
	return RestSortParam("$orderby", keys, append_sort_key);
}

/*
 * append_sort_key
 *		A key of $orderby: the property, " desc" if descending.
 */
static void
append_sort_key(StringInfo buf, const RestSortKey *key)
{
	appendStringInfo(buf, "%s%s", key->name, key->descending ? " desc" : "");
}

/*
 * odata_projection_params
 *		$select=a,b of the columns' top-level members (the key comes too).
 */
static List *
odata_projection_params(const RestTable *table, List *columns)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, columns)
	{
		RestColumn *col = lfirst(lc);
		const char *member = col->field ? col->field : col->pointer[0];

		if (!is_identifier(member))
			return NIL;
		if (buf.len > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfoString(&buf, member);
	}
	return list_make1(RestMakeParam("$select",
									list_make1(makeString(buf.data))));
}

/*
 * odata_first_page_params
 *		$top=N&$skip=M for a window; the service pages it by itself (a
 *		$top above its page size comes in several pages, linked).  The page
 *		size is the service's, which the request does not say.
 */
static int64
odata_first_page_params(StringInfo url, const RestTable *table, int64 limit,
						int64 offset)
{
	if (limit >= 0)
		RestAppendIntParam(url, "$top", limit);
	if (offset > 0)
		RestAppendIntParam(url, "$skip", offset);
	return 0;
}

/*
 * odata_nth_page_params
 *		$skip and $top of page n.
 */
static void
odata_nth_page_params(StringInfo url, const RestTable *table, int64 size,
					  int64 offset, int64 n, int64 wanted)
{
	RestAppendNthWindow(url, "$top", "$skip", size, offset, n, wanted);
}

/*
 * odata_count_params
 *		No row: the total comes in @odata.count.
 */
static void
odata_count_params(StringInfo url, const RestTable *table)
{
	RestAppendParam(url, "$top", "0");
}

/*
 * odata_total_params
 *		$count=true.
 */
static void
odata_total_params(StringInfo url, const RestTable *table)
{
	RestAppendParam(url, "$count", "true");
}

/*
 * odata_can_prefetch
 *		The service's page size is its own: pages are not predictable.
 */
static bool
odata_can_prefetch(const RestTable *table, int64 limit)
{
	return false;
}

/*
 * odata_item_url
 *		Collection(key): an integer or a uuid as it is, anything else as a
 *		string literal; with a NULL text, Collection({key}) for EXPLAIN.
 */
static char *
odata_item_url(const RestTable *table, const char *key_text)
{
	const RestColumn *key = &table->columns[table->key_index];
	OdataKind	kind = type_kind(key->typid);
	StringInfoData literal;
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, table->collection_url);
	appendStringInfoChar(&buf, '(');
	if (key_text == NULL)
		appendStringInfo(&buf, "{%s}", key->attname);
	else if (kind == ODATA_INTEGER || kind == ODATA_GUID)
		RestAppendEncoded(&buf, key_text);
	else
	{
		initStringInfo(&literal);
		append_string_literal(&literal, key_text);
		RestAppendEncoded(&buf, literal.data);
	}
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * odata_write_body
 *		The object of the columns written.  A POST must hold the key unless
 *		it is a uuid, which the service generates.
 */
static char *
odata_write_body(RestTable *table, CmdType operation, TupleDesc tupdesc,
				 Datum *values, bool *isnull, bool *send,
				 const char *key_text, size_t *len)
{
	if (operation == CMD_INSERT && table->key_index >= 0)
	{
		RestColumn *key = &table->columns[table->key_index];
		int			i = key->attnum - 1;

		if ((!send[i] || isnull[i]) && type_kind(key->typid) != ODATA_GUID)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("null value in key column \"%s\" of foreign table \"%s\"",
							key->attname, table->relname),
					 errdetail("An OData service generates keys of type Edm.Guid only; for another key, SAP CAP answers with a row it did not create."),
					 errhint("Give the key a value in the INSERT.")));
	}
	return RestBuildBody(table, tupdesc, values, isnull, send, len);
}

/*
 * odata_is_duplicate_refusal
 *		An error whose code is SQLite's for a primary key or unique
 *		constraint (what CAP passes on, with status 500), or CAP's
 *		ENTITY_ALREADY_EXISTS.
 */
static bool
odata_is_duplicate_refusal(const RestTable *table, RestResponse *resp)
{
	static const char *const codes[] = {
		"SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE",
		"ENTITY_ALREADY_EXISTS", NULL
	};

	return (resp->status == 400 || resp->status == 409 ||
			resp->status == 500) &&
		RestErrorCodeIn(resp, "/error/code", codes);
}

/*
 * odata_import_item_param
 *		The key of an item path of the collection, Books({ID}) or
 *		Genres('{code}') (one key property); NULL for any other path.
 */
static char *
odata_import_item_param(const char *collection_path, const char *path)
{
	size_t		len = strlen(collection_path);
	const char *name;
	const char *close;
	const char *end;
	bool		quoted;

	if (strncmp(path, collection_path, len) != 0 || path[len] != '(')
		return NULL;
	name = path + len + 1;
	quoted = (*name == '\'');
	if (quoted)
		name++;
	if (*name != '{')
		return NULL;
	name++;
	close = strchr(name, '}');
	if (close == NULL || close == name)
		return NULL;
	end = close + 1;
	if (quoted && *end++ != '\'')
		return NULL;
	if (strcmp(end, ")") != 0)
		return NULL;
	return pnstrdup(name, close - name);
}

/*
 * number_type
 *		The SQL type of a property that the document declares a number
 *		(Edm.Decimal with x-sap-precision and x-sap-scale: numeric(p,s)),
 *		possibly as a string too (Edm.Int64 and Edm.Decimal are anyOf
 *		[number, string], for IEEE754Compatible): the number's type, else
 *		NULL (the type the schema says).
 */
static const char *
number_type(RestImport *imp, json_t *schema)
{
	json_t	   *precision = json_object_get(schema, "x-sap-precision");
	json_t	   *scale = json_object_get(schema, "x-sap-scale");
	json_t	   *branches = json_object_get(schema, "anyOf");
	json_t	   *number = NULL;
	bool		string = false;
	size_t		i;

	/* the document's numbers are parsed as doubles */
	if (json_is_number(precision) && json_is_number(scale) &&
		json_number_value(precision) >= 1 &&
		json_number_value(precision) <= 1000 &&
		json_number_value(scale) >= 0 &&
		json_number_value(scale) <= json_number_value(precision) &&
		json_number_value(precision) == floor(json_number_value(precision)) &&
		json_number_value(scale) == floor(json_number_value(scale)))
		return psprintf("numeric(%d,%d)", (int) json_number_value(precision),
						(int) json_number_value(scale));
	for (i = 0; i < json_array_size(branches); i++)
	{
		json_t	   *branch = json_array_get(branches, i);
		const char *type = json_string_value(json_object_get(branch, "type"));

		if (type != NULL &&
			(strcmp(type, "number") == 0 || strcmp(type, "integer") == 0))
			number = branch;
		else if (type != NULL && strcmp(type, "string") == 0 &&
				 json_object_get(branch, "format") == NULL)
			string = true;
	}
	if (json_array_size(branches) == 2 && number != NULL && string)
		return RestImportType(imp, number);
	return NULL;
}

/*
 * odata_import_columns
 *		A column for each structural property of an entity type, named and
 *		typed as the document says (number_type), but not for navigation
 *		properties: an object of another entity type or an array of them,
 *		which the service sends only with $expand.
 */
static List *
odata_import_columns(RestImport *imp, json_t *row_schema)
{
	List	   *fields = NIL;
	ListCell   *lc;

	foreach(lc, RestImportPropertyFields(imp, row_schema))
	{
		RestImportField *field = lfirst(lc);
		json_t	   *items = RestImportArrayItems(imp, field->schema);

		if (RestImportProperties(imp, field->schema) != NIL ||
			(items != NULL && RestImportProperties(imp, items) != NIL))
			continue;
		field->sqltype = number_type(imp, field->schema);
		fields = lappend(fields, field);
	}
	return fields;
}

/* OData 4.01's short name of the total, in the documents' list schemas. */
static const char *const odata_envelope[] = {"@count", NULL};

/* Where the rows, the next page and the total are in a page. */
static const char *const odata_rows[] = {"value", NULL};
static const char *const odata_next[] = {"/@odata.nextLink", NULL};
static const char *const odata_total[] = {"/@odata.count", NULL};

/* The fields not set are NULL, false or 0: what the dialect lacks. */
const RestDialectOps RestOdataDialect = {
	.name = "odata",

	.default_pagination = REST_PAGES_CURSOR,
	.default_batch_size = 1,
	.default_filters = "*__*",
	.default_ordering = "*",
	.import_envelope_members = odata_envelope,
	.import_item_param = odata_import_item_param,
	.import_columns = odata_import_columns,

	.strict_filters = true,
	.filter_name = odata_filter_name,
	.condition_params = odata_condition_params,
	.tree_params = odata_tree_params,
	.param_conjunction = " and ",
	.append_value = odata_append_value,
	.value_writable = odata_value_writable,

	/* CAP over SQLite (and HANA): NULLs first ascending, last descending */
	.nulls_order = REST_NULLS_LOW,
	.sort_stable_without_key = RestAlways,
	.sort_params = odata_sort_params,
	.projection_params = odata_projection_params,

	.pages_fit_limit = RestAnyWindow,
	.offset_without_limit = RestAlways,
	.first_page_params = odata_first_page_params,
	.nth_page_params = odata_nth_page_params,
	.count_params = odata_count_params,
	.offset_by_page_number = RestNever,
	.pages_addressable = RestAlways,
	.can_prefetch = odata_can_prefetch,
	.names_every_next_page = true,
	.page = {
		.rows_members = odata_rows,
		.next_paths = odata_next,
		.total_paths = odata_total,
	},

	.reports_total = RestAlways,
	.total_params = odata_total_params,
	.total_text = RestReaderTotal,
	.total_description = "\"@odata.count\" member",

	.item_url = odata_item_url,
	.write_body = odata_write_body,
	.numbers = REST_NUMBERS_DOUBLES,
	.is_duplicate_refusal = odata_is_duplicate_refusal,
};
