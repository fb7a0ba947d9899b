/*-------------------------------------------------------------------------
 *
 * deparse.c
 *		  Translation of scans and row operations into request URLs.
 *
 * The planner asks which conditions of a scan a service can evaluate
 * (RestClassifyConditions) and which sort it can apply (RestSortParams);
 * the answers are URL parameter templates kept in the plan, whose values
 * are computed at execution (a constant, a parameter, now()) and put in
 * the URL by RestBuildUrl.
 *
 * A template is a List: the parameter's name (a String) and a List of
 * segments, each a String (literal text) or a List of two Integers (the
 * index of a value in the scan's expressions, and a RestValueFormat).
 * Every value is put in the dialect's own syntax first and then
 * percent-encoded (RFC 3986), since services decode the URL before they
 * parse their own grammar.
 *
 * What a dialect can say:
 * - drf: only what the table declares in its "filters" option, as
 *   django-filter lookups (f=v, f__lt=v, f__in=a,b, f__isnull=true,
 *   f__icontains=v ...); AND only.  Django REST framework ignores what it
 *   does not know, so every condition is checked again locally.
 * - json-server: declared f=v, f_ne, f_gte, f_lte and IN as repeated f=v;
 *   checked again locally.
 * - postgrest: every operator, OR, NOT and IN, on every column unless the
 *   table declares otherwise; PostgREST rejects what it does not know, so
 *   only pattern matches are checked again.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/stratnum.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "optimizer/paths.h"
#include "catalog/pg_am.h"
#include "parser/parse_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "rest_fdw.h"

/* How a value is written into a segment. */
typedef enum RestValueFormat
{
	REST_FMT_PLAIN,				/* the value's text */
	REST_FMT_QUOTED,			/* PostgREST: quoted if it holds , . : ( ) " */
	REST_FMT_LIST_COMMA,		/* array: a,b,c (drf __in) */
	REST_FMT_LIST_QUOTED,		/* array: a,"b,c" (PostgREST in.(...)) */
	REST_FMT_REPEAT				/* array: one parameter per element */
} RestValueFormat;

/* State while deparsing one condition. */
typedef struct DeparseContext
{
	PlannerInfo *root;
	RelOptInfo *baserel;
	RestTable  *table;
	List	  **exprs;			/* values computed at execution */
	bool		needs_recheck;	/* the service may not match exactly */
	bool		inexact;		/* its answer may differ from ours */
} DeparseContext;

/* A condition on one column, recognised from an expression. */
typedef struct ColumnCondition
{
	RestColumn *col;
	RestLookup	lookup;
	Expr	   *value;			/* NULL for isnull and patterns */
	char	   *literal;		/* pattern text, or "true"/"false" */
	bool		negated;		/* NOT IN, IS NOT NULL handled here */
} ColumnCondition;

static bool recognise_condition(DeparseContext *cxt, Expr *clause,
								ColumnCondition *cond);
static RestColumn *column_of(DeparseContext *cxt, Node *node,
							 bool *upper_applied);
static bool is_runtime_value(DeparseContext *cxt, Node *node);
static bool value_type_fits(RestColumn *col, Oid valtype);
static bool analyse_like_pattern(const char *pattern, RestLookup *lookup,
								 char **literal);
static bool column_is_text(RestColumn *col);
static List *deparse_simple(DeparseContext *cxt, ColumnCondition *cond);
static List *deparse_postgrest_tree(DeparseContext *cxt, Expr *clause);
static bool postgrest_tree_segments(DeparseContext *cxt, Expr *clause,
									List **segments);
static bool postgrest_condition_segments(DeparseContext *cxt,
										 ColumnCondition *cond,
										 bool in_tree, List **segments);
static List *value_segment(DeparseContext *cxt, Expr *value,
						   RestValueFormat format);
static char *filter_name(RestTable *table, RestColumn *col);
static void append_value(StringInfo buf, RestParamValue *pv, int format,
						 int from, int count);
static void append_quoted(StringInfo buf, const char *text);
static void append_param(StringInfo url, const char *name,
						 const char *value);

/*
 * RestClassifyConditions
 *		Split a scan's conditions (RestrictInfos) into those sent to the
 *		service, those checked locally, and those sent and still checked
 *		locally.
 */
void
RestClassifyConditions(PlannerInfo *root, RelOptInfo *baserel,
					   RestTable *table, List *conditions,
					   RestPushdown *pushdown)
{
	DeparseContext cxt;
	ListCell   *lc;

	memset(pushdown, 0, sizeof(RestPushdown));
	cxt.root = root;
	cxt.baserel = baserel;
	cxt.table = table;
	cxt.exprs = &pushdown->exprs;

	foreach(lc, conditions)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		List	   *params = NIL;
		ColumnCondition cond;

		cxt.needs_recheck = table->dialect != REST_DIALECT_POSTGREST;
		cxt.inexact = false;
		if (table->dialect == REST_DIALECT_POSTGREST)
			params = deparse_postgrest_tree(&cxt, ri->clause);
		else if (recognise_condition(&cxt, ri->clause, &cond))
			params = deparse_simple(&cxt, &cond);

		if (params == NIL)
		{
			pushdown->local_conds = lappend(pushdown->local_conds, ri);
			continue;
		}
		pushdown->params = list_concat(pushdown->params, params);
		pushdown->remote_conds = lappend(pushdown->remote_conds, ri);
		if (cxt.needs_recheck)
			pushdown->recheck_conds = lappend(pushdown->recheck_conds, ri);
		if (cxt.inexact)
			pushdown->inexact_conds = lappend(pushdown->inexact_conds, ri);
		if (IsA(ri->clause, ScalarArrayOpExpr))
			pushdown->has_in_list = true;
	}
}

