/*-------------------------------------------------------------------------
 *
 * params.c
 *		  The URL of a request, written from the parameter templates the
 *		  planner made (deparse.c) and the values computed at execution.
 *
 * A template is a parameter's name and its segments, literal text or
 * values (deparse.c's header says how they are kept).  At execution each
 * value is prepared once (RestPrepareValue: an array's distinct non-NULL
 * elements), then RestBuildUrl writes every parameter: a value in the
 * dialect's syntax (its append_value) and percent-encoded.  A parameter
 * whose value cannot be written is left out (the condition is checked
 * here again) or means no row at all (no request), as its segment's
 * REST_SEG_* flags say; a long IN list may be split over several requests
 * (RestFindSplitParam).  RestExplainUrl writes the same URL with $n for
 * the values, for EXPLAIN.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "dialect.h"

/* What RestBuildUrl does with one parameter. */
typedef enum RestParamOutcome
{
	REST_PARAM_WRITTEN,			/* appended to the URL */
	REST_PARAM_OMITTED,			/* left out: true for every row, or the
								 * condition is checked here again */
	REST_PARAM_NO_ROWS			/* false for every row: no request */
} RestParamOutcome;

/* The value texts of one parameter written (REST_FMT_REPEAT: its elements). */
typedef struct ParamTexts
{
	const char **texts;
	int			ntexts;
	int			flags;			/* of every value segment, ORed */
} ParamTexts;

static RestParamOutcome params_outcome(RestTable *table, List *segments,
									   RestParamValue *values);
static RestParamOutcome build_param(RestTable *table, StringInfo url,
									StringInfo value, const char *name,
									List *segments, RestParamValue *values,
									int split_from, int split_count);
static RestParamOutcome param_value(RestTable *table, StringInfo value,
									List *segments, RestParamValue *values,
									int split_from, int split_count,
									ParamTexts *texts);
static bool build_joined(RestTable *table, StringInfo url, List *params,
						 RestParamValue *values, int split_param,
						 int split_from, int split_count);
static bool value_writable(RestTable *table, RestParamValue *pv, bool list,
						   int flags);
static RestParamOutcome value_outcome(RestTable *table, RestParamValue *pv,
									  int format, int flags);
static void append_value(RestTable *table, StringInfo buf,
						 RestParamValue *pv, int format, int flags,
						 int from, int count);
static void append_one(RestTable *table, StringInfo buf, const char *text,
					   Oid typid, int flags);
static void dedupe_elements(RestParamValue *pv, Oid elemtype, Datum *elems,
							bool *nulls, int nelems);

/*
 * RestPrepareValue
 *		Compute the text of a value for the formats that need it ahead:
 *		the distinct non-NULL elements of an array.
 */
void
RestPrepareValue(RestParamValue *pv)
{
	ArrayType  *array;
	Oid			elemtype;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;

	pv->elems = NULL;
	pv->nelems = 0;
	pv->has_nulls = false;
	pv->writable_key = 0;
	if (pv->isnull || !OidIsValid(get_element_type(pv->typid)))
		return;

	array = DatumGetArrayTypeP(pv->value);
	elemtype = ARR_ELEMTYPE(array);
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(array, elemtype, typlen, typbyval, typalign,
					  &elems, &nulls, &nelems);
	dedupe_elements(pv, elemtype, elems, nulls, nelems);
}

/* Sort state of dedupe_elements. */
typedef struct ElementSort
{
	FmgrInfo   *cmp;			/* the type's comparison, or NULL: texts */
	Oid			collation;
	Datum	   *elems;
	char	  **texts;
} ElementSort;

/*
 * compare_values
 *		Compare elements i and j: by the type's order, or by text.
 */
static int
compare_values(ElementSort *sort, int i, int j)
{
	if (sort->cmp == NULL)
		return strcmp(sort->texts[i], sort->texts[j]);
	return DatumGetInt32(FunctionCall2Coll(sort->cmp, sort->collation,
										   sort->elems[i], sort->elems[j]));
}

/*
 * compare_elements
 *		qsort_arg comparator of element indexes: by value, then by index.
 *		A long list takes a while: the sort may be cancelled.
 */
static int
compare_elements(const void *a, const void *b, void *arg)
{
	int			i = *(const int *) a;
	int			j = *(const int *) b;
	int			c;

	CHECK_FOR_INTERRUPTS();
	c = compare_values((ElementSort *) arg, i, j);
	if (c != 0)
		return c;
	return i < j ? -1 : i > j;
}

