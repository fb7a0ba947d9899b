/*-------------------------------------------------------------------------
 *
 * json.c
 *		  JSON <-> datum conversions for rest_fdw
 *
 * The members the page reader (jsonscan.c) finds are spans of the
 * response, converted here to datums with the column type's own input
 * function, so that numbers keep their exact text and every type's usual
 * rules (typmods, domains, ...) apply; a JSON array becomes an SQL array.
 * The way back, building request bodies for INSERT and UPDATE, writes
 * each value with the type's own output, so that numbers keep their exact
 * digits there too, in the number form the dialect's service reads
 * (RestJsonNumbers); so does the text of a value in a URL.
 *
 * Text given to input functions is converted to the database encoding
 * when that is not UTF-8; text sent to the service is converted to UTF-8.
 * The conversion state of a table's columns (type I/O, the reader's
 * member matcher) is made once per table by RestPrepareColumns, and kept
 * with it (tablecache.c); it also picks each column's direct conversion
 * (convert.c): the usual forms of the common types become datums without
 * the input function, which still converts everything else.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <float.h>
#include <math.h>

#include "dialect.h"
#include "json_internal.h"

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

/*
 * Values longer than this are converted in a fresh buffer rather than the
 * reusable scratch buffer, so that one huge value does not keep a huge
 * buffer alive for the whole scan.
 */
#define REST_SCRATCH_LIMIT		65536

/* What kind of conversion a column needs. */
typedef enum RestTypeCategory
{
	REST_CAT_JSON,				/* json or jsonb: raw JSON text */
	REST_CAT_ARRAY,				/* array: built from a JSON array */
	REST_CAT_BOOL,				/* boolean category */
	REST_CAT_NUMBER,			/* numeric category */
	REST_CAT_TEXT,				/* string category */
	REST_CAT_OTHER				/* anything else */
} RestTypeCategory;

/* Per-column conversion state (RestColumn.io). */
typedef struct RestColumnIO
{
	RestJsonPlan *plan;			/* shared by all columns of the table */
	RestTypeCategory category;
	Oid			base_typid;		/* the type, or a domain's base type */
	bool		is_domain;
	/* reading */
	FmgrInfo	in_func;
	Oid			typioparam;
	/* writing */
	FmgrInfo	out_func;
	/* arrays */
	Oid			elem_typid;
	int16		elem_typlen;
	bool		elem_typbyval;
	char		elem_typalign;
	bool		elem_is_json;	/* elements are json or jsonb */
	FmgrInfo	elem_in_func;
	Oid			elem_typioparam;
	void	   *domain_extra;	/* domain_check's cache */
	RestConverter fast;			/* direct conversion (convert.c), or NULL */
	bool		is_text;		/* text, unescaped straight into the datum */
	MemoryContext cxt;			/* where this lives */
} RestColumnIO;

/* What the error context callbacks print. */
typedef struct ConversionErrorInfo
{
	RestTable  *table;
	RestColumn *col;
	const char *url;			/* NULL when building a request */
} ConversionErrorInfo;

/* Used when a table has no column to read. */
static RestJsonPlan empty_plan;

static pg_noreturn void json_mismatch_error(RestColumn *col,
											const char *what);

/* Report a JSON value that cannot be stored in a column of its type. */
static void
json_mismatch_error(RestColumn *col, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("cannot store %s in column \"%s\" of type %s",
					what, col->attname,
					format_type_with_typemod(col->typid, col->typmod))));
}

/* Error context while converting a member to a column, or a column to JSON. */
static void
conversion_error_callback(void *arg)
{
	ConversionErrorInfo *info = (ConversionErrorInfo *) arg;

	if (info->url)
		errcontext("column \"%s\" of foreign table \"%s\", response to %s",
				   info->col->attname, info->table->relname,
				   RestRequestName(info->url));
	else
		errcontext("column \"%s\" of foreign table \"%s\"",
				   info->col->attname, info->table->relname);
}



/*
 * ---------------------------------------------------------------------
 * Column preparation
 * ---------------------------------------------------------------------
 */