/*
 * RestIsPushableCondition
 *		Could this condition (a join clause of a parameterized scan) be
 *		sent to the service?
 */
bool
RestIsPushableCondition(PlannerInfo *root, RelOptInfo *baserel,
						RestTable *table, Expr *clause)
{
	DeparseContext cxt;
	ColumnCondition cond;
	List	   *exprs = NIL;

	cxt.root = root;
	cxt.baserel = baserel;
	cxt.table = table;
	cxt.exprs = &exprs;
	cxt.needs_recheck = false;
	cxt.inexact = false;
	if (!recognise_condition(&cxt, clause, &cond) ||
		cond.lookup != REST_LOOKUP_EXACT)
		return false;
	return deparse_simple(&cxt, &cond) != NIL;
}

/*
 * recognise_condition
 *		Recognise "column op value", "column IN (...)", "column IS NULL",
 *		"column LIKE pattern" and their case-insensitive forms, as Django
 *		writes them, in a clause of the scanned table.
 */
static bool
recognise_condition(DeparseContext *cxt, Expr *clause, ColumnCondition *cond)
{
	bool		upper = false;

	memset(cond, 0, sizeof(ColumnCondition));

	/* a boolean column by itself, or negated */
	if (IsA(clause, Var) || (IsA(clause, BoolExpr) &&
							 ((BoolExpr *) clause)->boolop == NOT_EXPR &&
							 IsA(linitial(((BoolExpr *) clause)->args), Var)))
	{
		bool		negated = !IsA(clause, Var);
		Node	   *var = negated ? linitial(((BoolExpr *) clause)->args) : (Node *) clause;

		cond->col = column_of(cxt, var, &upper);
		if (cond->col == NULL || upper || cond->col->typid != BOOLOID)
			return false;
		cond->lookup = REST_LOOKUP_EXACT;
		cond->value = (Expr *) makeBoolConst(!negated, false);
		return true;
	}

	if (IsA(clause, NullTest))
	{
		NullTest   *nt = (NullTest *) clause;

		if (nt->argisrow)
			return false;
		cond->col = column_of(cxt, (Node *) nt->arg, &upper);
		if (cond->col == NULL || upper)
			return false;
		cond->lookup = REST_LOOKUP_ISNULL;
		cond->literal = nt->nulltesttype == IS_NULL ? "true" : "false";
		return true;
	}

	if (IsA(clause, ScalarArrayOpExpr))
	{
		ScalarArrayOpExpr *sa = (ScalarArrayOpExpr *) clause;
		char	   *opname;
		Node	   *array = lsecond(sa->args);

		if (sa->opno >= FirstNormalObjectId)
			return false;
		opname = get_opname(sa->opno);
		if (opname == NULL)
			return false;
		if (sa->useOr && strcmp(opname, "=") == 0)
			cond->negated = false;
		else if (!sa->useOr && strcmp(opname, "<>") == 0)
			cond->negated = true;
		else
			return false;
		cond->col = column_of(cxt, linitial(sa->args), &upper);
		if (cond->col == NULL || upper || !is_runtime_value(cxt, array) ||
			!value_type_fits(cond->col, get_element_type(exprType(array))))
			return false;
		cond->lookup = REST_LOOKUP_IN;
		cond->value = (Expr *) array;
		return true;
	}

	if (IsA(clause, OpExpr) && list_length(((OpExpr *) clause)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) clause;
		Node	   *left = linitial(op->args);
		Node	   *right = lsecond(op->args);
		char	   *opname;
		bool		commuted = false;

		if (op->opno >= FirstNormalObjectId)
			return false;
		opname = get_opname(op->opno);
		if (opname == NULL)
			return false;

		cond->col = column_of(cxt, left, &upper);
		if (cond->col == NULL)
		{
			cond->col = column_of(cxt, right, &upper);
			commuted = true;
			right = left;
		}
		if (cond->col == NULL || !is_runtime_value(cxt, right))
			return false;

		if (strcmp(opname, "~~") == 0 || strcmp(opname, "~~*") == 0)
		{
			/* a pattern: known at planning, and on a text column */
			if (commuted || !IsA(right, Const) || ((Const *) right)->constisnull ||
				!column_is_text(cond->col))
				return false;
			if (!analyse_like_pattern(TextDatumGetCString(((Const *) right)->constvalue),
									  &cond->lookup, &cond->literal))
				return false;
			if (upper || strcmp(opname, "~~*") == 0)
				cond->lookup = cond->lookup == REST_LOOKUP_EXACT
					? REST_LOOKUP_IEXACT : cond->lookup + 1;
			return true;
		}

		if (!value_type_fits(cond->col, exprType(right)))
			return false;
		cond->value = (Expr *) right;

		if (strcmp(opname, "=") == 0)
		{
			cond->lookup = upper ? REST_LOOKUP_IEXACT : REST_LOOKUP_EXACT;
			return true;
		}
		if (upper)
			return false;
		if (strcmp(opname, "<>") == 0)
			cond->lookup = REST_LOOKUP_NE;
		else if (strcmp(opname, "<") == 0)
			cond->lookup = commuted ? REST_LOOKUP_GT : REST_LOOKUP_LT;
		else if (strcmp(opname, "<=") == 0)
			cond->lookup = commuted ? REST_LOOKUP_GTE : REST_LOOKUP_LTE;
		else if (strcmp(opname, ">") == 0)
			cond->lookup = commuted ? REST_LOOKUP_LT : REST_LOOKUP_GT;
		else if (strcmp(opname, ">=") == 0)
			cond->lookup = commuted ? REST_LOOKUP_LTE : REST_LOOKUP_GTE;
		else
			return false;

		/* text order depends on the collation: only where it matches */
		if (cond->lookup != REST_LOOKUP_NE && column_is_text(cond->col) &&
			!cxt->table->collation_matches)
			return false;
		return true;
	}

	return false;
}

