/*-------------------------------------------------------------------------
 *
 * deparse.c
 *		  Translation of scans and row operations into request URLs,
 *		  whatever the dialect.
 *
 * The planner asks which conditions of a scan a service can evaluate
 * (RestClassifyConditions) and which sort it can apply (RestSortParams);
 * the answers are URL parameter templates kept in the plan, whose values
 * are computed at execution (a constant, a parameter, now()) and put in
 * the URL by RestBuildUrl (params.c).
 *
 * A template is a List: the parameter's name (a String) and a List of
 * segments, each a String (literal text) or a List of three Integers (the
 * index of a value in the scan's expressions, a RestValueFormat, and
 * REST_SEG_* flags saying what the value stands for).  Every value is put
 * in the dialect's own syntax first (its append_value) and then
 * percent-encoded (RFC 3986), since services decode the URL before they
 * parse their own grammar.
 *
 * This file decides what may be shipped at all, for every dialect alike;
 * the dialect (dialect.h) says whether and how its service evaluates it.
 * A condition is sent only where the service's answer contains every row
 * PostgreSQL's would: a column read as it is (no cast but relabelings), a
 * value whose text the service reads as the same value of the column's
 * type (no real compared with a double), case folded as the service folds
 * it, and a collation that decides nothing or is the column's own.  What
 * is sent is then one of three kinds, which each dialect file details:
 *
 * - exact: the service keeps exactly the rows we would, so LIMIT, OFFSET
 *   and count(*) may go with it;
 * - rechecked: sent, and checked here again, because the service may
 *   ignore it (a dialect without strict_filters);
 * - inexact (RestPushdown.inexact_conds, rechecked too): the service may
 *   keep rows we would not (patterns, case folding, loose comparisons,
 *   values it may change), so LIMIT, OFFSET and count(*) stay here.
 *
 * NULLs and empty lists follow three-valued logic: at the top level a NULL
 * compared, an empty IN list or a NOT IN list holding a NULL mean no rows
 * (no request), an empty NOT IN list no filter; NULL elements drop out of
 * a positive IN only.  Only a top-level positive IN list may be split over
 * requests (max_url_length): its parts match disjoint rows, as equal
 * values written differently are sent once.  A constant list that may not
 * be split and makes the URL too long stays here.  A second condition on a
 * parameter already sent stays here unless the service ANDs them.
 *
 * A sort ends with the key column, so that rows that tie come in the same
 * order in every request of a scan read page by page (RestSortParams).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "catalog/pg_am.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "optimizer/paths.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "dialect.h"

static bool recognise_comparison(RestDeparseContext *cxt, OpExpr *op,
								 RestCondition *cond);
static RestColumn *column_of(RestDeparseContext *cxt, Node *node,
							 bool *upper_applied, Oid *collation);
static bool collation_fits(RestDeparseContext *cxt, RestCondition *cond,
						   Oid inputcollid, Oid colcollid);
static bool is_runtime_value(RestDeparseContext *cxt, Node *node);
static bool value_type_fits(RestColumn *col, Oid valtype);
static bool analyse_like_pattern(const char *pattern, RestLookup *lookup,
								 char **literal);
static List *condition_params(RestDeparseContext *cxt, Expr *clause);
static bool list_too_long(RestDeparseContext *cxt, List *params);
static bool repeats_param(RestTable *table, List *sent, List *params);

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
	RestDeparseContext cxt;
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
		List	   *params;
		int			nexprs = list_length(pushdown->exprs);

		cxt.needs_recheck = !table->dialect->strict_filters;
		cxt.inexact = false;
		cxt.splittable = false;
		cxt.in_tree = false;
		cxt.under_not = false;
		params = condition_params(&cxt, ri->clause);

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
 * condition_params
 *		The dialect's parameters for a clause: a condition on one column,
 *		or a logic tree of them where the dialect says trees; NIL if the
 *		service cannot evaluate it.
 */
static List *
condition_params(RestDeparseContext *cxt, Expr *clause)
{
	const RestDialectOps *dialect = cxt->table->dialect;
	RestCondition cond;

	if (RestRecogniseCondition(cxt, clause, &cond))
		return dialect->condition_params(cxt, &cond);
	if (IsA(clause, BoolExpr) && dialect->tree_params != NULL)
		return dialect->tree_params(cxt, (BoolExpr *) clause);
	return NIL;
}

/*
 * repeats_param
 *		Would these parameters repeat one already sent, which the service
 *		does not AND?  django-filter reads the last of repeated parameters
 *		only, and json-server ORs them (all but its _ne filters), so a
 *		second condition on the same parameter would make the service
 *		answer another question.
 */