/* Look up what a column's type needs for conversions both ways. */
static void
prepare_type_io(RestColumnIO *io, Oid typid)
{
	Oid			func;
	bool		isvarlena;
	Oid			elem;

	io->base_typid = getBaseType(typid);
	io->is_domain = (io->base_typid != typid);
	getTypeInputInfo(typid, &func, &io->typioparam);
	fmgr_info(func, &io->in_func);
	getTypeOutputInfo(typid, &func, &isvarlena);
	fmgr_info(func, &io->out_func);

	if (io->base_typid == JSONOID || io->base_typid == JSONBOID)
		io->category = REST_CAT_JSON;
	else if ((elem = get_element_type(io->base_typid)) != InvalidOid)
	{
		Oid			elem_base = getBaseType(elem);

		io->category = REST_CAT_ARRAY;
		io->elem_typid = elem;
		io->elem_is_json = (elem_base == JSONOID || elem_base == JSONBOID);
		get_typlenbyvalalign(elem, &io->elem_typlen, &io->elem_typbyval,
							 &io->elem_typalign);
		getTypeInputInfo(elem, &func, &io->elem_typioparam);
		fmgr_info(func, &io->elem_in_func);
	}
	else
	{
		char		category;
		bool		preferred;

		get_type_category_preferred(io->base_typid, &category, &preferred);
		switch (category)
		{
			case TYPCATEGORY_BOOLEAN:
				io->category = REST_CAT_BOOL;
				break;
			case TYPCATEGORY_NUMERIC:
				io->category = REST_CAT_NUMBER;
				break;
			case TYPCATEGORY_STRING:
				io->category = REST_CAT_TEXT;
				break;
			default:
				io->category = REST_CAT_OTHER;
				break;
		}
	}
}

/*
 * Prepare every column of a table for conversions: type I/O functions and
 * the member-name matcher, unless done.  Everything lives where the table
 * does (tablecache.c keeps it with the table).
 */
void
RestPrepareColumns(RestTable *table)
{
	RestJsonPlan *plan;
	MemoryContext oldcxt;

	for (int i = 0; i < table->ncolumns; i++)
		if (table->columns[i].io != NULL)
			return;
	oldcxt = MemoryContextSwitchTo(GetMemoryChunkContext(table));
	plan = palloc0(sizeof(RestJsonPlan));
	plan->convert = (GetDatabaseEncoding() != PG_UTF8);
	initStringInfo(&plan->scratch);

	for (int i = 0; i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];
		RestColumnIO *io;

		if (col->dropped)
		{
			col->io = NULL;
			continue;
		}
		io = palloc0(sizeof(RestColumnIO));
		io->plan = plan;
		io->cxt = CurrentMemoryContext;
		prepare_type_io(io, col->typid);
		io->fast = RestChooseConverter(col->typid, col->typmod, plan->convert);
		io->is_text = (col->typid == TEXTOID && !plan->convert &&
					   io->category == REST_CAT_TEXT);
		RestJsonPlanAddColumn(plan, col, i);
		col->io = io;
	}
	MemoryContextSwitchTo(oldcxt);
}

/* The table's shared conversion state, preparing the columns if needed. */
RestJsonPlan *
RestJsonTablePlan(RestTable *table)
{
	for (int i = 0; i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];

		if (col->dropped)
			continue;
		if (col->io == NULL)
		{
			/* not prepared: do it where the table itself lives */
			MemoryContext oldcxt;

			oldcxt = MemoryContextSwitchTo(GetMemoryChunkContext(table));
			RestPrepareColumns(table);
			MemoryContextSwitchTo(oldcxt);
		}
		return col->io->plan;
	}
	return &empty_plan;
}

/* A column's conversion state, preparing the columns if needed. */
static RestColumnIO *
column_io(RestTable *table, RestColumn *col)
{
	if (col->io == NULL)
		(void) RestJsonTablePlan(table);
	Assert(col->io != NULL);
	return col->io;
}

/*
 * ---------------------------------------------------------------------
 * JSON to datums
 * ---------------------------------------------------------------------
 */

/*
 * Text of a value, NUL-terminated, in the server encoding: a string's
 * unescaped contents (unless raw), or the JSON text of the value.  Short
 * results are written to the plan's scratch buffer, which the next call
 * reuses; the caller must be done with the text by then.
 */