/*
 * column_of
 *		The column a node reads, through casts between text types and
 *		Django's UPPER(col::text); NULL if it is something else.
 */
static RestColumn *
column_of(DeparseContext *cxt, Node *node, bool *upper_applied)
{
	Var		   *var;
	int			i;

	*upper_applied = false;
	if (IsA(node, FuncExpr) && ((FuncExpr *) node)->funcid == F_UPPER_TEXT &&
		list_length(((FuncExpr *) node)->args) == 1)
	{
		*upper_applied = true;
		node = linitial(((FuncExpr *) node)->args);
	}
	while (IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	if (!IsA(node, Var))
		return NULL;
	var = (Var *) node;
	if ((Index) var->varno != cxt->baserel->relid || var->varlevelsup != 0)
		return NULL;
	for (i = 0; i < cxt->table->ncolumns; i++)
	{
		RestColumn *col = &cxt->table->columns[i];

		if (!col->dropped && col->attnum == var->varattno)
			return col;
	}
	return NULL;
}

/*
 * is_runtime_value
 *		Can the value be computed before the scan starts: no column of the
 *		scanned table (an outer relation's, in a nested loop, is a
 *		parameter), nothing volatile, no subquery?
 */
static bool
is_runtime_value(DeparseContext *cxt, Node *node)
{
	return !bms_is_member(cxt->baserel->relid, pull_varnos(cxt->root, node)) &&
		!contain_volatile_functions(node) &&
		!contain_subplans(node) &&
		!contain_agg_clause(node) &&
		!contain_window_function(node);
}

/*
 * value_type_fits
 *		Is the value's type one whose text the service reads as the
 *		column's: the same type, or both numbers, or both strings?
 */
static bool
value_type_fits(RestColumn *col, Oid valtype)
{
	char		colcat;
	char		valcat;
	bool		preferred;

	if (!OidIsValid(valtype))
		return false;
	if (valtype == col->typid)
		return true;
	get_type_category_preferred(col->typid, &colcat, &preferred);
	get_type_category_preferred(valtype, &valcat, &preferred);
	return colcat == valcat &&
		(colcat == TYPCATEGORY_NUMERIC || colcat == TYPCATEGORY_STRING);
}

/*
 * column_is_text
 *		Is the column of a string type?
 */
static bool
column_is_text(RestColumn *col)
{
	char		cat;
	bool		preferred;

	get_type_category_preferred(col->typid, &cat, &preferred);
	return cat == TYPCATEGORY_STRING;
}

/*
 * analyse_like_pattern
 *		Recognise exact, prefix, suffix and substring LIKE patterns (with
 *		backslash escapes, as Django writes them) and return the literal.
 */
static bool
analyse_like_pattern(const char *pattern, RestLookup *lookup, char **literal)
{
	size_t		len = strlen(pattern);
	bool		open_start = len > 0 && pattern[0] == '%';
	bool		open_end = false;
	StringInfoData buf;
	const char *p;
	const char *end = pattern + len;

	/* an unescaped final '%' */
	if (len > 1 || (len == 1 && !open_start))
	{
		int			backslashes = 0;
		const char *q = end - 2;

		while (q >= pattern && *q == '\\')
		{
			backslashes++;
			q--;
		}
		open_end = end[-1] == '%' && backslashes % 2 == 0 &&
			!(open_start && len == 1);
	}
	if (open_end)
		end--;

	initStringInfo(&buf);
	for (p = pattern + (open_start ? 1 : 0); p < end; p++)
	{
		if (*p == '\\')
		{
			if (++p >= end)
				return false;
			appendStringInfoChar(&buf, *p);
		}
		else if (*p == '%' || *p == '_')
			return false;		/* a wildcard inside: not expressible */
		else
			appendStringInfoChar(&buf, *p);
	}
	if (buf.len == 0)
		return false;

	if (open_start && open_end)
		*lookup = REST_LOOKUP_CONTAINS;
	else if (open_start)
		*lookup = REST_LOOKUP_ENDSWITH;
	else if (open_end)
		*lookup = REST_LOOKUP_STARTSWITH;
	else
		*lookup = REST_LOOKUP_EXACT;
	*literal = buf.data;
	return true;
}

/*
 * filter_name
 *		The name a service knows a column by in its filters: the JSON
 *		member, or the path of a pointer joined as the dialect does.
 */
static char *
filter_name(RestTable *table, RestColumn *col)
{
	StringInfoData buf;
	int			i;

	if (col->field != NULL)
		return col->field;
	if (table->dialect == REST_DIALECT_POSTGREST)
		return NULL;
	initStringInfo(&buf);
	for (i = 0; i < col->npointer; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf,
								   table->dialect == REST_DIALECT_DRF ? "__" : ".");
		appendStringInfoString(&buf, col->pointer[i]);
	}
	return buf.data;
}

/*
 * value_segment
 *		A segment standing for a value computed at execution.
 */