static bool
repeats_param(RestTable *table, List *sent, List *params)
{
	const RestDialectOps *dialect = table->dialect;
	ListCell   *lc;

	if (dialect->param_conjunction != NULL)
		return false;
	foreach(lc, params)
	{
		const char *name = strVal(linitial((List *) lfirst(lc)));
		ListCell   *ls;

		if (dialect->repeat_is_and != NULL && dialect->repeat_is_and(name))
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
	RestDeparseContext cxt;
	RestCondition cond;
	List	   *exprs = NIL;

	memset(&cxt, 0, sizeof(cxt));
	cxt.root = root;
	cxt.baserel = baserel;
	cxt.table = table;
	cxt.exprs = &exprs;
	if (!RestRecogniseCondition(&cxt, clause, &cond) ||
		cond.lookup != REST_LOOKUP_EXACT)
		return false;
	return table->dialect->condition_params(&cxt, &cond) != NIL;
}

/*
 * RestRecogniseCondition
 *		Recognise "column op value", "column IN (...)", "column IS NULL",
 *		"column LIKE pattern" and their case-insensitive forms, as Django
 *		writes them, in a clause of the scanned table.  The column is read
 *		as it is (no cast but between binary-compatible types), and the
 *		operation uses the column's collation where the result depends on
 *		one.
 */
bool
RestRecogniseCondition(RestDeparseContext *cxt, Expr *clause,
					   RestCondition *cond)
{
	bool		upper = false;
	Oid			colcollid;

	memset(cond, 0, sizeof(RestCondition));

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
		return recognise_comparison(cxt, (OpExpr *) clause, cond);

	return false;
}

/*
 * recognise_comparison
 *		Recognise "column op value" (either way round) and "column LIKE
 *		pattern", and their forms on UPPER(column).
 */
static bool
recognise_comparison(RestDeparseContext *cxt, OpExpr *op, RestCondition *cond)
{
	bool		upper = false;
	Oid			colcollid;
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
			!RestColumnIsText(cond->col))
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
	if (cond->lookup != REST_LOOKUP_NE && RestColumnIsText(cond->col) &&
		!cxt->table->collation_matches)
		return false;
	return collation_fits(cxt, cond, op->inputcollid, colcollid);
}

/*
 * column_of
 *		The column a node reads, through relabelings between binary
 *		compatible types and Django's UPPER(col::text); NULL if it is
 *		something else.  *collation is the column's collation.
 */