/*
 * dedupe_elements
 *		Set pv's elements to the texts of the non-NULL elements, in their
 *		order, once per value: equal values written differently (1.0 and
 *		1.00) would make the parts of a split list match the same rows.
 *		The elements are sorted by the type's order (by their texts if it
 *		has none), so that a long list costs n log n.
 */
static void
dedupe_elements(RestParamValue *pv, Oid elemtype, Datum *elems, bool *nulls,
				int nelems)
{
	TypeCacheEntry *tc = lookup_type_cache(elemtype, TYPECACHE_CMP_PROC_FINFO);
	bool	   *keep = palloc0(sizeof(bool) * Max(nelems, 1));
	int		   *order = palloc(sizeof(int) * Max(nelems, 1));
	char	  **texts = palloc(sizeof(char *) * Max(nelems, 1));
	ElementSort sort;
	int			n = 0;
	int			i;

	for (i = 0; i < nelems; i++)
	{
		CHECK_FOR_INTERRUPTS();
		texts[i] = NULL;
		if (nulls[i])
			pv->has_nulls = true;	/* NULL never equals anything */
		else
		{
			order[n++] = i;
			texts[i] = RestDatumToUrlValue(elems[i], elemtype);
		}
	}

	sort.cmp = OidIsValid(tc->cmp_proc_finfo.fn_oid) ? &tc->cmp_proc_finfo : NULL;
	/* equality is bytes in any deterministic collation: take C's */
	sort.collation = C_COLLATION_OID;
	sort.elems = elems;
	sort.texts = texts;
	qsort_arg(order, n, sizeof(int), compare_elements, &sort);
	for (i = 0; i < n; i++)
		keep[order[i]] = i == 0 ||
			compare_values(&sort, order[i - 1], order[i]) != 0;

	pv->elems = palloc(sizeof(char *) * Max(nelems, 1));
	for (i = 0; i < nelems; i++)
		if (keep[i])
			pv->elems[pv->nelems++] = texts[i];
	pfree(keep);
	pfree(order);
	pfree(texts);
}

/*
 * RestBuildUrl
 *		The URL of a collection with the parameters filled in.  For the
 *		parameter split_param (-1 for none), only the elements
 *		[split_from, split_from + split_count) of its splittable list are
 *		used.  Returns NULL if a value makes the conditions false for every
 *		row (a NULL compared, an empty IN list), so that no request is
 *		needed.
 */
char *
RestBuildUrl(RestTable *table, List *params, RestParamValue *values,
			 int split_param, int split_from, int split_count)
{
	StringInfoData url;
	StringInfoData value;
	ListCell   *lc;
	int			paramno = 0;

	initStringInfo(&url);
	appendStringInfoString(&url, table->collection_url);
	if (table->dialect->param_conjunction != NULL)
		return build_joined(table, &url, params, values, split_param,
							split_from, split_count) ? url.data : NULL;

	initStringInfo(&value);
	foreach(lc, params)
	{
		List	   *param = lfirst(lc);
		bool		split = paramno++ == split_param;

		if (build_param(table, &url, &value, strVal(linitial(param)),
						lsecond(param), values,
						split ? split_from : 0,
						split ? split_count : -1) == REST_PARAM_NO_ROWS)
			return NULL;
	}
	return url.data;
}

/*
 * params_outcome
 *		What the values of a parameter's segments do to it: a parameter is
 *		written whole or not at all (see value_outcome).
 */
static RestParamOutcome
params_outcome(RestTable *table, List *segments, RestParamValue *values)
{
	ListCell   *ls;

	foreach(ls, segments)
	{
		Node	   *seg = lfirst(ls);
		RestParamOutcome outcome;

		if (IsA(seg, String))
			continue;
		outcome = value_outcome(table, &values[intVal(linitial((List *) seg))],
								intVal(lsecond((List *) seg)),
								RestSegmentFlags((List *) seg));
		if (outcome != REST_PARAM_WRITTEN)
			return outcome;
	}
	return REST_PARAM_WRITTEN;
}

/*
 * build_param
 *		Append one parameter to the URL, unless a value makes it false for
 *		every row or leaves it out.  A splittable list is limited to
 *		[split_from, split_from + split_count) when split_count >= 0.
 */