static List *
value_segment(DeparseContext *cxt, Expr *value, RestValueFormat format)
{
	*cxt->exprs = lappend(*cxt->exprs, value);
	return list_make2(makeInteger(list_length(*cxt->exprs) - 1),
					  makeInteger(format));
}

/*
 * make_param
 *		A parameter template from its name and segments.
 */
static List *
make_param(const char *name, List *segments)
{
	return list_make2(makeString(pstrdup(name)), segments);
}

/*
 * deparse_simple
 *		The parameter for one condition in the drf or json-server dialect,
 *		if the table declares the service honours it; NIL otherwise.
 */
static List *
deparse_simple(DeparseContext *cxt, ColumnCondition *cond)
{
	RestTable  *table = cxt->table;
	char	   *name = filter_name(table, cond->col);
	List	   *segments;
	const char *suffix;

	if (name == NULL || cond->negated ||
		!(cond->col->lookups & ((uint32) 1 << cond->lookup)))
		return NIL;

	/* case folding and patterns may differ in detail from ours */
	if (cond->lookup != REST_LOOKUP_EXACT && cond->lookup != REST_LOOKUP_NE &&
		cond->lookup != REST_LOOKUP_LT && cond->lookup != REST_LOOKUP_LTE &&
		cond->lookup != REST_LOOKUP_GT && cond->lookup != REST_LOOKUP_GTE &&
		cond->lookup != REST_LOOKUP_IN && cond->lookup != REST_LOOKUP_ISNULL)
		cxt->inexact = true;

	if (table->dialect == REST_DIALECT_JSON_SERVER)
	{
		switch (cond->lookup)
		{
			case REST_LOOKUP_EXACT:
				suffix = "";
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
				return list_make1(make_param(name,
											 list_make1(value_segment(cxt, cond->value,
																	  REST_FMT_REPEAT))));
			default:
				return NIL;
		}
		if (cond->value == NULL)
			return NIL;
		return list_make1(make_param(psprintf("%s%s", name, suffix),
									 list_make1(value_segment(cxt, cond->value,
															  REST_FMT_PLAIN))));
	}

	/* Django REST framework with django-filter */
	if (cond->lookup == REST_LOOKUP_NE)
		return NIL;
	if (cond->lookup != REST_LOOKUP_EXACT)
		name = psprintf("%s__%s", name, RestLookupNames[cond->lookup]);
	if (cond->literal != NULL)
		segments = list_make1(makeString(cond->literal));
	else if (cond->lookup == REST_LOOKUP_IN)
	{
		/* django-filter splits on commas: string values must hold none */
		if (column_is_text(cond->col))
		{
			Const	   *array = (Const *) cond->value;
			RestParamValue pv;
			int			i;

			if (!IsA(array, Const))
				return NIL;
			pv.value = array->constvalue;
			pv.isnull = array->constisnull;
			pv.typid = array->consttype;
			RestPrepareValue(&pv);
			for (i = 0; i < pv.nelems; i++)
				if (strchr(pv.elems[i], ',') != NULL)
					return NIL;
		}
		segments = list_make1(value_segment(cxt, cond->value,
											REST_FMT_LIST_COMMA));
	}
	else
		segments = list_make1(value_segment(cxt, cond->value, REST_FMT_PLAIN));
	return list_make1(make_param(name, segments));
}

/*
 * deparse_postgrest_tree
 *		The parameters for a clause in PostgREST's grammar: a condition on
 *		one column, or an OR, AND or NOT of such conditions.
 */
static List *
deparse_postgrest_tree(DeparseContext *cxt, Expr *clause)
{
	ColumnCondition cond;
	List	   *segments = NIL;
	List	   *saved_exprs = *cxt->exprs;

	if (recognise_condition(cxt, clause, &cond))
	{
		char	   *name = filter_name(cxt->table, cond.col);

		if (name != NULL &&
			postgrest_condition_segments(cxt, &cond, false, &segments))
			return list_make1(make_param(name, segments));
		*cxt->exprs = saved_exprs;
		return NIL;
	}

	if (IsA(clause, BoolExpr))
	{
		BoolExpr   *b = (BoolExpr *) clause;
		const char *name;

		if (b->boolop == NOT_EXPR && IsA(linitial(b->args), BoolExpr) &&
			((BoolExpr *) linitial(b->args))->boolop != NOT_EXPR)
		{
			b = (BoolExpr *) linitial(b->args);
			name = b->boolop == OR_EXPR ? "not.or" : "not.and";
		}
		else if (b->boolop == OR_EXPR)
			name = "or";
		else
			name = NULL;

		if (name != NULL)
		{
			ListCell   *lc;

			segments = list_make1(makeString("("));
			foreach(lc, b->args)
			{
				if (lc != list_head(b->args))
					segments = lappend(segments, makeString(","));
				if (!postgrest_tree_segments(cxt, lfirst(lc), &segments))
				{
					*cxt->exprs = saved_exprs;
					return NIL;
				}
			}
			segments = lappend(segments, makeString(")"));
			return list_make1(make_param(name, segments));
		}
	}
	return NIL;
}

/*
 * postgrest_tree_segments
 *		Append the segments of one operand of a PostgREST logic tree.
 */
