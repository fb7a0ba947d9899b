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
 * segments, each a String (literal text) or a List of three Integers (the
 * index of a value in the scan's expressions, a RestValueFormat, and
 * REST_SEG_* flags saying what the value stands for).  Every value is put
 * in the dialect's own syntax first and then percent-encoded (RFC 3986),
 * since services decode the URL before they parse their own grammar.
 *
 * A condition is sent only where the service's answer contains every row
 * PostgreSQL's would: a column read as it is (no cast but relabelings), a
 * value whose text the service reads as the same value of the column's
 * type (no real compared with a double, no text django-filter would strip,
 * no infinity it would refuse), case folded as the service folds it
 * (ILIKE, which folds to lower case, never as Django's upper-case
 * i-lookups), and a collation that decides nothing or is the column's own.
 * What is sent is then one of three kinds:
 *
 * - exact: the service keeps exactly the rows we would, so LIMIT, OFFSET
 *   and count(*) may go with it.  PostgREST's comparisons, IS NULL, IN and
 *   NOT IN lists, and OR/AND trees of constants; text order where the table
 *   says collation_matches and the condition uses the column's collation.
 *   Django's declared lookups on columns other than text (equality, order,
 *   IN, IS NULL), and its text equality and IN lists where the table says
 *   collation_matches.  json-server's equality, _ne and IN lists on
 *   booleans, numbers and text, and its _gte/_lte on numbers whose values
 *   JavaScript's doubles hold exactly.
 * - rechecked: sent, and checked here again, because the service may
 *   ignore it (Django REST framework drops filters it does not declare):
 *   every drf and json-server condition.
 * - inexact (RestPushdown.inexact_conds, rechecked too): the service may
 *   keep rows we would not, so LIMIT, OFFSET and count(*) stay here.
 *   Patterns and case-insensitive lookups (case folding and escapes may
 *   differ), text order on drf and json-server (UTF-16 code units there),
 *   Django's text equality and IN without collation_matches (MySQL
 *   compares case-insensitively), drf text values known only at execution
 *   (they may be empty or padded) and dates, timestamps and numbers but
 *   integers known then (they may be infinite), whose parameter is left
 *   out if django-filter would change or refuse the value, json-server
 *   ranges on constants its doubles round and on values known only at
 *   execution (but integers), and PostgREST logic trees holding values
 *   known only at execution (a tree PostgREST cannot say, for a NULL or an
 *   empty list, is left out of the URL).
 *
 * NULLs and empty lists follow three-valued logic: at the top level a NULL
 * compared, an empty IN list or a NOT IN list holding a NULL mean no rows
 * (no request), an empty NOT IN list no filter; NULL elements drop out of
 * a positive IN only.  Only a top-level positive IN list may be split over
 * requests (max_url_length): its parts match disjoint rows, as equal
 * values written differently are sent once.  A constant list that may not
 * be split and makes the URL too long stays here.
 *
 * A sort ends with the key column, so that rows that tie come in the same
 * order in every request of a scan read page by page (RestSortParams).
 *
 * What a dialect can say:
 * - drf: only what the table declares in its "filters" option, as
 *   django-filter lookups (f=v, f__lt=v, f__in=a,b, f__isnull=true,
 *   f__icontains=v ...); AND only.
 * - json-server: declared f=v, f_ne, f_gte, f_lte and IN as repeated f=v,
 *   on members of boolean, number and text columns (see
 *   deparse_jsonserver).
 * - postgrest: every operator, OR, NOT and IN, on every column unless the
 *   table declares otherwise; PostgREST rejects what it does not know.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/stratnum.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_database.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "optimizer/paths.h"
#include "catalog/pg_am.h"
#include "common/shortest_dec.h"
#include "parser/parse_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

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

/*
 * What a value segment stands for, which decides what RestBuildUrl does
 * with a value that cannot be written (a NULL, an empty list).
 */
#define REST_SEG_SPLIT			0x01	/* a top-level positive IN list: the
										 * scan may split it over requests */
#define REST_SEG_NEGATED		0x02	/* a NOT IN (<> ALL) list: empty, it
										 * holds for every row */
#define REST_SEG_IN_TREE		0x04	/* inside a PostgREST logic tree, which
										 * is checked here again: a value that
										 * cannot be written drops the tree */
#define REST_SEG_NULLS_MATTER	0x08	/* a NULL element makes the list
										 * unwritable (NOT IN, or under NOT) */
#define REST_SEG_JS_NUMBER		0x10	/* json-server: the number as
										 * JavaScript's String() writes it */
#define REST_SEG_JS_RANGE		0x20	/* json-server _gte/_lte: NaN cannot be
										 * compared there: drop the filter */
#define REST_SEG_JS_GUARD		0x40	/* json-server equality: add name_ne=w
										 * for a w no value equals, which keeps
										 * the same rows but is never dropped */
#define REST_SEG_DRF_CLEAN		0x80	/* drf: a value django-filter would
										 * strip, ignore or refuse (see
										 * deparse_drf) leaves the parameter
										 * out; it is checked here again */

/* What RestBuildUrl does with one parameter. */
typedef enum RestParamOutcome
{
	REST_PARAM_WRITTEN,			/* appended to the URL */
	REST_PARAM_OMITTED,			/* left out: true for every row, or the
								 * condition is checked here again */
	REST_PARAM_NO_ROWS			/* false for every row: no request */
} RestParamOutcome;

/* Most parameters of one request json-server reads (Express' parser). */
#define REST_JS_MAX_PARAMS		900