static RestParamOutcome
build_param(RestTable *table, StringInfo url, StringInfo value,
			const char *name, List *segments, RestParamValue *values,
			int split_from, int split_count)
{
	ParamTexts	texts;
	RestParamOutcome outcome;
	int			i;

	outcome = param_value(table, value, segments, values, split_from,
						  split_count, &texts);
	if (outcome != REST_PARAM_WRITTEN)
		return outcome;
	if (texts.ntexts < 0)
	{
		/* REST_FMT_REPEAT: one parameter per element */
		texts.ntexts = -texts.ntexts;
		for (i = 0; i < texts.ntexts; i++)
			RestAppendParam(url, name, texts.texts[i]);
	}
	else
	{
		RestAppendParam(url, name, value->data);
		texts.texts = palloc(sizeof(char *));
		texts.texts[0] = value->data;
		texts.ntexts = 1;
	}
	if (table->dialect->param_written != NULL)
		table->dialect->param_written(url, name, texts.texts, texts.ntexts,
									  texts.flags);
	return REST_PARAM_WRITTEN;
}

/*
 * param_value
 *		The value of one parameter, in value; for a REST_FMT_REPEAT list,
 *		the texts of its elements instead (texts->ntexts negative).
 *		texts->flags are those of its value segments.
 */
static RestParamOutcome
param_value(RestTable *table, StringInfo value, List *segments,
			RestParamValue *values, int split_from, int split_count,
			ParamTexts *texts)
{
	ListCell   *ls;
	RestParamOutcome outcome = params_outcome(table, segments, values);

	texts->texts = NULL;
	texts->ntexts = 0;
	texts->flags = 0;
	if (outcome != REST_PARAM_WRITTEN)
		return outcome;

	resetStringInfo(value);
	foreach(ls, segments)
	{
		Node	   *seg = lfirst(ls);
		RestParamValue *pv;
		int			format;
		int			flags;
		int			from = 0;
		int			count = -1;

		if (IsA(seg, String))
		{
			appendStringInfoString(value, strVal(seg));
			continue;
		}
		pv = &values[intVal(linitial((List *) seg))];
		format = intVal(lsecond((List *) seg));
		flags = RestSegmentFlags((List *) seg);
		texts->flags |= flags;
		if ((flags & REST_SEG_SPLIT) && split_count >= 0)
		{
			from = split_from;
			count = split_count;
		}
		if (format == REST_FMT_REPEAT)
		{
			int			n = count >= 0 ? Min(count, pv->nelems - from) : pv->nelems;
			Oid			elemtype = get_element_type(pv->typid);
			int			i;

			if (n <= 0)
				return REST_PARAM_NO_ROWS;
			texts->texts = palloc(sizeof(char *) * n);
			for (i = 0; i < n; i++)
			{
				StringInfoData text;

				initStringInfo(&text);
				append_one(table, &text, pv->elems[from + i], elemtype, flags);
				texts->texts[i] = text.data;
			}
			texts->ntexts = -n;
			return REST_PARAM_WRITTEN;
		}
		append_value(table, value, pv, format, flags, from, count);
	}
	return REST_PARAM_WRITTEN;
}

/*
 * build_joined
 *		Append the parameters for a dialect that joins the parameters of one
 *		name into one (param_conjunction), at the place of the first; false
 *		if a value makes the conditions false for every row.
 */
static bool
build_joined(RestTable *table, StringInfo url, List *params,
			 RestParamValue *values, int split_param, int split_from,
			 int split_count)
{
	int			nparams = list_length(params);
	bool	   *done = palloc0(sizeof(bool) * Max(nparams, 1));
	StringInfoData joined;
	StringInfoData value;
	int			i;
	int			j;

	initStringInfo(&joined);
	initStringInfo(&value);
	for (i = 0; i < nparams; i++)
	{
		const char *name = strVal(linitial((List *) list_nth(params, i)));
		int			flags = 0;

		if (done[i])
			continue;
		resetStringInfo(&joined);
		for (j = i; j < nparams; j++)
		{
			List	   *param = list_nth(params, j);
			ParamTexts	texts;
			RestParamOutcome outcome;

			if (done[j] || strcmp(strVal(linitial(param)), name) != 0)
				continue;
			done[j] = true;
			outcome = param_value(table, &value, lsecond(param), values,
								  j == split_param ? split_from : 0,
								  j == split_param ? split_count : -1,
								  &texts);
			if (outcome == REST_PARAM_NO_ROWS)
				return false;
			if (outcome == REST_PARAM_OMITTED)
				continue;
			if (texts.ntexts < 0)
				elog(ERROR, "a list of repeated parameters cannot be joined");
			if (joined.len > 0)
				appendStringInfoString(&joined,
									   table->dialect->param_conjunction);
			appendStringInfoString(&joined, value.data);
			flags |= texts.flags;
		}
		if (joined.len > 0)
		{
			const char *text = joined.data;

			RestAppendParam(url, name, text);
			if (table->dialect->param_written != NULL)
				table->dialect->param_written(url, name, &text, 1, flags);
		}
	}
	return true;
}