static bool
postgrest_tree_segments(DeparseContext *cxt, Expr *clause, List **segments)
{
	ColumnCondition cond;

	if (recognise_condition(cxt, clause, &cond))
	{
		char	   *name = filter_name(cxt->table, cond.col);

		if (name == NULL)
			return false;
		*segments = lappend(*segments, makeString(psprintf("%s.", name)));
		return postgrest_condition_segments(cxt, &cond, true, segments);
	}

	if (IsA(clause, BoolExpr))
	{
		BoolExpr   *b = (BoolExpr *) clause;
		const char *prefix;
		ListCell   *lc;

		if (b->boolop == NOT_EXPR)
		{
			Expr	   *arg = linitial(b->args);

			if (!IsA(arg, BoolExpr) || ((BoolExpr *) arg)->boolop == NOT_EXPR)
				return false;
			b = (BoolExpr *) arg;
			prefix = b->boolop == OR_EXPR ? "not.or(" : "not.and(";
		}
		else
			prefix = b->boolop == OR_EXPR ? "or(" : "and(";

		*segments = lappend(*segments, makeString(pstrdup(prefix)));
		foreach(lc, b->args)
		{
			if (lc != list_head(b->args))
				*segments = lappend(*segments, makeString(","));
			if (!postgrest_tree_segments(cxt, lfirst(lc), segments))
				return false;
		}
		*segments = lappend(*segments, makeString(")"));
		return true;
	}
	return false;
}

/*
 * postgrest_condition_segments
 *		Append "op.value" for a condition in PostgREST's grammar; inside a
 *		logic tree, values holding reserved characters are quoted.
 */
static bool
postgrest_condition_segments(DeparseContext *cxt, ColumnCondition *cond,
							 bool in_tree, List **segments)
{
	RestValueFormat format = in_tree ? REST_FMT_QUOTED : REST_FMT_PLAIN;
	const char *op;

	if (!(cond->col->lookups & ((uint32) 1 << cond->lookup)))
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
			*segments = lappend(*segments,
								makeString(cond->negated ? "not.in.(" : "in.("));
			*segments = lappend(*segments,
								value_segment(cxt, cond->value,
											  REST_FMT_LIST_QUOTED));
			*segments = lappend(*segments, makeString(")"));
			return true;
		case REST_LOOKUP_ISNULL:
			*segments = lappend(*segments,
								makeString(strcmp(cond->literal, "true") == 0
										   ? "is.null" : "not.is.null"));
			return true;
		default:
			{
				/* patterns: PostgREST writes % as *; * itself is not possible */
				bool		insensitive = cond->lookup == REST_LOOKUP_IEXACT ||
					cond->lookup == REST_LOOKUP_ISTARTSWITH ||
					cond->lookup == REST_LOOKUP_IENDSWITH ||
					cond->lookup == REST_LOOKUP_ICONTAINS;
				StringInfoData buf;

				if (cond->literal == NULL ||
					strpbrk(cond->literal, "*%_\\") != NULL)
					return false;
				initStringInfo(&buf);
				appendStringInfoString(&buf, insensitive ? "ilike." : "like.");
				if (cond->lookup == REST_LOOKUP_ENDSWITH ||
					cond->lookup == REST_LOOKUP_IENDSWITH ||
					cond->lookup == REST_LOOKUP_CONTAINS ||
					cond->lookup == REST_LOOKUP_ICONTAINS)
					appendStringInfoChar(&buf, '*');
				if (in_tree)
					append_quoted(&buf, cond->literal);
				else
					appendStringInfoString(&buf, cond->literal);
				if (cond->lookup == REST_LOOKUP_STARTSWITH ||
					cond->lookup == REST_LOOKUP_ISTARTSWITH ||
					cond->lookup == REST_LOOKUP_CONTAINS ||
					cond->lookup == REST_LOOKUP_ICONTAINS)
					appendStringInfoChar(&buf, '*');
				*segments = lappend(*segments, makeString(buf.data));
				/* case folding and patterns may differ in detail: recheck */
				cxt->needs_recheck = true;
				cxt->inexact = true;
				return true;
			}
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
	*segments = lappend(*segments, value_segment(cxt, cond->value, format));
	return true;
}

/*
 * RestSortParams
 *		The parameters that make the service return rows in the order of
 *		the pathkeys, or NIL if it cannot.
 */
List *
RestSortParams(RestTable *table, PlannerInfo *root, RelOptInfo *baserel,
			   List *pathkeys)
{
	StringInfoData keys;
	StringInfoData orders;
	ListCell   *lc;

	if (pathkeys == NIL)
		return NIL;
	initStringInfo(&keys);
	initStringInfo(&orders);

	foreach(lc, pathkeys)
	{
		PathKey    *pk = (PathKey *) lfirst(lc);
		EquivalenceClass *ec = pk->pk_eclass;
		RestColumn *col = NULL;
		bool		descending = RestPathKeyIsDescending(pk);
		ListCell   *lm;
		DeparseContext cxt;
		bool		upper;
		char	   *name;

		cxt.root = root;
		cxt.baserel = baserel;
		cxt.table = table;
		if (ec->ec_has_volatile)
			return NIL;
		foreach(lm, ec->ec_members)
		{
			EquivalenceMember *em = (EquivalenceMember *) lfirst(lm);

			if (em->em_is_const || !bms_equal(em->em_relids, baserel->relids))
				continue;
			col = column_of(&cxt, (Node *) em->em_expr, &upper);
			if (col != NULL && !upper)
				break;
			col = NULL;
		}
		if (col == NULL || !col->sortable)
			return NIL;

		/* the default order of the type, and a collation that matches */
		if (pk->pk_opfamily !=
			get_opclass_family(GetDefaultOpClass(col->typid, BTREE_AM_OID)))
			return NIL;
		if (column_is_text(col) && !table->collation_matches)
			return NIL;

		name = filter_name(table, col);
		if (name == NULL)
			return NIL;
		if (keys.len > 0)
		{
			appendStringInfoChar(&keys, ',');
			appendStringInfoChar(&orders, ',');
		}

		if (table->dialect == REST_DIALECT_POSTGREST)
		{
			appendStringInfo(&keys, "%s.%s.%s", name,
							 descending ? "desc" : "asc",
							 pk->pk_nulls_first ? "nullsfirst" : "nullslast");
			continue;
		}

		/* the others sort NULLs as PostgreSQL does by default */
		if (pk->pk_nulls_first != descending)
			return NIL;
		if (table->dialect == REST_DIALECT_DRF)
			appendStringInfo(&keys, "%s%s", descending ? "-" : "", name);
		else
		{
			appendStringInfoString(&keys, name);
			appendStringInfoString(&orders, descending ? "desc" : "asc");
		}
	}

	switch (table->dialect)
	{
		case REST_DIALECT_DRF:
			return list_make1(make_param("ordering",
										 list_make1(makeString(keys.data))));
		case REST_DIALECT_POSTGREST:
			return list_make1(make_param("order",
										 list_make1(makeString(keys.data))));
		case REST_DIALECT_JSON_SERVER:
			return list_make2(make_param("_sort",
										 list_make1(makeString(keys.data))),
							  make_param("_order",
										 list_make1(makeString(orders.data))));
	}
	return NIL;
}