static char *
value_cstring(RestJsonPlan *plan, const RestJsonValue *value, bool raw)
{
	const char *src = value->start;
	size_t		srclen = value->len;
	char	   *dst;
	size_t		dstlen;

	if (value->kind == REST_JSON_STRING && raw)
	{
		src--;
		srclen += 2;
	}
	if (srclen < REST_SCRATCH_LIMIT)
	{
		resetStringInfo(&plan->scratch);
		enlargeStringInfo(&plan->scratch, srclen + 1);
		dst = plan->scratch.data;
	}
	else
		dst = palloc(srclen + 1);

	if (value->kind == REST_JSON_STRING && !raw && value->escaped)
		dstlen = RestJsonUnescape(dst, src, srclen, true);
	else
	{
		memcpy(dst, src, srclen);
		dst[srclen] = '\0';
		dstlen = srclen;
	}

	if (plan->convert)
		dst = pg_any_to_server(dst, dstlen, PG_UTF8);
	return dst;
}

/* Call a column's input function on a value's text. */
static inline Datum
input_value(RestColumnIO *io, RestColumn *col, const RestJsonValue *value,
			bool raw)
{
	char	   *text = value_cstring(io->plan, value, raw);

	return InputFunctionCall(&io->in_func, text, io->typioparam, col->typmod);
}

/* Build a one-dimensional array from a JSON array of scalars. */
static Datum
json_array_to_datum(RestColumnIO *io, RestColumn *col,
					const RestJsonValue *value)
{
	JsonCursor	cur;
	Datum	   *elems;
	bool	   *nulls;
	int			n = 0;
	int			cap = 16;
	int			dims[1];
	int			lbs[1];
	Datum		result;

	/* the array was validated when it was scanned */
	cur.buf = value->start;
	cur.end = value->start + value->len;
	cur.url = NULL;
	cur.p = skip_ws(value->start + 1);

	if (*cur.p == ']')
		result = PointerGetDatum(construct_empty_array(io->elem_typid));
	else
	{
		elems = palloc(cap * sizeof(Datum));
		nulls = palloc(cap * sizeof(bool));
		for (;;)
		{
			RestJsonValue ev;

			RestJsonScanValue(&cur, &ev, 0);
			if (n == cap)
			{
				cap *= 2;
				elems = repalloc(elems, cap * sizeof(Datum));
				nulls = repalloc(nulls, cap * sizeof(bool));
			}
			if (ev.kind == REST_JSON_NULL)
			{
				elems[n] = (Datum) 0;
				nulls[n] = true;
			}
			else
			{
				char	   *text;

				if (!io->elem_is_json &&
					(ev.kind == REST_JSON_OBJECT || ev.kind == REST_JSON_ARRAY))
					json_mismatch_error(col, ev.kind == REST_JSON_OBJECT ?
										"a JSON array holding an object" :
										"a nested JSON array");
				text = value_cstring(io->plan, &ev, io->elem_is_json);
				elems[n] = InputFunctionCall(&io->elem_in_func, text,
											 io->elem_typioparam, col->typmod);
				nulls[n] = false;
			}
			n++;
			cur.p = skip_ws(cur.p);
			if (*cur.p != ',')
				break;
			cur.p = skip_ws(cur.p + 1);
		}
		dims[0] = n;
		lbs[0] = 1;
		result = PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
													io->elem_typid,
													io->elem_typlen,
													io->elem_typbyval,
													io->elem_typalign));
	}

	if (io->is_domain)
		domain_check(result, false, col->typid, &io->domain_extra, io->cxt);
	return result;
}

/*
 * Convert a value without the input function, if its column's type and
 * its form allow: the direct conversions of convert.c, and a text column
 * in a UTF-8 database, unescaped straight into the datum.  These raise no
 * errors, so they need no error context.
 */
static inline bool
convert_direct(RestColumnIO *io, RestColumn *col, const RestJsonValue *value,
			   Datum *result)
{
	if (io->fast != NULL)
		return io->fast(value, col->typmod, result);
	if (io->is_text)
	{
		text	   *t = palloc(VARHDRSZ + value->len + 1);
		size_t		len = value->len;

		if (value->kind == REST_JSON_STRING && value->escaped)
			len = RestJsonUnescape(VARDATA(t), value->start, value->len, true);
		else
			memcpy(VARDATA(t), value->start, value->len);
		SET_VARSIZE(t, VARHDRSZ + len);
		*result = PointerGetDatum(t);
		return true;
	}
	return false;
}