/*
 * value_outcome
 *		What a value does to its parameter.  At the top level a NULL
 *		compared, an empty IN list or a NOT IN list holding a NULL make the
 *		condition false (or NULL) for every row, and an empty NOT IN list
 *		makes it true for every row.  Inside a logic tree, which is checked
 *		here again, a value the grammar cannot say leaves the tree out; so
 *		does a value the dialect cannot write (its conditions are
 *		rechecked).
 */
static RestParamOutcome
value_outcome(RestTable *table, RestParamValue *pv, int format, int flags)
{
	bool		in_tree = (flags & REST_SEG_IN_TREE) != 0;
	bool		list = format == REST_FMT_LIST || format == REST_FMT_REPEAT;

	if (pv->isnull)
		return in_tree ? REST_PARAM_OMITTED : REST_PARAM_NO_ROWS;
	if (list)
	{
		if (pv->has_nulls && (flags & REST_SEG_NULLS_MATTER))
			return in_tree ? REST_PARAM_OMITTED : REST_PARAM_NO_ROWS;
		if (pv->nelems == 0)
			return in_tree || (flags & REST_SEG_NEGATED)
				? REST_PARAM_OMITTED : REST_PARAM_NO_ROWS;
	}
	if (table->dialect->value_writable != NULL &&
		!value_writable(table, pv, list, flags))
		return REST_PARAM_OMITTED;
	return REST_PARAM_WRITTEN;
}

/*
 * value_writable
 *		The dialect's value_writable for a value, computed once per value
 *		and segment kind: the parts of a split list ask for it again and
 *		again, and it reads every element.
 */
static bool
value_writable(RestTable *table, RestParamValue *pv, bool list, int flags)
{
	int			key = ((flags << 1) | (list ? 1 : 0)) + 1;

	if (pv->writable_key != key)
	{
		pv->writable = table->dialect->value_writable(pv, list, flags);
		pv->writable_key = key;
	}
	return pv->writable;
}

/*
 * RestFindSplitParam
 *		The parameter holding the longest list that may be split over
 *		requests (a top-level positive IN list), which a too long URL is
 *		split on; -1 if there is none.  *max_chunk is the most elements one
 *		request may carry (the dialect's max_repeated_params).
 */
int
RestFindSplitParam(RestTable *table, List *params, RestParamValue *values,
				   int *nelems, int *max_chunk)
{
	ListCell   *lc;
	int			best = -1;
	int			paramno = 0;

	*nelems = 0;
	*max_chunk = INT_MAX;
	foreach(lc, params)
	{
		List	   *segments = lsecond((List *) lfirst(lc));
		ListCell   *ls;

		foreach(ls, segments)
		{
			Node	   *seg = lfirst(ls);
			RestParamValue *pv;
			int			format;

			if (IsA(seg, String) ||
				!(RestSegmentFlags((List *) seg) & REST_SEG_SPLIT))
				continue;
			pv = &values[intVal(linitial((List *) seg))];
			format = intVal(lsecond((List *) seg));
			/* a list left out of the URL is not split either */
			if (value_outcome(table, pv, format,
							  RestSegmentFlags((List *) seg)) != REST_PARAM_WRITTEN)
				continue;
			if (pv->nelems > *nelems)
			{
				best = paramno;
				*nelems = pv->nelems;
				if (format == REST_FMT_REPEAT &&
					table->dialect->max_repeated_params > 0)
					*max_chunk = table->dialect->max_repeated_params;
				else
					*max_chunk = INT_MAX;
			}
		}
		paramno++;
	}
	return best;
}

/*
 * RestExplainUrl
 *		The URL of a scan as EXPLAIN shows it: constants filled in, values
 *		known only at execution shown as $1, $2...
 */