/*
 * RestProjectionParams
 *		PostgREST's select= for the columns a scan reads (their top-level
 *		members); NIL for other dialects or when every column is read.
 */
List *
RestProjectionParams(RestTable *table, List *retrieved)
{
	StringInfoData buf;
	ListCell   *lc;
	int			nlive = 0;
	int			i;

	if (table->dialect != REST_DIALECT_POSTGREST || retrieved == NIL)
		return NIL;
	for (i = 0; i < table->ncolumns; i++)
		if (!table->columns[i].dropped)
			nlive++;
	if (list_length(retrieved) == nlive)
		return NIL;

	initStringInfo(&buf);
	foreach(lc, retrieved)
	{
		RestColumn *col = &table->columns[lfirst_int(lc) - 1];
		const char *member = col->field ? col->field : col->pointer[0];

		if (buf.len > 0)
			appendStringInfoChar(&buf, ',');
		append_quoted(&buf, member);
	}
	return list_make1(make_param("select", list_make1(makeString(buf.data))));
}

/*
 * const_int8
 *		The value of a LIMIT or OFFSET expression known at planning: false
 *		if it is not a constant; *isnull for NULL (LIMIT ALL).
 */
static bool
const_int8(Node *node, int64 *value, bool *isnull)
{
	*value = 0;
	*isnull = node == NULL;
	if (node == NULL)
		return true;
	if (!IsA(node, Const))
		return false;
	*isnull = ((Const *) node)->constisnull;
	if (!*isnull)
		*value = DatumGetInt64(((Const *) node)->constvalue);
	return true;
}

/*
 * RestCanPushLimit
 *		Can the service apply LIMIT and OFFSET itself?  The values must be
 *		constants where the dialect needs to know them at planning.  A
 *		negative constant stays local, so that the executor reports it; an
 *		OFFSET without LIMIT only where the first page can start at it.
 */
bool
RestCanPushLimit(RestTable *table, Node *limit, Node *offset)
{
	int64		n;
	int64		m;
	bool		limit_null;
	bool		offset_null;
	bool		limit_known = const_int8(limit, &n, &limit_null);
	bool		offset_known = const_int8(offset, &m, &offset_null);

	if ((limit_known && !limit_null && n < 0) ||
		(offset_known && !offset_null && m < 0))
		return false;
	if (limit_known && limit_null && offset_known && !offset_null && m > 0 &&
		!RestCanSendOffset(table, -1))
		return false;

	if (table->dialect != REST_DIALECT_DRF)
		return true;
	if (table->pagination == REST_PAGES_LIMIT)
		return true;
	if (table->pagination == REST_PAGES_PAGE && table->page_size_param != NULL)
	{
		/* LIMIT n OFFSET k*n, as Django's admin pages, is page k+1 */
		if (!limit_known || limit_null || !offset_known)
			return false;
		return n > 0 && m % n == 0;
	}
	return false;
}

/*
 * RestCanSendOffset
 *		Can the first page of a scan start at a row offset, when the scan
 *		has this LIMIT (-1: none)?  json-server starts its numbered pages
 *		at row 0, and Django REST framework's limit/offset pagination may
 *		ignore an offset without a limit (no default limit); then the scan
 *		asks from row 0 and skips the rows itself.
 */
bool
RestCanSendOffset(RestTable *table, int64 limit)
{
	if (limit >= 0)
		return true;
	switch (table->dialect)
	{
		case REST_DIALECT_DRF:
			return table->pagination == REST_PAGES_LIMIT &&
				table->page_size > 0;
		case REST_DIALECT_POSTGREST:
			return true;
		case REST_DIALECT_JSON_SERVER:
			return false;
	}
	return false;
}

/*
 * RestAppendPageParams
 *		Append the parameters asking for a page: rows [offset, offset +
 *		limit) when limit >= 0, else the first page of the table's size
 *		from offset (from row 0 where RestCanSendOffset says it cannot
 *		start at an offset); with count_only, the smallest page that still
 *		carries the count.
 */