/* Convert a non-null value to a column's type with the input function. */
static Datum
convert_value(RestColumnIO *io, RestColumn *col, const RestJsonValue *value)
{
	bool		container = (value->kind == REST_JSON_OBJECT ||
							 value->kind == REST_JSON_ARRAY);

	switch (io->category)
	{
		case REST_CAT_JSON:
			return input_value(io, col, value, true);

		case REST_CAT_ARRAY:
			if (value->kind == REST_JSON_ARRAY)
				return json_array_to_datum(io, col, value);
			if (value->kind == REST_JSON_OBJECT)
				json_mismatch_error(col, "a JSON object");
			/* a string like '{1,2}' goes to array_in */
			return input_value(io, col, value, false);

		case REST_CAT_BOOL:
			if (container)
				json_mismatch_error(col, value->kind == REST_JSON_OBJECT ?
									"a JSON object" : "a JSON array");
			if (col->typid == BOOLOID)
			{
				if (value->kind == REST_JSON_TRUE)
					return BoolGetDatum(true);
				if (value->kind == REST_JSON_FALSE)
					return BoolGetDatum(false);
			}
			return input_value(io, col, value, false);

		case REST_CAT_NUMBER:
			if (container)
				json_mismatch_error(col, value->kind == REST_JSON_OBJECT ?
									"a JSON object" : "a JSON array");
			return input_value(io, col, value, false);

		case REST_CAT_TEXT:
			return input_value(io, col, value, false);

		case REST_CAT_OTHER:
			if (value->kind == REST_JSON_ARRAY)
				json_mismatch_error(col, "a JSON array");
			return input_value(io, col, value, false);
	}
	pg_unreachable();
}

/*
 * Convert a member's value to a column's type with the type's input
 * function.  Missing members and JSON nulls are SQL nulls.
 */
Datum
RestJsonToDatum(RestTable *table, RestColumn *col, RestJsonValue *value,
				const char *url, bool *isnull)
{
	ConversionErrorInfo info;
	ErrorContextCallback errcallback;
	RestColumnIO *io;
	Datum		result;

	if (value->kind == REST_JSON_MISSING || value->kind == REST_JSON_NULL)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;

	/* the common types' usual forms, without the input function */
	io = column_io(table, col);
	if (convert_direct(io, col, value, &result))
		return result;

	info.table = table;
	info.col = col;
	info.url = url ? url : "";
	errcallback.callback = conversion_error_callback;
	errcallback.arg = &info;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	result = convert_value(io, col, value);

	error_context_stack = errcallback.previous;
	return result;
}

/*
 * Text of a value, palloc'd, in the server encoding: a string's unescaped
 * contents, or the JSON text of anything else.  NULL if missing.
 */
char *
RestJsonValueText(RestJsonValue *value)
{
	char	   *result;
	size_t		len = value->len;

	if (value->kind == REST_JSON_MISSING)
		return NULL;

	result = palloc(value->len + 1);
	if (value->kind == REST_JSON_STRING && value->escaped)
		len = RestJsonUnescape(result, value->start, value->len, true);
	else
	{
		memcpy(result, value->start, value->len);
		result[len] = '\0';
	}
	return pg_any_to_server(result, len, PG_UTF8);
}


/*
 * ---------------------------------------------------------------------
 * Datums to JSON
 *
 * A request body is written as text.  Each value is written on its own:
 * numbers with exactly the digits PostgreSQL prints, json and jsonb values
 * as they are, so that no value passes through a C double on its way.
 * Only the objects of JSON Pointer paths need a tree, a small one of
 * BodyMembers kept in the order of the columns.
 * ---------------------------------------------------------------------
 */

/* A member of a request body being built: a value, or an object. */
typedef struct BodyMember
{
	char	   *name;			/* member name, UTF-8 */
	char	   *json;			/* the value's JSON text; NULL: an object */
	List	   *members;		/* BodyMember of the object, in order */
} BodyMember;

static void datum_to_json(StringInfo buf, RestJsonNumbers numbers,
						  Datum value, bool isnull, Oid typid,
						  FmgrInfo *out_func);