static RestColumn *
column_of(RestDeparseContext *cxt, Node *node, bool *upper_applied,
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
collation_fits(RestDeparseContext *cxt, RestCondition *cond, Oid inputcollid,
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
is_runtime_value(RestDeparseContext *cxt, Node *node)
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
 * RestColumnIsText
 *		Is the column of a string type?
 */
bool
RestColumnIsText(const RestColumn *col)
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
 * RestValueSegment
 *		A segment standing for a value computed at execution.
 */
List *
RestValueSegment(RestDeparseContext *cxt, Expr *value, RestValueFormat format,
				 int flags)
{
	*cxt->exprs = lappend(*cxt->exprs, value);
	if (flags & REST_SEG_SPLIT)
		cxt->splittable = true;
	return list_make3(makeInteger(list_length(*cxt->exprs) - 1),
					  makeInteger(format), makeInteger(flags));
}

/*
 * RestSegmentFlags
 *		The flags of a value segment (0 for a segment made without any).
 */
int
RestSegmentFlags(List *seg)
{
	return list_length(seg) > 2 ? intVal(lthird(seg)) : 0;
}

/*
 * RestMakeParam
 *		A parameter template from its name and segments.
 */
List *
RestMakeParam(const char *name, List *segments)
{
	return list_make2(makeString(pstrdup(name)), segments);
}

/*
 * RestConstValue
 *		The value of a constant, prepared as RestBuildUrl sees it.
 */
void
RestConstValue(Const *c, RestParamValue *pv)
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
list_too_long(RestDeparseContext *cxt, List *params)
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
			if ((format == REST_FMT_LIST || format == REST_FMT_REPEAT) &&
				!(RestSegmentFlags((List *) seg) & REST_SEG_SPLIT) &&
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
 * RestLookupDeclared
 *		Does the table declare that the service honours the condition's
 *		lookup on its column (the "filters" option)?
 */
bool
RestLookupDeclared(const RestCondition *cond)
{
	return (cond->col->lookups & ((uint32) 1 << cond->lookup)) != 0;
}

/*
 * RestLenientFilterName
 *		The filter name of a condition for a service that may ignore a
 *		filter or apply it loosely (Django REST framework, json-server), if
 *		the table declares the lookup and the condition is not negated;
 *		NULL otherwise.  Patterns and case-insensitive lookups are marked
 *		inexact unless patterns_exact (the table vouches that the service
 *		matches them as we do), and text order (the service's collation)
 *		always.
 */
char *
RestLenientFilterName(RestDeparseContext *cxt, RestCondition *cond,
					  bool patterns_exact)
{
	char	   *name = cxt->table->dialect->filter_name(cxt->table, cond->col);

	if (name == NULL || cond->negated || !RestLookupDeclared(cond))
		return NULL;

	/* case folding and patterns may differ in detail from ours */
	if (!patterns_exact &&
		cond->lookup != REST_LOOKUP_EXACT && cond->lookup != REST_LOOKUP_NE &&
		cond->lookup != REST_LOOKUP_LT && cond->lookup != REST_LOOKUP_LTE &&
		cond->lookup != REST_LOOKUP_GT && cond->lookup != REST_LOOKUP_GTE &&
		cond->lookup != REST_LOOKUP_IN && cond->lookup != REST_LOOKUP_ISNULL)
		cxt->inexact = true;

	/* text order: the service's collation, which the table vouches for */
	if (RestColumnIsText(cond->col) &&
		(cond->lookup == REST_LOOKUP_LT || cond->lookup == REST_LOOKUP_LTE ||
		 cond->lookup == REST_LOOKUP_GT || cond->lookup == REST_LOOKUP_GTE))
		cxt->inexact = true;
	return name;
}

/*
 * sort_column
 *		The column a pathkey sorts by, if the service can sort by it in
 *		that order; NULL otherwise.
 */
static RestColumn *
sort_column(RestTable *table, PlannerInfo *root, RelOptInfo *baserel,
			PathKey *pk)
{
	EquivalenceClass *ec = pk->pk_eclass;
	RestColumn *col = NULL;
	ListCell   *lm;
	RestDeparseContext cxt;
	bool		upper;
	Oid			colcollid = InvalidOid;

	memset(&cxt, 0, sizeof(cxt));
	cxt.root = root;
	cxt.baserel = baserel;
	cxt.table = table;
	if (ec->ec_has_volatile)
		return NULL;
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
		return NULL;

	/* the default order of the type, and a collation that matches */
	if (pk->pk_opfamily !=
		lookup_type_cache(col->typid, TYPECACHE_BTREE_OPFAMILY)->btree_opf)
		return NULL;
	if (RestColumnIsText(col) && !table->collation_matches)
		return NULL;
	/* ORDER BY col COLLATE "C" is not the order the service knows */
	if (OidIsValid(ec->ec_collation) && ec->ec_collation != colcollid)
		return NULL;
	return col;
}

/*
 * sort_key
 *		A sort key of a column by its filter name.
 */
static RestSortKey *
sort_key(const char *name, bool descending, bool nulls_first)
{
	RestSortKey *key = palloc(sizeof(RestSortKey));

	key->name = name;
	key->descending = descending;
	key->nulls_first = nulls_first;
	return key;
}

/*
 * nulls_where_asked
 *		Does the service's sort by this column put NULLs where the order
 *		asked does: the column holds none (the key, a NOT NULL column), or
 *		the service puts them there?
 */
static bool
nulls_where_asked(const RestTable *table, const RestColumn *col,
				  bool descending, bool nulls_first)
{
	if (col->is_key || col->not_null)
		return true;
	switch (table->nulls_order)
	{
		case REST_NULLS_EITHER:
			return true;
		case REST_NULLS_HIGH:
			return nulls_first == descending;
		case REST_NULLS_LOW:
			return nulls_first != descending;
		case REST_NULLS_UNKNOWN:
			break;
	}
	return false;
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
 * unless the dialect says ties keep their order anyway (one response
 * holding every row, or a stable sort).
 */
List *
RestSortParams(RestTable *table, PlannerInfo *root, RelOptInfo *baserel,
			   List *pathkeys)
{
	const RestDialectOps *dialect = table->dialect;
	List	   *keys = NIL;
	ListCell   *lc;
	RestColumn *key = table->key_index >= 0
		? &table->columns[table->key_index] : NULL;
	bool		key_sorted = false;

	if (pathkeys == NIL || dialect->sort_params == NULL)
		return NIL;

	foreach(lc, pathkeys)
	{
		PathKey    *pk = (PathKey *) lfirst(lc);
		bool		descending = RestPathKeyIsDescending(pk);
		RestColumn *col = sort_column(table, root, baserel, pk);
		char	   *name;

		if (col == NULL)
			return NIL;
		name = dialect->filter_name(table, col);
		if (name == NULL)
			return NIL;
		if (!nulls_where_asked(table, col, descending, pk->pk_nulls_first))
			return NIL;
		keys = lappend(keys, sort_key(name, descending, pk->pk_nulls_first));
		if (col == key)
			key_sorted = true;
	}

	/* ties ordered by the key: the same order in every request */
	if (!key_sorted)
	{
		char	   *name = key != NULL && key->sortable
			? dialect->filter_name(table, key) : NULL;

		if (name != NULL)
			keys = lappend(keys, sort_key(name, false, false));
		else if (!dialect->sort_stable_without_key(table))
			return NIL;
	}
	return dialect->sort_params(table, keys);
}

/*
 * RestGroupSortParams
 *		The parameters that make the service return its groups of column
 *		col, a row per value, in the order of the pathkeys, or NIL if it
 *		cannot: one pathkey, on that column.  The values are distinct, so no
 *		key breaks ties.
 */
List *
RestGroupSortParams(RestTable *table, PlannerInfo *root, RelOptInfo *baserel,
					List *pathkeys, RestColumn *col)
{
	const RestDialectOps *dialect = table->dialect;
	PathKey    *pk;
	bool		descending;
	char	   *name;

	if (list_length(pathkeys) != 1 || dialect->sort_params == NULL)
		return NIL;
	pk = linitial(pathkeys);
	descending = RestPathKeyIsDescending(pk);
	if (sort_column(table, root, baserel, pk) != col)
		return NIL;
	name = dialect->filter_name(table, col);
	if (name == NULL ||
		!nulls_where_asked(table, col, descending, pk->pk_nulls_first))
		return NIL;
	return dialect->sort_params(table,
								list_make1(sort_key(name, descending,
													pk->pk_nulls_first)));
}

/*
 * RestProjectionParams
 *		The parameters asking for only the columns a scan reads, where the
 *		dialect can say it; NIL when every column is read.
 */
List *
RestProjectionParams(RestTable *table, List *retrieved)
{
	List	   *columns = NIL;
	ListCell   *lc;
	int			nlive = 0;
	int			i;

	if (table->dialect->projection_params == NULL || retrieved == NIL)
		return NIL;
	for (i = 0; i < table->ncolumns; i++)
		if (!table->columns[i].dropped)
			nlive++;
	if (list_length(retrieved) == nlive)
		return NIL;
	foreach(lc, retrieved)
		columns = lappend(columns, &table->columns[lfirst_int(lc) - 1]);
	return table->dialect->projection_params(table, columns);
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
 *		Can the service apply LIMIT and OFFSET itself?  A negative constant
 *		stays local, so that the executor reports it; an OFFSET without
 *		LIMIT only where the first page can start at it; the rest the
 *		dialect's pages say.
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
	return table->dialect->pages_fit_limit(table,
										   !limit_known ? REST_LIMIT_UNKNOWN
										   : limit_null ? -1 : n,
										   offset_known ? m : REST_LIMIT_UNKNOWN);
}

/*
 * RestCanSendOffset
 *		Can the first page of a scan start at a row offset, when the scan
 *		has this LIMIT (-1: none)?  Otherwise the scan asks from row 0 and
 *		skips the rows itself.
 */
bool
RestCanSendOffset(RestTable *table, int64 limit)
{
	return limit >= 0 || table->dialect->offset_without_limit(table);
}

/*
 * RestAppendPageParams
 *		Append the parameters asking for a page: rows [offset, offset +
 *		limit) when limit >= 0, else the first page of the table's size
 *		from offset (from row 0 where RestCanSendOffset says it cannot
 *		start at an offset); with count_only, the smallest page that still
 *		carries the count.  Returns the rows asked per page (0: unsaid).
 */
int64
RestAppendPageParams(StringInfo url, RestTable *table, int64 limit,
					 int64 offset, bool count_only)
{
	if (count_only)
	{
		table->dialect->count_params(url, table);
		if (table->dialect->total_params != NULL)
			table->dialect->total_params(url, table);
		return 0;
	}
	if (!RestCanSendOffset(table, limit))
		offset = 0;				/* the scan skips the rows itself */
	return table->dialect->first_page_params(url, table, limit, offset);
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
	table->dialect->nth_page_params(url, table, size, offset, n, wanted);
}