int64
RestAppendPageParams(StringInfo url, RestTable *table, int64 limit,
					 int64 offset, bool count_only)
{
	char		num[32];
	int64		size = limit >= 0 ? limit : table->page_size;

	if (count_only)
	{
		switch (table->dialect)
		{
			case REST_DIALECT_DRF:
				if (table->pagination == REST_PAGES_LIMIT)
					append_param(url, "limit", "1");
				else if (table->page_size_param != NULL)
					append_param(url, table->page_size_param, "1");
				return 0;
			case REST_DIALECT_POSTGREST:
				append_param(url, "limit", "0");
				return 0;
			case REST_DIALECT_JSON_SERVER:
				append_param(url, "_limit", "1");
				return 0;
		}
	}

	if (!RestCanSendOffset(table, limit))
		offset = 0;				/* the scan skips the rows itself */

	if (size > 0 && table->page_size > 0 && limit >= 0 &&
		table->dialect != REST_DIALECT_JSON_SERVER &&
		!(table->dialect == REST_DIALECT_DRF &&
		  table->pagination == REST_PAGES_PAGE))
		size = Min(size, table->page_size);

	switch (table->dialect)
	{
		case REST_DIALECT_DRF:
			if (table->pagination == REST_PAGES_LIMIT)
			{
				if (size > 0)
				{
					snprintf(num, sizeof(num), INT64_FORMAT, size);
					append_param(url, "limit", num);
				}
				if (offset > 0)
				{
					snprintf(num, sizeof(num), INT64_FORMAT, offset);
					append_param(url, "offset", num);
				}
			}
			else if (table->page_size_param != NULL && size > 0)
			{
				snprintf(num, sizeof(num), INT64_FORMAT, size);
				append_param(url, table->page_size_param, num);
				if (offset > 0)
				{
					snprintf(num, sizeof(num), INT64_FORMAT, offset / size + 1);
					append_param(url, "page", num);
				}
			}
			break;
		case REST_DIALECT_POSTGREST:
			if (size > 0)
			{
				snprintf(num, sizeof(num), INT64_FORMAT, size);
				append_param(url, "limit", num);
			}
			if (offset > 0)
			{
				snprintf(num, sizeof(num), INT64_FORMAT, offset);
				append_param(url, "offset", num);
			}
			break;
		case REST_DIALECT_JSON_SERVER:
			if (limit >= 0)
			{
				snprintf(num, sizeof(num), INT64_FORMAT, offset);
				append_param(url, "_start", num);
				snprintf(num, sizeof(num), INT64_FORMAT, limit);
				append_param(url, "_limit", num);
			}
			else if (size > 0)
			{
				append_param(url, "_page", "1");
				snprintf(num, sizeof(num), INT64_FORMAT, size);
				append_param(url, "_limit", num);
			}
			break;
	}
	return size > 0 ? size : 0;
}

/*
 * RestAppendNthPageParams
 *		Append the parameters of page n (counted from 0) of a collection read
 *		size rows at a time from row offset, asking for at most wanted rows
 *		in all (-1: no bound): the pages a scan asks for ahead, which must
 *		be those RestAppendPageParams began with, and the pages ANALYZE
 *		samples.
 */
void
RestAppendNthPageParams(StringInfo url, RestTable *table, int64 size,
						int64 offset, int64 n, int64 wanted)
{
	char		num[32];
	int64		start = offset + n * size;
	int64		rows = wanted >= 0 ? Min(size, wanted - n * size) : size;

	switch (table->dialect)
	{
		case REST_DIALECT_DRF:
			if (table->pagination == REST_PAGES_LIMIT)
			{
				snprintf(num, sizeof(num), INT64_FORMAT, rows);
				append_param(url, "limit", num);
				snprintf(num, sizeof(num), INT64_FORMAT, start);
				append_param(url, "offset", num);
			}
			else
			{
				/* without a page size parameter, pages of the service's size */
				if (table->page_size_param != NULL)
				{
					snprintf(num, sizeof(num), INT64_FORMAT, size);
					append_param(url, table->page_size_param, num);
				}
				snprintf(num, sizeof(num), INT64_FORMAT, offset / size + n + 1);
				append_param(url, "page", num);
			}
			break;
		case REST_DIALECT_POSTGREST:
			snprintf(num, sizeof(num), INT64_FORMAT, rows);
			append_param(url, "limit", num);
			snprintf(num, sizeof(num), INT64_FORMAT, start);
			append_param(url, "offset", num);
			break;
		case REST_DIALECT_JSON_SERVER:
			snprintf(num, sizeof(num), INT64_FORMAT, n + 1);
			append_param(url, "_page", num);
			snprintf(num, sizeof(num), INT64_FORMAT, size);
			append_param(url, "_limit", num);
			break;
	}
}

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
	int			i;
	int			j;

	pv->elems = NULL;
	pv->nelems = 0;
	if (pv->isnull || !OidIsValid(get_element_type(pv->typid)))
		return;

	array = DatumGetArrayTypeP(pv->value);
	elemtype = ARR_ELEMTYPE(array);
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(array, elemtype, typlen, typbyval, typalign,
					  &elems, &nulls, &nelems);
	pv->elems = palloc(sizeof(char *) * Max(nelems, 1));
	for (i = 0; i < nelems; i++)
	{
		char	   *text;

		if (nulls[i])
			continue;			/* NULL never equals anything */
		text = RestDatumToUrlValue(elems[i], elemtype);
		for (j = 0; j < pv->nelems; j++)
			if (strcmp(pv->elems[j], text) == 0)
				break;
		if (j == pv->nelems)
			pv->elems[pv->nelems++] = text;
	}
}