/* Text in the server encoding converted to UTF-8, which it must be. */
static char *
text_to_utf8(const char *text)
{
	char	   *utf8 = pg_server_to_any(text, strlen(text), PG_UTF8);

	/* SQL_ASCII text is not converted, and may hold any bytes */
	if (GetDatabaseEncoding() == PG_SQL_ASCII &&
		!pg_verify_mbstr(PG_UTF8, utf8, strlen(utf8), true))
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("value cannot be sent as JSON"),
				 errdetail("The value is not valid UTF-8.")));
	return utf8;
}

/* Append text (server encoding) as a JSON string. */
static void
append_json_string(StringInfo buf, const char *text)
{
	escape_json(buf, text_to_utf8(text));
}

/* Report a float or numeric that JSON cannot represent. */
static void
non_finite_error(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot convert NaN or infinity to a JSON number")));
}

/*
 * json-server keeps numbers as JavaScript numbers (doubles) and writes
 * them back in their shortest form: refuse a number that would not come
 * back with the value sent.
 */
static void
check_javascript_number(const char *digits)
{
	double		d;
	char		shortest[DOUBLE_SHORTEST_DECIMAL_LEN];
	int			ndigits = 0;

	/* up to DBL_DIG significant digits come back unchanged */
	for (const char *p = digits; *p; p++)
		if (isdigit((unsigned char) *p))
			ndigits++;
	if (ndigits <= DBL_DIG)
		return;

	d = strtod(digits, NULL);
	if (!isinf(d))
	{
		Datum		sent;
		Datum		kept;

		double_to_shortest_decimal_buf(d, shortest);
		sent = DirectFunctionCall3(numeric_in, CStringGetDatum(digits),
								   ObjectIdGetDatum(InvalidOid),
								   Int32GetDatum(-1));
		kept = DirectFunctionCall3(numeric_in, CStringGetDatum(shortest),
								   ObjectIdGetDatum(InvalidOid),
								   Int32GetDatum(-1));
		if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, sent, kept)) == 0)
			return;
	}
	else
		strlcpy(shortest, "Infinity", sizeof(shortest));
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("value %s cannot be stored exactly by json-server", digits),
			 errdetail("json-server keeps numbers as JavaScript numbers; it would store %s.",
					   shortest)));
}

/*
 * Append a number's digits as a JSON number; for json-server only when it
 * keeps them.
 */
static void
append_json_number(StringInfo buf, RestJsonNumbers numbers,
				   const char *digits)
{
	if (numbers == REST_NUMBERS_DOUBLES)
		check_javascript_number(digits);
	appendStringInfoString(buf, digits);
}

/* Output text of a value, with a given output function or its type's. */
static char *
output_text(Datum value, Oid typid, FmgrInfo *out_func)
{
	Oid			func;
	bool		isvarlena;

	if (out_func)
		return OutputFunctionCall(out_func, value);
	getTypeOutputInfo(typid, &func, &isvarlena);
	return OidOutputFunctionCall(func, value);
}

/* Append the elements of one dimension of an array, recursing. */
static void
array_level_to_json(StringInfo buf, RestJsonNumbers numbers, int ndim,
					int *dims, int level, Datum *elems, bool *nulls,
					int *index, Oid elemtype, FmgrInfo *elem_out)
{
	appendStringInfoChar(buf, '[');
	for (int i = 0; i < dims[level]; i++)
	{
		if (i > 0)
			appendStringInfoChar(buf, ',');
		if (level == ndim - 1)
		{
			datum_to_json(buf, numbers, elems[*index], nulls[*index],
						  elemtype, elem_out);
			(*index)++;
		}
		else
			array_level_to_json(buf, numbers, ndim, dims, level + 1, elems,
								nulls, index, elemtype, elem_out);
	}
	appendStringInfoChar(buf, ']');
}