/* State while deparsing one condition. */
typedef struct DeparseContext
{
	PlannerInfo *root;
	RelOptInfo *baserel;
	RestTable  *table;
	List	  **exprs;			/* values computed at execution */
	bool		needs_recheck;	/* the service may not match exactly */
	bool		inexact;		/* its answer may differ from ours */
	bool		splittable;		/* a list the scan may split was made */
	bool		in_tree;		/* inside a PostgREST logic tree */
	bool		under_not;		/* ... below a NOT */
} DeparseContext;

/* A condition on one column, recognised from an expression. */
typedef struct ColumnCondition
{
	RestColumn *col;
	RestLookup	lookup;
	Expr	   *value;			/* NULL for isnull and patterns */
	char	   *literal;		/* pattern text, or "true"/"false" */
	bool		negated;		/* NOT IN, IS NOT NULL handled here */
	bool		upper;			/* on UPPER(column), as Django folds case */
	bool		ilike;			/* ILIKE (~~*), which folds to lower case */
	Oid			collation;		/* the column's collation */
} ColumnCondition;

static bool recognise_condition(DeparseContext *cxt, Expr *clause,
								ColumnCondition *cond);
static RestColumn *column_of(DeparseContext *cxt, Node *node,
							 bool *upper_applied, Oid *collation);
static bool collation_fits(DeparseContext *cxt, ColumnCondition *cond,
						   Oid inputcollid, Oid colcollid);
static bool is_runtime_value(DeparseContext *cxt, Node *node);
static bool value_type_fits(RestColumn *col, Oid valtype);
static bool analyse_like_pattern(const char *pattern, RestLookup *lookup,
								 char **literal);
static bool column_is_text(RestColumn *col);
static List *deparse_simple(DeparseContext *cxt, ColumnCondition *cond);
static List *deparse_jsonserver(DeparseContext *cxt, ColumnCondition *cond,
								char *name);
static List *deparse_drf(DeparseContext *cxt, ColumnCondition *cond,
						 char *name);
static bool jsonserver_name_fits(const char *name, RestLookup lookup);
static bool drf_value_fits(const char *text, bool is_text);
static bool drf_text_fits(const char *text);
static bool is_python_space(pg_wchar c);
static bool is_infinite_text(const char *text);
static bool type_has_infinities(Oid typid);
static List *deparse_postgrest_tree(DeparseContext *cxt, Expr *clause);
static bool postgrest_tree_segments(DeparseContext *cxt, Expr *clause,
									List **segments);
static bool postgrest_condition_segments(DeparseContext *cxt,
										 ColumnCondition *cond,
										 List **segments);
static bool tree_value_fits(DeparseContext *cxt, ColumnCondition *cond);
static bool upper_pattern_fits_ilike(const char *literal, Oid collation);
static bool upper_maps_fully(Oid collation);
static void append_sort_key(RestTable *table, StringInfo keys,
							StringInfo orders, const char *name,
							bool descending, bool nulls_first);
static List *value_segment(DeparseContext *cxt, Expr *value,
						   RestValueFormat format, int flags);
static bool list_too_long(DeparseContext *cxt, List *params);
static bool repeats_param(RestTable *table, List *sent, List *params);
static char *filter_name(RestTable *table, RestColumn *col);
static RestParamOutcome build_param(StringInfo url, StringInfo value,
									const char *name, List *segments,
									RestParamValue *values, int split_from,
									int split_count);
static RestParamOutcome value_outcome(RestParamValue *pv, int format,
									  int flags);
static bool drf_runtime_value_fits(RestParamValue *pv, bool list);
static void append_value(StringInfo buf, RestParamValue *pv, int format,
						 int flags, int from, int count);
static void append_guard(StringInfo url, const char *name,
						 const char **texts, int n);
static const char *segment_text(const char *text, int flags);
static char *js_number_text(const char *text, bool *exact);
static Datum text_to_numeric(const char *text);
static void dedupe_elements(RestParamValue *pv, Oid elemtype, Datum *elems,
							bool *nulls, int nelems);
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
	memset(&cxt, 0, sizeof(cxt));
	cxt.root = root;
	cxt.baserel = baserel;
	cxt.table = table;
	cxt.exprs = &pushdown->exprs;

	foreach(lc, conditions)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		List	   *params = NIL;
		int			nexprs = list_length(pushdown->exprs);
		ColumnCondition cond;

		cxt.needs_recheck = table->dialect != REST_DIALECT_POSTGREST;
		cxt.inexact = false;
		cxt.splittable = false;
		cxt.in_tree = false;
		cxt.under_not = false;
		if (table->dialect == REST_DIALECT_POSTGREST)
			params = deparse_postgrest_tree(&cxt, ri->clause);
		else if (recognise_condition(&cxt, ri->clause, &cond))
			params = deparse_simple(&cxt, &cond);

		/* a list too long for one URL that may not be split stays here */
		if (params != NIL && list_too_long(&cxt, params))
			params = NIL;
		/* so does a second condition on a parameter already sent */
		if (params != NIL && repeats_param(table, pushdown->params, params))
			params = NIL;

		if (params == NIL)
		{
			pushdown->exprs = list_truncate(pushdown->exprs, nexprs);
			pushdown->local_conds = lappend(pushdown->local_conds, ri);
			continue;
		}
		pushdown->params = list_concat(pushdown->params, params);
		pushdown->remote_conds = lappend(pushdown->remote_conds, ri);
		/* what the service may answer differently is checked here too */
		if (cxt.needs_recheck || cxt.inexact)
			pushdown->recheck_conds = lappend(pushdown->recheck_conds, ri);
		if (cxt.inexact)
			pushdown->inexact_conds = lappend(pushdown->inexact_conds, ri);
		if (cxt.splittable)
			pushdown->has_in_list = true;
	}
}