/*
 * RestBuildUrl
 *		The URL of a collection with the parameters filled in.  For the
 *		parameter split_param (-1 for none), only the array elements
 *		[split_from, split_from + split_count) are used.  Returns NULL if a
 *		value makes the conditions false for every row (a NULL compared, an
 *		empty IN list), so that no request is needed.
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
	initStringInfo(&value);
	appendStringInfoString(&url, table->collection_url);

	foreach(lc, params)
	{
		List	   *param = lfirst(lc);
		const char *name = strVal(linitial(param));
		List	   *segments = lsecond(param);
		ListCell   *ls;
		int			from = 0;
		int			count = -1;

		if (paramno++ == split_param)
		{
			from = split_from;
			count = split_count;
		}

		resetStringInfo(&value);
		foreach(ls, segments)
		{
			Node	   *seg = lfirst(ls);
			RestParamValue *pv;
			int			format;

			if (IsA(seg, String))
			{
				appendStringInfoString(&value, strVal(seg));
				continue;
			}
			pv = &values[intVal(linitial((List *) seg))];
			format = intVal(lsecond((List *) seg));
			if (pv->isnull)
				return NULL;
			if (format == REST_FMT_REPEAT)
			{
				int			i;
				int			n = count >= 0 ? Min(count, pv->nelems - from) : pv->nelems;

				if (n <= 0)
					return NULL;
				for (i = 0; i < n; i++)
					append_param(&url, name, pv->elems[from + i]);
				goto next_param;
			}
			if (format == REST_FMT_LIST_COMMA || format == REST_FMT_LIST_QUOTED)
			{
				if (pv->nelems == 0)
					return NULL;
			}
			append_value(&value, pv, format, from, count);
		}
		append_param(&url, name, value.data);
next_param:
		;
	}
	return url.data;
}

/*
 * RestFindSplitParam
 *		The parameter holding the longest IN list, which a too long URL is
 *		split on; -1 if there is none.
 */
int
RestFindSplitParam(List *params, RestParamValue *values, int *nelems)
{
	ListCell   *lc;
	int			best = -1;
	int			paramno = 0;

	*nelems = 0;
	foreach(lc, params)
	{
		List	   *segments = lsecond((List *) lfirst(lc));
		ListCell   *ls;

		foreach(ls, segments)
		{
			Node	   *seg = lfirst(ls);
			RestParamValue *pv;
			int			format;

			if (IsA(seg, String))
				continue;
			pv = &values[intVal(linitial((List *) seg))];
			format = intVal(lsecond((List *) seg));
			if ((format == REST_FMT_LIST_COMMA ||
				 format == REST_FMT_LIST_QUOTED ||
				 format == REST_FMT_REPEAT) && pv->nelems > *nelems)
			{
				best = paramno;
				*nelems = pv->nelems;
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
append_value(StringInfo buf, RestParamValue *pv, int format, int from,
			 int count)
{
	int			i;
	int			n;

	switch ((RestValueFormat) format)
	{
		case REST_FMT_PLAIN:
			appendStringInfoString(buf, RestDatumToUrlValue(pv->value, pv->typid));
			break;
		case REST_FMT_QUOTED:
			append_quoted(buf, RestDatumToUrlValue(pv->value, pv->typid));
			break;
		case REST_FMT_LIST_COMMA:
		case REST_FMT_LIST_QUOTED:
			n = count >= 0 ? Min(count, pv->nelems - from) : pv->nelems;
			for (i = 0; i < n; i++)
			{
				if (i > 0)
					appendStringInfoChar(buf, ',');
				if (format == REST_FMT_LIST_QUOTED)
					append_quoted(buf, pv->elems[from + i]);
				else
					appendStringInfoString(buf, pv->elems[from + i]);
			}
			break;
		case REST_FMT_REPEAT:
			break;				/* handled by the caller */
	}
}

/*
 * append_quoted
 *		Append a value for a PostgREST list or logic tree: in double quotes,
 *		with backslash escapes, when it holds a reserved character.
 */
static void
append_quoted(StringInfo buf, const char *text)
{
	const char *p;

	if (strpbrk(text, ",.:()\" \\") == NULL && text[0] != '\0')
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
 * append_param
 *		Append name=value to a URL, both percent-encoded.
 */
static void
append_param(StringInfo url, const char *name, const char *value)
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
 *
 * Django REST framework and json-server address a row by a path segment
 * (the trailing slash follows the collection's own style); PostgREST has no
 * item paths and selects the row by a filter on the key.
 */
char *
RestItemUrl(RestTable *table, const char *key_text)
{
	StringInfoData buf;
	const char *url = table->collection_url;
	size_t		len = strlen(url);
	bool		trailing_slash = len > 0 && url[len - 1] == '/';
	RestColumn *key = &table->columns[table->key_index];

	initStringInfo(&buf);
	appendStringInfoString(&buf, url);
	if (table->dialect == REST_DIALECT_POSTGREST)
	{
		appendStringInfoChar(&buf, '?');
		RestAppendEncoded(&buf, key->field ? key->field : key->attname);
		appendStringInfoString(&buf, "=eq.");
	}
	else if (!trailing_slash)
		appendStringInfoChar(&buf, '/');

	if (key_text != NULL)
		RestAppendEncoded(&buf, key_text);
	else
		appendStringInfo(&buf, "{%s}", key->attname);

	if (table->dialect != REST_DIALECT_POSTGREST && trailing_slash)
		appendStringInfoChar(&buf, '/');
	return buf.data;
}