/* Append an array value as (nested) JSON arrays. */
static void
array_datum_to_json(StringInfo buf, RestJsonNumbers numbers, Datum value)
{
	ArrayType  *array = DatumGetArrayTypeP(value);
	Oid			elemtype = ARR_ELEMTYPE(array);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int			index = 0;
	Oid			func;
	bool		isvarlena;
	FmgrInfo	elem_out;

	check_stack_depth();
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	getTypeOutputInfo(elemtype, &func, &isvarlena);
	fmgr_info(func, &elem_out);
	deconstruct_array(array, elemtype, typlen, typbyval, typalign,
					  &elems, &nulls, &nelems);

	if (ARR_NDIM(array) == 0)
		appendStringInfoString(buf, "[]");
	else
		array_level_to_json(buf, numbers, ARR_NDIM(array), ARR_DIMS(array),
							0, elems, nulls, &index, elemtype, &elem_out);
}

/*
 * Append a datum of type typid as JSON.  out_func, if not NULL, is the
 * type's output function.
 *
 * Numbers are JSON numbers, so that a service compares and sorts them as
 * numbers, except that numeric goes to Django REST framework as a string:
 * its JSON parser reads numbers as floats, while its DecimalField reads
 * (and writes) strings with every digit.
 */
static void
datum_to_json(StringInfo buf, RestJsonNumbers numbers, Datum value,
			  bool isnull, Oid typid, FmgrInfo *out_func)
{
	Oid			base;

	if (isnull)
	{
		appendStringInfoString(buf, "null");
		return;
	}

	base = getBaseType(typid);
	switch (base)
	{
		case BOOLOID:
			appendStringInfoString(buf, DatumGetBool(value) ? "true" : "false");
			break;
		case INT2OID:
			appendStringInfo(buf, "%d", (int) DatumGetInt16(value));
			break;
		case INT4OID:
			appendStringInfo(buf, "%d", (int) DatumGetInt32(value));
			break;
		case INT8OID:
			{
				char		digits[MAXINT8LEN + 1];

				snprintf(digits, sizeof(digits), INT64_FORMAT,
						 DatumGetInt64(value));
				append_json_number(buf, numbers, digits);
				break;
			}
		case FLOAT4OID:
			{
				float4		f = DatumGetFloat4(value);
				char		digits[FLOAT_SHORTEST_DECIMAL_LEN];

				if (isnan(f) || isinf(f))
					non_finite_error();
				float_to_shortest_decimal_buf(f, digits);
				appendStringInfoString(buf, digits);
				break;
			}
		case FLOAT8OID:
			{
				float8		d = DatumGetFloat8(value);
				char		digits[DOUBLE_SHORTEST_DECIMAL_LEN];

				if (isnan(d) || isinf(d))
					non_finite_error();
				double_to_shortest_decimal_buf(d, digits);
				appendStringInfoString(buf, digits);
				break;
			}
		case NUMERICOID:
			{
				Numeric		num = DatumGetNumeric(value);
				char	   *digits;

				if (numeric_is_nan(num) || numeric_is_inf(num))
					non_finite_error();
				digits = DatumGetCString(DirectFunctionCall1(numeric_out,
															 value));
				if (numbers == REST_NUMBERS_DECIMAL_STRINGS)
					append_json_string(buf, digits);
				else
					append_json_number(buf, numbers, digits);
				break;
			}
		case JSONOID:
		case JSONBOID:
			/* valid JSON text already: sent as it is */
			appendStringInfoString(buf,
								   text_to_utf8(output_text(value, typid,
															out_func)));
			break;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			append_json_string(buf, JsonEncodeDateTime(NULL, value, base,
													   NULL));
			break;
		default:
			if (get_element_type(base) != InvalidOid)
				array_datum_to_json(buf, numbers, value);
			else
				append_json_string(buf, output_text(value, typid, out_func));
			break;
	}
}

/* Report two columns writing the same JSON member. */
static void
member_conflict_error(RestColumn *col, const char *segment)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("JSON member \"%s\" of column \"%s\" is already set by another column",
					segment, col->attname)));
}

/* The member named name (UTF-8) of a list of members, or NULL. */
static BodyMember *
find_member(List *members, const char *name)
{
	ListCell   *lc;

	foreach(lc, members)
	{
		BodyMember *member = lfirst(lc);

		if (strcmp(member->name, name) == 0)
			return member;
	}
	return NULL;
}

/*
 * A new member for a column's value, in the object its JSON Pointer path
 * leads to, creating the objects on the way.
 */