char *
RestExplainUrl(RestTable *table, List *params, List *exprs)
{
	int			n = list_length(exprs);
	RestParamValue *values = palloc0(sizeof(RestParamValue) * Max(n, 1));
	List	   *shown = NIL;
	ListCell   *lc;
	int			i = 0;

	/* replace every non-constant value by a placeholder literal */
	foreach(lc, exprs)
	{
		Expr	   *e = lfirst(lc);

		if (IsA(e, Const))
		{
			values[i].value = ((Const *) e)->constvalue;
			values[i].isnull = ((Const *) e)->constisnull;
			values[i].typid = ((Const *) e)->consttype;
			RestPrepareValue(&values[i]);
		}
		i++;
	}

	foreach(lc, params)
	{
		List	   *param = lfirst(lc);
		List	   *segments = NIL;
		ListCell   *ls;

		foreach(ls, (List *) lsecond(param))
		{
			Node	   *seg = lfirst(ls);
			int			idx;

			if (IsA(seg, String) ||
				IsA(list_nth(exprs, intVal(linitial((List *) seg))), Const))
			{
				segments = lappend(segments, seg);
				continue;
			}
			idx = intVal(linitial((List *) seg));
			/* a marker that survives percent-encoding, replaced below */
			segments = lappend(segments, makeString(psprintf("\x01%d\x02", idx + 1)));
		}
		shown = lappend(shown, list_make2(linitial(param), segments));
	}

	/* a NULL constant: the scan needs no request; show the URL anyway */
	for (i = 0; i < n; i++)
		if (values[i].isnull)
		{
			values[i].isnull = false;
			values[i].value = CStringGetTextDatum("NULL");
			values[i].typid = TEXTOID;
		}
	{
		char	   *url = RestBuildUrl(table, shown, values, -1, 0, 0);
		StringInfoData buf;
		const char *p;

		if (url == NULL)
			return pstrdup(table->collection_url);

		/* "%01" n "%02" is the placeholder of value n: show it as $n */
		initStringInfo(&buf);
		for (p = url; *p; p++)
		{
			if (strncmp(p, "%01", 3) == 0)
			{
				appendStringInfoChar(&buf, '$');
				p += 2;
			}
			else if (strncmp(p, "%02", 3) == 0)
				p += 2;
			else
				appendStringInfoChar(&buf, *p);
		}
		return buf.data;
	}
}

/*
 * append_value
 *		Append a value in a format.
 */
static void
append_value(RestTable *table, StringInfo buf, RestParamValue *pv,
			 int format, int flags, int from, int count)
{
	Oid			elemtype;
	int			i;
	int			n;

	switch ((RestValueFormat) format)
	{
		case REST_FMT_PLAIN:
			append_one(table, buf, RestDatumToUrlValue(pv->value, pv->typid),
					   pv->typid, flags);
			break;
		case REST_FMT_LIST:
			elemtype = get_element_type(pv->typid);
			n = count >= 0 ? Min(count, pv->nelems - from) : pv->nelems;
			for (i = 0; i < n; i++)
			{
				if (i > 0)
					appendStringInfoChar(buf, ',');
				append_one(table, buf, pv->elems[from + i], elemtype, flags);
			}
			break;
		case REST_FMT_REPEAT:
			break;				/* handled by the caller */
	}
}

/*
 * append_one
 *		Append one value's text in the dialect's syntax.
 */
static void
append_one(RestTable *table, StringInfo buf, const char *text, Oid typid,
		   int flags)
{
	if (table->dialect->append_value != NULL)
		table->dialect->append_value(buf, text, typid, flags);
	else
		appendStringInfoString(buf, text);
}

/*
 * RestAppendParam
 *		Append name=value to a URL, both percent-encoded.
 */
void
RestAppendParam(StringInfo url, const char *name, const char *value)
{
	appendStringInfoChar(url, strchr(url->data, '?') ? '&' : '?');
	RestAppendEncoded(url, name);
	appendStringInfoChar(url, '=');
	RestAppendEncoded(url, value);
}

/*
 * RestItemUrl
 *		The URL of the one row whose key has the given text; with a NULL
 *		text, the URL with a placeholder naming the key column (for EXPLAIN).
 */
char *
RestItemUrl(RestTable *table, const char *key_text)
{
	return table->dialect->item_url(table, key_text);
}