/*
 * repeats_param
 *		Would these parameters repeat one already sent?  django-filter reads
 *		the last of repeated parameters only, and json-server ORs them (all
 *		but its _ne filters), so a second condition on the same parameter
 *		would make the service answer another question; PostgREST ANDs
 *		them.
 */
static bool
repeats_param(RestTable *table, List *sent, List *params)
{
	ListCell   *lc;

	if (table->dialect == REST_DIALECT_POSTGREST)
		return false;
	foreach(lc, params)
	{
		const char *name = strVal(linitial((List *) lfirst(lc)));
		size_t		len = strlen(name);
		ListCell   *ls;

		if (table->dialect == REST_DIALECT_JSON_SERVER && len >= 3 &&
			strcmp(name + len - 3, "_ne") == 0)
			continue;
		foreach(ls, sent)
		{
			if (strcmp(strVal(linitial((List *) lfirst(ls))), name) == 0)
				return true;
		}
	}
	return false;
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
	List	   *segments = NIL;

	memset(&cxt, 0, sizeof(cxt));
	cxt.root = root;
	cxt.baserel = baserel;
	cxt.table = table;
	cxt.exprs = &exprs;
	if (!recognise_condition(&cxt, clause, &cond) ||
		cond.lookup != REST_LOOKUP_EXACT)
		return false;
	if (table->dialect == REST_DIALECT_POSTGREST)
		return filter_name(table, cond.col) != NULL &&
			postgrest_condition_segments(&cxt, &cond, &segments);
	return deparse_simple(&cxt, &cond) != NIL;
}

/*
 * recognise_condition
 *		Recognise "column op value", "column IN (...)", "column IS NULL",
 *		"column LIKE pattern" and their case-insensitive forms, as Django
 *		writes them, in a clause of the scanned table.  The column is read
 *		as it is (no cast but between binary-compatible types), and the
 *		operation uses the column's collation where the result depends on
 *		one.
 */
static bool
recognise_condition(DeparseContext *cxt, Expr *clause, ColumnCondition *cond)
{
	bool		upper = false;
	Oid			colcollid;

	memset(cond, 0, sizeof(ColumnCondition));

	/* a boolean column by itself, or negated */
	if (IsA(clause, Var) || (IsA(clause, BoolExpr) &&
							 ((BoolExpr *) clause)->boolop == NOT_EXPR &&
							 IsA(linitial(((BoolExpr *) clause)->args), Var)))
	{
		bool		negated = !IsA(clause, Var);
		Node	   *var = negated ? linitial(((BoolExpr *) clause)->args) : (Node *) clause;

		cond->col = column_of(cxt, var, &upper, &colcollid);
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
		cond->col = column_of(cxt, (Node *) nt->arg, &upper, &colcollid);
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
		cond->col = column_of(cxt, linitial(sa->args), &upper, &colcollid);
		if (cond->col == NULL || upper || !is_runtime_value(cxt, array) ||
			!value_type_fits(cond->col, get_element_type(exprType(array))))
			return false;
		cond->lookup = REST_LOOKUP_IN;
		cond->value = (Expr *) array;
		return collation_fits(cxt, cond, sa->inputcollid, colcollid);
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

		cond->col = column_of(cxt, left, &upper, &colcollid);
		if (cond->col == NULL)
		{
			cond->col = column_of(cxt, right, &upper, &colcollid);
			commuted = true;
			right = left;
		}
		if (cond->col == NULL || !is_runtime_value(cxt, right))
			return false;

		cond->upper = upper;
		cond->collation = colcollid;
		if (strcmp(opname, "~~") == 0 || strcmp(opname, "~~*") == 0)
		{
			/* a pattern: known at planning, and on a text column */
			if (commuted || !IsA(right, Const) || ((Const *) right)->constisnull ||
				!column_is_text(cond->col))
				return false;
			if (!analyse_like_pattern(TextDatumGetCString(((Const *) right)->constvalue),
									  &cond->lookup, &cond->literal))
				return false;
			cond->ilike = strcmp(opname, "~~*") == 0;
			/* ILIKE of UPPER(column) folds twice: no service says that */
			if (upper && cond->ilike)
				return false;
			if (upper || cond->ilike)
				cond->lookup = cond->lookup == REST_LOOKUP_EXACT
					? REST_LOOKUP_IEXACT : cond->lookup + 1;
			return collation_fits(cxt, cond, op->inputcollid, colcollid);
		}

		if (!value_type_fits(cond->col, exprType(right)))
			return false;
		cond->value = (Expr *) right;

		if (strcmp(opname, "=") == 0)
		{
			cond->lookup = upper ? REST_LOOKUP_IEXACT : REST_LOOKUP_EXACT;
			return collation_fits(cxt, cond, op->inputcollid, colcollid);
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
		return collation_fits(cxt, cond, op->inputcollid, colcollid);
	}

	return false;
}

/*
 * column_of
 *		The column a node reads, through relabelings between binary
 *		compatible types and Django's UPPER(col::text); NULL if it is
 *		something else.  *collation is the column's collation.
 */
static RestColumn *
column_of(DeparseContext *cxt, Node *node, bool *upper_applied,
		  Oid *collation)
{
	Var		   *var;
	int			i;

	*upper_applied = false;
	*collation = InvalidOid;
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
		{
			*collation = var->varcollid;
			return col;
		}
	}
	return NULL;
}

/*
 * collation_fits
 *		Does the service compare as the condition does?  Equality and
 *		patterns need a deterministic collation (then bytes decide); order
 *		and case folding need the column's own collation, the one
 *		collation_matches speaks of: an explicit COLLATE "C" on a column of
 *		another collation stays here.
 */