static BodyMember *
column_member(List **root, RestColumn *col)
{
	List	  **members = root;
	BodyMember *member;
	const char *last;

	for (int s = 0; s < col->npointer - 1; s++)
	{
		char	   *name = text_to_utf8(col->pointer[s]);

		member = find_member(*members, name);
		if (member == NULL)
		{
			member = palloc0(sizeof(BodyMember));
			member->name = name;
			*members = lappend(*members, member);
		}
		else if (member->json != NULL)
			member_conflict_error(col, col->pointer[s]);
		members = &member->members;
	}

	last = col->npointer > 0 ? col->pointer[col->npointer - 1]
		: (col->field ? col->field : col->attname);
	if (find_member(*members, text_to_utf8(last)) != NULL)
		member_conflict_error(col, last);
	member = palloc0(sizeof(BodyMember));
	member->name = text_to_utf8(last);
	*members = lappend(*members, member);
	return member;
}

/* Append an object of members. */
static void
append_members(StringInfo buf, List *members)
{
	ListCell   *lc;

	appendStringInfoChar(buf, '{');
	foreach(lc, members)
	{
		BodyMember *member = lfirst(lc);

		if (foreach_current_index(lc) > 0)
			appendStringInfoChar(buf, ',');
		escape_json(buf, member->name);
		appendStringInfoChar(buf, ':');
		if (member->json)
			appendStringInfoString(buf, member->json);
		else
			append_members(buf, member->members);
	}
	appendStringInfoChar(buf, '}');
}

/*
 * Build the JSON body of an INSERT or UPDATE: an object with a member for
 * each column to send, nested along JSON Pointer paths.  The result is
 * palloc'd, UTF-8 and NUL-terminated; *len is its length.
 */
char *
RestBuildBody(RestTable *table, TupleDesc tupdesc, Datum *values,
			  bool *isnull, bool *send, size_t *len)
{
	List	   *members = NIL;
	StringInfoData buf;

	for (int i = 0; i < tupdesc->natts && i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i);
		ConversionErrorInfo info;
		ErrorContextCallback errcallback;
		StringInfoData value;

		if (!send[i] || col->dropped || attr->attisdropped)
			continue;

		info.table = table;
		info.col = col;
		info.url = NULL;
		errcallback.callback = conversion_error_callback;
		errcallback.arg = &info;
		errcallback.previous = error_context_stack;
		error_context_stack = &errcallback;

		initStringInfo(&value);
		datum_to_json(&value, table->dialect->numbers, values[i], isnull[i],
					  attr->atttypid,
					  (col->io && col->typid == attr->atttypid) ?
					  &col->io->out_func : NULL);
		column_member(&members, col)->json = value.data;

		error_context_stack = errcallback.previous;
	}

	initStringInfo(&buf);
	append_members(&buf, members);
	*len = buf.len;
	return buf.data;
}

/*
 * Text of a value for a URL query, palloc'd, in UTF-8 and not yet
 * percent-encoded: the output function's text, except that booleans are
 * "true" or "false", dates and timestamps are in ISO 8601, and floats in
 * the shortest text that reads back as the same number (which the
 * setting extra_float_digits would otherwise change).
 */
char *
RestDatumToUrlValue(Datum value, Oid typid)
{
	Oid			base = getBaseType(typid);
	char	   *text;

	switch (base)
	{
		case BOOLOID:
			text = pstrdup(DatumGetBool(value) ? "true" : "false");
			break;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			text = JsonEncodeDateTime(NULL, value, base, NULL);
			break;
		case FLOAT4OID:
		case FLOAT8OID:
			{
				/* the shortest exact text, whatever extra_float_digits says */
				double		d = base == FLOAT4OID
					? (double) DatumGetFloat4(value) : DatumGetFloat8(value);

				if (isnan(d))
					text = pstrdup("NaN");
				else if (isinf(d))
					text = pstrdup(d > 0 ? "Infinity" : "-Infinity");
				else
				{
					text = palloc(DOUBLE_SHORTEST_DECIMAL_LEN);
					if (base == FLOAT4OID)
						float_to_shortest_decimal_buf(DatumGetFloat4(value), text);
					else
						double_to_shortest_decimal_buf(d, text);
				}
				break;
			}
		default:
			text = output_text(value, typid, NULL);
			break;
	}
	return pg_server_to_any(text, strlen(text), PG_UTF8);
}