static bool
collation_fits(DeparseContext *cxt, ColumnCondition *cond, Oid inputcollid,
			   Oid colcollid)
{
	if (!OidIsValid(inputcollid))
		return true;
	if (!get_collation_isdeterministic(inputcollid))
		return false;
	switch (cond->lookup)
	{
		case REST_LOOKUP_EXACT:
		case REST_LOOKUP_NE:
		case REST_LOOKUP_IN:
		case REST_LOOKUP_STARTSWITH:
		case REST_LOOKUP_ENDSWITH:
		case REST_LOOKUP_CONTAINS:
			return true;
		default:
			return inputcollid == colcollid;
	}
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
 *		column's, with the value PostgreSQL compares: the same type, or
 *		both strings, or both exact numbers or float8 (a real compared with
 *		a double precision is widened, which its text does not say)?
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
	if (valtype == FLOAT4OID || getBaseType(col->typid) == FLOAT4OID)
		return false;
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
 *		member, or the path of a pointer joined as the dialect does; NULL
 *		if the service would read the name as something else (a path in a
 *		json-server member name, a lookup in a Django one).
 */
static char *
filter_name(RestTable *table, RestColumn *col)
{
	StringInfoData buf;
	int			i;
	int			nparts = col->field != NULL ? 1 : col->npointer;

	if (col->field == NULL && table->dialect == REST_DIALECT_POSTGREST)
		return NULL;
	initStringInfo(&buf);
	for (i = 0; i < nparts; i++)
	{
		const char *part = col->field != NULL ? col->field : col->pointer[i];

		if (table->dialect == REST_DIALECT_JSON_SERVER &&
			strpbrk(part, ".[]") != NULL)
			return NULL;
		if (table->dialect == REST_DIALECT_DRF && strstr(part, "__") != NULL)
			return NULL;
		if (i > 0)
			appendStringInfoString(&buf,
								   table->dialect == REST_DIALECT_DRF ? "__" : ".");
		appendStringInfoString(&buf, part);
	}
	return buf.data;
}

/*
 * value_segment
 *		A segment standing for a value computed at execution.
 */
static List *
value_segment(DeparseContext *cxt, Expr *value, RestValueFormat format,
			  int flags)
{
	*cxt->exprs = lappend(*cxt->exprs, value);
	if (flags & REST_SEG_SPLIT)
		cxt->splittable = true;
	return list_make3(makeInteger(list_length(*cxt->exprs) - 1),
					  makeInteger(format), makeInteger(flags));
}

/*
 * segment_flags
 *		The flags of a value segment (0 for a segment made without any).
 */
static int
segment_flags(List *seg)
{
	return list_length(seg) > 2 ? intVal(lthird(seg)) : 0;
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
 * const_value
 *		The value of a constant, prepared as RestBuildUrl sees it.
 */
static void
const_value(Const *c, RestParamValue *pv)
{
	pv->value = c->constvalue;
	pv->isnull = c->constisnull;
	pv->typid = c->consttype;
	RestPrepareValue(pv);
}

/*
 * list_too_long
 *		Does a condition hold a constant IN list that alone makes the URL
 *		longer than the table allows, and that the scan may not split (NOT
 *		IN, lists inside logic trees)?  The union of the answers to the
 *		parts of such a list is not the answer to the whole, so the
 *		condition is better checked here.
 */
static bool
list_too_long(DeparseContext *cxt, List *params)
{
	ListCell   *lc;
	bool		has_list = false;

	foreach(lc, params)
	{
		ListCell   *ls;

		foreach(ls, (List *) lsecond((List *) lfirst(lc)))
		{
			Node	   *seg = lfirst(ls);
			int			format;

			if (IsA(seg, String))
				continue;
			format = intVal(lsecond((List *) seg));
			if ((format == REST_FMT_LIST_COMMA ||
				 format == REST_FMT_LIST_QUOTED ||
				 format == REST_FMT_REPEAT) &&
				!(segment_flags((List *) seg) & REST_SEG_SPLIT) &&
				IsA(list_nth(*cxt->exprs, intVal(linitial((List *) seg))), Const))
				has_list = true;
		}
	}
	if (!has_list)
		return false;
	return (int) strlen(RestExplainUrl(cxt->table, params, *cxt->exprs)) >
		cxt->table->max_url_length;
}

/*
 * deparse_simple
 *		The parameter for one condition in the drf or json-server dialect,
 *		if the table declares the service honours it; NIL otherwise.
 */
static List *
deparse_simple(DeparseContext *cxt, ColumnCondition *cond)
{
	char	   *name = filter_name(cxt->table, cond->col);

	if (name == NULL || cond->negated ||
		!(cond->col->lookups & ((uint32) 1 << cond->lookup)))
		return NIL;

	/* case folding and patterns may differ in detail from ours */
	if (cond->lookup != REST_LOOKUP_EXACT && cond->lookup != REST_LOOKUP_NE &&
		cond->lookup != REST_LOOKUP_LT && cond->lookup != REST_LOOKUP_LTE &&
		cond->lookup != REST_LOOKUP_GT && cond->lookup != REST_LOOKUP_GTE &&
		cond->lookup != REST_LOOKUP_IN && cond->lookup != REST_LOOKUP_ISNULL)
		cxt->inexact = true;

	/* text order: the service's collation, which the table vouches for */
	if (column_is_text(cond->col) &&
		(cond->lookup == REST_LOOKUP_LT || cond->lookup == REST_LOOKUP_LTE ||
		 cond->lookup == REST_LOOKUP_GT || cond->lookup == REST_LOOKUP_GTE))
		cxt->inexact = true;

	if (cxt->table->dialect == REST_DIALECT_JSON_SERVER)
		return deparse_jsonserver(cxt, cond, name);
	return deparse_drf(cxt, cond, name);
}

/*
 * deparse_jsonserver
 *		The parameter of a condition for json-server 0.17, which keeps a
 *		row when String(member) === value (any of the values of a repeated
 *		parameter), String(member) !== value for _ne, and compares
 *		JavaScript values for _gte and _lte: as numbers when the member is
 *		a number, as UTF-16 strings when it is a string.
 *
 * So only what has one text there is sent: booleans, numbers (written as
 * JavaScript writes them: json-server holds a number as a double, serves
 * it in that text, and this wrapper writes numbers as JSON numbers), and
 * strings.  A numeric(p,s) column rounds what it reads, which json-server
 * does not; dates and times are strings in any ISO 8601 form, of which no
 * text matches all: they stay here, as members of other types.
 * json-server also drops a filter on a member no row has (every row would
 * come back): equality and IN lists carry a guard (append_guard).  Text
 * ranges compare UTF-16 code units: inexact.
 */
static List *
deparse_jsonserver(DeparseContext *cxt, ColumnCondition *cond, char *name)
{
	Oid			coltype = getBaseType(cond->col->typid);
	int			flags = 0;
	const char *suffix;

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
			flags |= REST_SEG_JS_NUMBER;
			break;
		case TEXTOID:
		case VARCHAROID:
			break;
		default:
			return NIL;
	}
	if (!jsonserver_name_fits(name, cond->lookup))
		return NIL;

	switch (cond->lookup)
	{
		case REST_LOOKUP_EXACT:
			suffix = "";
			flags |= REST_SEG_JS_GUARD;
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
			flags |= REST_SEG_SPLIT | REST_SEG_JS_GUARD;
			return list_make1(make_param(name,
										 list_make1(value_segment(cxt, cond->value,
																  REST_FMT_REPEAT,
																  flags))));
		default:
			return NIL;
	}
	if (cond->value == NULL)
		return NIL;

	if ((cond->lookup == REST_LOOKUP_GTE || cond->lookup == REST_LOOKUP_LTE) &&
		(flags & REST_SEG_JS_NUMBER))
	{
		/* a number JavaScript rounds compares differently */
		flags |= REST_SEG_JS_RANGE;
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
	return list_make1(make_param(psprintf("%s%s", name, suffix),
								 list_make1(value_segment(cxt, cond->value,
														  REST_FMT_PLAIN,
														  flags))));
}

/*
 * jsonserver_name_fits
 *		Would json-server read a parameter of this member as a filter on it?
 *		It takes its own parameters (q, _page, ...) and names ending in
 *		_ne, _gte, _lte or _like for something else.
 */
static bool
jsonserver_name_fits(const char *name, RestLookup lookup)
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
 * deparse_drf
 *		The parameter of a condition for Django REST framework with
 *		django-filter.  Its text filters strip surrounding white space and
 *		ignore empty values, its date, timestamp and number filters refuse
 *		values that are not finite (a 400), and it compares in the
 *		service's collation (case insensitive on MySQL): text equality is
 *		inexact unless the table vouches for the collation, and constants
 *		django-filter would change or refuse stay here.  A value known only
 *		at execution is checked then (REST_SEG_DRF_CLEAN): one it would
 *		change leaves the parameter out, so the condition is inexact.
 *
 * Django's case-insensitive lookups are UPPER(column) LIKE UPPER(value):
 * only that form is sent as one.  PostgreSQL's ILIKE folds to lower case
 * instead, which finds rows upper case does not (the lower case of U+0130,
 * capital I with a dot, is i, but the upper case of i is I, not U+0130),
 * and the rows the service leaves out cannot be found again here: ILIKE
 * stays here.
 */
static List *
deparse_drf(DeparseContext *cxt, ColumnCondition *cond, char *name)
{
	List	   *segments;
	bool		is_text = column_is_text(cond->col);
	int			flags = 0;

	if (cond->lookup == REST_LOOKUP_NE || cond->ilike)
		return NIL;
	if (cond->lookup != REST_LOOKUP_EXACT)
		name = psprintf("%s__%s", name, RestLookupNames[cond->lookup]);

	if (is_text && !cxt->table->collation_matches &&
		(cond->lookup == REST_LOOKUP_EXACT || cond->lookup == REST_LOOKUP_IN))
		cxt->inexact = true;

	/* a value known only at execution is checked then */
	if (cond->value != NULL && !IsA(cond->value, Const))
	{
		Oid			valtype = exprType((Node *) cond->value);

		if (cond->lookup == REST_LOOKUP_IN)
			valtype = get_element_type(valtype);
		flags |= REST_SEG_DRF_CLEAN;
		if (is_text || type_has_infinities(valtype))
			cxt->inexact = true;	/* it may be left out */
	}

	if (cond->literal != NULL)
	{
		/* stripped, a substring still finds every row (and more) */
		if (is_text && cond->lookup != REST_LOOKUP_CONTAINS &&
			cond->lookup != REST_LOOKUP_ICONTAINS &&
			!drf_text_fits(cond->literal))
			return NIL;
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

			const_value((Const *) cond->value, &pv);
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
		segments = list_make1(value_segment(cxt, cond->value,
											REST_FMT_LIST_COMMA, flags));
	}
	else
	{
		Const	   *c = IsA(cond->value, Const) ? (Const *) cond->value : NULL;

		if (c != NULL && !c->constisnull &&
			!drf_value_fits(RestDatumToUrlValue(c->constvalue, c->consttype),
							is_text))
			return NIL;
		segments = list_make1(value_segment(cxt, cond->value, REST_FMT_PLAIN,
											flags));
	}
	return list_make1(make_param(name, segments));
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
 * deparse_postgrest_tree
 *		The parameters for a clause in PostgREST's grammar: a condition on
 *		one column, or an OR, AND or NOT of such conditions.
 */
static List *
deparse_postgrest_tree(DeparseContext *cxt, Expr *clause)
{
	ColumnCondition cond;
	List	   *segments = NIL;
	int			nexprs = list_length(*cxt->exprs);

	if (recognise_condition(cxt, clause, &cond))
	{
		char	   *name = filter_name(cxt->table, cond.col);

		if (name != NULL &&
			postgrest_condition_segments(cxt, &cond, &segments))
			return list_make1(make_param(name, segments));
		*cxt->exprs = list_truncate(*cxt->exprs, nexprs);
		cxt->splittable = false;
		return NIL;
	}

	if (IsA(clause, BoolExpr))
	{
		BoolExpr   *b = (BoolExpr *) clause;
		const char *name;

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
					*cxt->exprs = list_truncate(*cxt->exprs, nexprs);
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
		StringInfoData buf;

		if (name == NULL)
			return false;
		initStringInfo(&buf);
		append_quoted(&buf, name);
		appendStringInfoChar(&buf, '.');
		*segments = lappend(*segments, makeString(buf.data));
		return postgrest_condition_segments(cxt, &cond, segments);
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
			if (!postgrest_tree_segments(cxt, lfirst(lc), segments))
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
tree_value_fits(DeparseContext *cxt, ColumnCondition *cond)
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
	const_value((Const *) cond->value, &pv);
	if (pv.nelems == 0)
		return false;
	return !(pv.has_nulls && (cond->negated || cxt->under_not));
}

/*
 * postgrest_condition_segments
 *		Append "op.value" for a condition in PostgREST's grammar; inside a
 *		logic tree, values holding reserved characters are quoted.
 */
static bool
postgrest_condition_segments(DeparseContext *cxt, ColumnCondition *cond,
							 List **segments)
{
	bool		in_tree = cxt->in_tree;
	RestValueFormat format = in_tree ? REST_FMT_QUOTED : REST_FMT_PLAIN;
	int			flags = in_tree ? REST_SEG_IN_TREE : 0;
	const char *op;

	if (!(cond->col->lookups & ((uint32) 1 << cond->lookup)))
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
			if (cond->negated)
				flags |= REST_SEG_NEGATED | REST_SEG_NULLS_MATTER;
			else if (cxt->under_not)
				flags |= REST_SEG_NULLS_MATTER;
			else if (!in_tree)
				flags |= REST_SEG_SPLIT;
			*segments = lappend(*segments,
								makeString(cond->negated ? "not.in.(" : "in.("));
			*segments = lappend(*segments,
								value_segment(cxt, cond->value,
											  REST_FMT_LIST_QUOTED, flags));
			*segments = lappend(*segments, makeString(")"));
			return true;
		case REST_LOOKUP_ISNULL:
			*segments = lappend(*segments,
								makeString(strcmp(cond->literal, "true") == 0
										   ? "is.null" : "not.is.null"));
			return true;
		default:
			{
				/*
				 * patterns: PostgREST writes % as *; * itself is not
				 * possible.  In a tree the whole pattern is quoted, wildcards
				 * included: a quote after a * would be a literal quote.
				 */
				bool		insensitive = cond->lookup == REST_LOOKUP_IEXACT ||
					cond->lookup == REST_LOOKUP_ISTARTSWITH ||
					cond->lookup == REST_LOOKUP_IENDSWITH ||
					cond->lookup == REST_LOOKUP_ICONTAINS;
				StringInfoData pattern;
				StringInfoData buf;

				if (cond->literal == NULL ||
					strpbrk(cond->literal, "*%_\\") != NULL)
					return false;
				if (cond->upper &&
					!upper_pattern_fits_ilike(cond->literal, cond->collation))
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
				if (in_tree)
					append_quoted(&buf, pattern.data);
				else
					appendStringInfoString(&buf, pattern.data);
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
	*segments = lappend(*segments, value_segment(cxt, cond->value, format,
												 flags));
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
 * then A, F, H, I, J, L, N, S, T, W and Y may not be in X.  A character outside ASCII, or I and S in a Turkish locale, may fold
 * otherwise on the service: only ASCII is sent, without those letters in
 * either case.  (KELVIN SIGN's upper case is itself: upper() of it never
 * equals K, though its lower case is k; ilike only finds more there.)
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
 * RestSortParams
 *		The parameters that make the service return rows in the order of
 *		the pathkeys, or NIL if it cannot.
 *
 * A scan reads the rows a page at a time, and each page is sorted by its
 * own request: Django on PostgreSQL runs ORDER BY day LIMIT 10 OFFSET 20
 * for page 3, which orders the rows of one day differently from one
 * request to the next, so that some rows come twice and others never.
 * So the key column ends the sort where it can (the order of the pathkeys
 * is still the one asked, and one of the orders PostgreSQL may give); a
 * table whose service cannot sort by its key has its rows sorted here,
 * unless one response holds every row (Django REST framework without
 * pagination) or the service's sort is stable over rows it keeps in one
 * order (json-server's).
 */
List *
RestSortParams(RestTable *table, PlannerInfo *root, RelOptInfo *baserel,
			   List *pathkeys)
{
	StringInfoData keys;
	StringInfoData orders;
	ListCell   *lc;
	RestColumn *key = table->key_index >= 0
		? &table->columns[table->key_index] : NULL;
	bool		key_sorted = false;

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
		Oid			colcollid = InvalidOid;
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
			col = column_of(&cxt, (Node *) em->em_expr, &upper, &colcollid);
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
		/* ORDER BY col COLLATE "C" is not the order the service knows */
		if (OidIsValid(ec->ec_collation) && ec->ec_collation != colcollid)
			return NIL;

		name = filter_name(table, col);
		if (name == NULL)
			return NIL;
		/* the others sort NULLs as PostgreSQL does by default */
		if (table->dialect != REST_DIALECT_POSTGREST &&
			pk->pk_nulls_first != descending)
			return NIL;
		append_sort_key(table, &keys, &orders, name, descending,
						pk->pk_nulls_first);
		if (col == key)
			key_sorted = true;
	}

	/* ties ordered by the key: the same order in every request */
	if (!key_sorted)
	{
		char	   *name = key != NULL && key->sortable
			? filter_name(table, key) : NULL;

		if (name != NULL)
			append_sort_key(table, &keys, &orders, name, false, false);
		else if (table->dialect != REST_DIALECT_JSON_SERVER &&
				 !(table->dialect == REST_DIALECT_DRF &&
				   table->pagination == REST_PAGES_NONE))
			return NIL;
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
 * append_sort_key
 *		Append one sort key in the dialect's syntax: keys holds the columns
 *		(PostgREST's col.asc.nullslast, Django's -col), orders json-server's
 *		directions.
 */
static void
append_sort_key(RestTable *table, StringInfo keys, StringInfo orders,
				const char *name, bool descending, bool nulls_first)
{
	if (keys->len > 0)
	{
		appendStringInfoChar(keys, ',');
		appendStringInfoChar(orders, ',');
	}
	switch (table->dialect)
	{
		case REST_DIALECT_POSTGREST:
			appendStringInfo(keys, "%s.%s.%s", name,
							 descending ? "desc" : "asc",
							 nulls_first ? "nullsfirst" : "nullslast");
			break;
		case REST_DIALECT_DRF:
			appendStringInfo(keys, "%s%s", descending ? "-" : "", name);
			break;
		case REST_DIALECT_JSON_SERVER:
			appendStringInfoString(keys, name);
			appendStringInfoString(orders, descending ? "desc" : "asc");
			break;
	}
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

	pv->elems = NULL;
	pv->nelems = 0;
	pv->has_nulls = false;
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
	FmgrInfo   *cmp;
	Oid			collation;
	Datum	   *elems;
} ElementSort;

/*
 * compare_elements
 *		qsort_arg comparator of element indexes: by value, then by index.
 */
static int
compare_elements(const void *a, const void *b, void *arg)
{
	ElementSort *sort = arg;
	int			i = *(const int *) a;
	int			j = *(const int *) b;
	int			c = DatumGetInt32(FunctionCall2Coll(sort->cmp, sort->collation,
													sort->elems[i],
													sort->elems[j]));

	if (c != 0)
		return c;
	return i < j ? -1 : i > j;
}

/*
 * dedupe_elements
 *		Set pv's elements to the texts of the non-NULL elements, in their
 *		order, once per value: equal values written differently (1.0 and
 *		1.00) would make the parts of a split list match the same rows.
 */
static void
dedupe_elements(RestParamValue *pv, Oid elemtype, Datum *elems, bool *nulls,
				int nelems)
{
	TypeCacheEntry *tc = lookup_type_cache(elemtype, TYPECACHE_CMP_PROC_FINFO);
	bool	   *keep = palloc0(sizeof(bool) * Max(nelems, 1));
	int		   *order = palloc(sizeof(int) * Max(nelems, 1));
	int			n = 0;
	int			i;
	int			j;

	for (i = 0; i < nelems; i++)
	{
		if (nulls[i])
			pv->has_nulls = true;	/* NULL never equals anything */
		else
			order[n++] = i;
	}

	if (OidIsValid(tc->cmp_proc_finfo.fn_oid))
	{
		ElementSort sort;

		sort.cmp = &tc->cmp_proc_finfo;
		/* equality is bytes in any deterministic collation: take C's */
		sort.collation = C_COLLATION_OID;
		sort.elems = elems;
		qsort_arg(order, n, sizeof(int), compare_elements, &sort);
		for (i = 0; i < n; i++)
			keep[order[i]] = i == 0 ||
				DatumGetInt32(FunctionCall2Coll(sort.cmp, sort.collation,
												elems[order[i - 1]],
												elems[order[i]])) != 0;
	}
	else
		for (i = 0; i < n; i++)
			keep[order[i]] = true;

	pv->elems = palloc(sizeof(char *) * Max(nelems, 1));
	for (i = 0; i < nelems; i++)
	{
		char	   *text;

		if (!keep[i])
			continue;
		text = RestDatumToUrlValue(elems[i], elemtype);
		if (!OidIsValid(tc->cmp_proc_finfo.fn_oid))
		{
			/* no order: at least no text twice */
			for (j = 0; j < pv->nelems; j++)
				if (strcmp(pv->elems[j], text) == 0)
					break;
			if (j < pv->nelems)
				continue;
		}
		pv->elems[pv->nelems++] = text;
	}
	pfree(keep);
	pfree(order);
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
	initStringInfo(&value);
	appendStringInfoString(&url, table->collection_url);

	foreach(lc, params)
	{
		List	   *param = lfirst(lc);
		bool		split = paramno++ == split_param;

		if (build_param(&url, &value, strVal(linitial(param)),
						lsecond(param), values,
						split ? split_from : 0,
						split ? split_count : -1) == REST_PARAM_NO_ROWS)
			return NULL;
	}
	return url.data;
}

/*
 * build_param
 *		Append one parameter to the URL, unless a value makes it false for
 *		every row or leaves it out (see value_outcome).  A splittable list
 *		is limited to [split_from, split_from + split_count) when
 *		split_count >= 0.
 */
static RestParamOutcome
build_param(StringInfo url, StringInfo value, const char *name,
			List *segments, RestParamValue *values, int split_from,
			int split_count)
{
	ListCell   *ls;
	bool		guard = false;

	/* every value first: a parameter is written whole or not at all */
	foreach(ls, segments)
	{
		Node	   *seg = lfirst(ls);
		RestParamOutcome outcome;

		if (IsA(seg, String))
			continue;
		outcome = value_outcome(&values[intVal(linitial((List *) seg))],
								intVal(lsecond((List *) seg)),
								segment_flags((List *) seg));
		if (outcome != REST_PARAM_WRITTEN)
			return outcome;
	}

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
		flags = segment_flags((List *) seg);
		if ((flags & REST_SEG_SPLIT) && split_count >= 0)
		{
			from = split_from;
			count = split_count;
		}
		if (format == REST_FMT_REPEAT)
		{
			int			n = count >= 0 ? Min(count, pv->nelems - from) : pv->nelems;
			const char **texts = palloc(sizeof(char *) * Max(n, 1));
			int			i;

			if (n <= 0)
				return REST_PARAM_NO_ROWS;
			for (i = 0; i < n; i++)
			{
				texts[i] = segment_text(pv->elems[from + i], flags);
				append_param(url, name, texts[i]);
			}
			if (flags & REST_SEG_JS_GUARD)
				append_guard(url, name, texts, n);
			return REST_PARAM_WRITTEN;
		}
		append_value(value, pv, format, flags, from, count);
		if (flags & REST_SEG_JS_GUARD)
			guard = true;
	}
	append_param(url, name, value->data);
	if (guard)
	{
		const char *text = value->data;

		append_guard(url, name, &text, 1);
	}
	return REST_PARAM_WRITTEN;
}

/*
 * append_guard
 *		Append name_ne=w, for a w none of the texts is: json-server drops a
 *		filter on a member no row has (and would return every row), but
 *		never an _ne filter, which keeps only rows having the member; any
 *		row equal to one of the texts is different from w, so the rows kept
 *		are the same where some row has the member, and none otherwise.
 */
static void
append_guard(StringInfo url, const char *name, const char **texts, int n)
{
	StringInfoData other;
	int			i;

	initStringInfo(&other);
	for (;;)
	{
		for (i = 0; i < n; i++)
			if (strcmp(texts[i], other.data) == 0)
				break;
		if (i == n)
			break;
		appendStringInfoChar(&other, '-');
	}
	append_param(url, psprintf("%s_ne", name), other.data);
}

/*
 * value_outcome
 *		What a value does to its parameter.  At the top level a NULL
 *		compared, an empty IN list or a NOT IN list holding a NULL make the
 *		condition false (or NULL) for every row, and an empty NOT IN list
 *		makes it true for every row.  Inside a logic tree, which is checked
 *		here again, a value the grammar cannot say leaves the tree out.
 */
static RestParamOutcome
value_outcome(RestParamValue *pv, int format, int flags)
{
	bool		in_tree = (flags & REST_SEG_IN_TREE) != 0;
	bool		list = format == REST_FMT_LIST_COMMA ||
		format == REST_FMT_LIST_QUOTED || format == REST_FMT_REPEAT;

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
	else if ((flags & REST_SEG_JS_RANGE) &&
			 strcmp(RestDatumToUrlValue(pv->value, pv->typid), "NaN") == 0)
		return REST_PARAM_OMITTED;	/* rechecked: json-server's are */
	if ((flags & REST_SEG_DRF_CLEAN) && !drf_runtime_value_fits(pv, list))
		return REST_PARAM_OMITTED;	/* rechecked: drf's are */
	return REST_PARAM_WRITTEN;
}

/*
 * drf_runtime_value_fits
 *		Does django-filter take a value computed at execution as it is
 *		(every element of a list)?
 */
static bool
drf_runtime_value_fits(RestParamValue *pv, bool list)
{
	Oid			typid = list ? get_element_type(pv->typid) : pv->typid;
	char		category;
	bool		preferred;
	bool		is_text;
	int			i;

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
 * RestFindSplitParam
 *		The parameter holding the longest list that may be split over
 *		requests (a top-level positive IN list), which a too long URL is
 *		split on; -1 if there is none.  *max_chunk is the most elements one
 *		request may carry (json-server reads at most 1000 parameters).
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

			if (IsA(seg, String) ||
				!(segment_flags((List *) seg) & REST_SEG_SPLIT))
				continue;
			pv = &values[intVal(linitial((List *) seg))];
			/* a list left out of the URL is not split either */
			if (value_outcome(pv, intVal(lsecond((List *) seg)),
							  segment_flags((List *) seg)) != REST_PARAM_WRITTEN)
				continue;
			if (pv->nelems > *nelems)
			{
				best = paramno;
				*nelems = pv->nelems;
				if (intVal(lsecond((List *) seg)) == REST_FMT_REPEAT &&
					table->dialect == REST_DIALECT_JSON_SERVER)
					*max_chunk = REST_JS_MAX_PARAMS;
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
append_value(StringInfo buf, RestParamValue *pv, int format, int flags,
			 int from, int count)
{
	int			i;
	int			n;

	switch ((RestValueFormat) format)
	{
		case REST_FMT_PLAIN:
			appendStringInfoString(buf,
								   segment_text(RestDatumToUrlValue(pv->value,
																	pv->typid),
												flags));
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
 * segment_text
 *		The text a service compares with a value whose text PostgreSQL
 *		writes as text: for json-server's numbers, JavaScript's, when it
 *		stands for the same number (else the text itself, which then
 *		matches no number json-server serves, as no stored number equals
 *		the value here either).
 */
static const char *
segment_text(const char *text, int flags)
{
	char	   *js;
	bool		exact;

	if (!(flags & REST_SEG_JS_NUMBER))
		return text;
	js = js_number_text(text, &exact);
	return exact ? js : text;
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
