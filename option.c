/*-------------------------------------------------------------------------
 *
 * option.c
 *		  Option validation and catalog reading for rest_fdw.
 *
 * Every option the wrapper accepts is listed once in rest_options, with the
 * catalog it belongs to and, where it matters, whether only a superuser may
 * set it and whether it is a secret.  The validator checks names and values
 * when a server, user mapping, foreign table or column is created or
 * altered; RestReadTable reads them back into one RestTable for the
 * planner and the executor, which tablecache.c keeps.  The options of the transport (retries, redirects,
 * TLS), of the identity (OAuth, context headers) and of the statistics
 * are checked and read by their groups in option_groups.c; the options a
 * dialect adds, by the dialect.
 *
 * Secrets (tokens, passwords, headers) are accepted only in user mappings,
 * and no message of this file ever prints the value of a secret option.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/reloptions.h"
#include "access/table.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "catalog/pg_attribute.h"
#include "commands/defrem.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "dialect.h"
#include "option_internal.h"

/* One option: its name, the catalog it belongs to, and how it is guarded. */
typedef struct RestOption
{
	const char *name;
	Oid			context;		/* ForeignServerRelationId, ... */
	bool		superuser_only; /* only a superuser may set it */
	bool		secret;			/* value never shown in messages */
} RestOption;

static const RestOption rest_options[] = {
	/* server */
	{"base_url", ForeignServerRelationId, false, false},
	{"dialect", ForeignServerRelationId, false, false},
	{"connect_timeout", ForeignServerRelationId, false, false},
	{"timeout", ForeignServerRelationId, false, false},
	{"page_size", ForeignServerRelationId, false, false},
	{"max_page_size", ForeignServerRelationId, false, false},
	{"max_response_size", ForeignServerRelationId, false, false},
	{"connect_to", ForeignServerRelationId, true, false},
	{"max_retries", ForeignServerRelationId, false, false},
	{"retry_max_time", ForeignServerRelationId, false, false},
	{"retry_methods", ForeignServerRelationId, false, false},
	{"idempotency_key_header", ForeignServerRelationId, false, false},
	{"follow_redirects", ForeignServerRelationId, false, false},
	{"ssl_verify", ForeignServerRelationId, false, false},
	{"ssl_ca_file", ForeignServerRelationId, true, false},
	{"ssl_cert_file", ForeignServerRelationId, true, false},
	{"ssl_key_file", ForeignServerRelationId, true, false},
	{"pagination", ForeignServerRelationId, false, false},
	{"page_size_param", ForeignServerRelationId, false, false},
	{"max_url_length", ForeignServerRelationId, false, false},
	{"batch_size", ForeignServerRelationId, false, false},
	{"prefetch", ForeignServerRelationId, false, false},
	{"use_remote_estimate", ForeignServerRelationId, false, false},
	{"remote_estimate_lifetime", ForeignServerRelationId, false, false},
	{"analyze_max_requests", ForeignServerRelationId, false, false},
	{"nulls_sort", ForeignServerRelationId, false, false},
	{"update_method", ForeignServerRelationId, false, false},
	{"undo", ForeignServerRelationId, false, false},
	{"context_headers", ForeignServerRelationId, false, false},
	/* user mapping */
	{"bearer_token", UserMappingRelationId, false, true},
	{"username", UserMappingRelationId, false, false},
	{"password", UserMappingRelationId, false, true},
	{"headers", UserMappingRelationId, false, true},
	{"oauth_token_url", UserMappingRelationId, false, false},
	{"client_id", UserMappingRelationId, false, false},
	{"client_secret", UserMappingRelationId, false, true},
	{"scope", UserMappingRelationId, false, false},
	{"audience", UserMappingRelationId, false, false},
	/* foreign table */
	{"resource", ForeignTableRelationId, false, false},
	{"key", ForeignTableRelationId, false, false},
	{"page_size", ForeignTableRelationId, false, false},
	{"max_page_size", ForeignTableRelationId, false, false},
	{"pagination", ForeignTableRelationId, false, false},
	{"page_size_param", ForeignTableRelationId, false, false},
	{"filters", ForeignTableRelationId, false, false},
	{"ordering", ForeignTableRelationId, false, false},
	{"collation_matches", ForeignTableRelationId, false, false},
	{"pattern_matches", ForeignTableRelationId, false, false},
	{"nulls_sort", ForeignTableRelationId, false, false},
	{"update_method", ForeignTableRelationId, false, false},
	{"updatable", ForeignTableRelationId, false, false},
	{"undo", ForeignTableRelationId, false, false},
	{"batch_size", ForeignTableRelationId, false, false},
	{"truncatable", ForeignTableRelationId, false, false},
	{"prefetch", ForeignTableRelationId, false, false},
	{"use_remote_estimate", ForeignTableRelationId, false, false},
	{"remote_estimate_lifetime", ForeignTableRelationId, false, false},
	{"analyze_max_requests", ForeignTableRelationId, false, false},
	/* column */
	{"field", AttributeRelationId, false, false},
	{NULL, InvalidOid, false, false}
};

/* Defaults of the server options. */
#define REST_DEFAULT_CONNECT_TIMEOUT_MS	10000
#define REST_DEFAULT_TIMEOUT_MS			60000
#define REST_DEFAULT_PAGE_SIZE			0
/* Rows asked per page when the service names no maximum (see page_size). */
#define REST_LARGE_PAGE_ROWS			1000
#define REST_DEFAULT_MAX_RESPONSE_SIZE	(64 * 1024 * 1024)
#define REST_DEFAULT_MAX_RETRIES		2
#define REST_DEFAULT_RETRY_MAX_TIME_MS	10000
#define REST_DEFAULT_MAX_URL_LENGTH		4000
#define REST_DEFAULT_PREFETCH			4
#define REST_DEFAULT_ESTIMATE_LIFETIME_MS	5000
#define REST_DEFAULT_ANALYZE_REQUESTS	10

/* Bounds of integer options. */
#define REST_MAX_BATCH_SIZE				10000

const char *const RestLookupNames[REST_NUM_LOOKUPS] = {
	"exact", "iexact", "ne", "lt", "lte", "gt", "gte", "in", "isnull",
	"startswith", "istartswith", "endswith", "iendswith", "contains",
	"icontains"
};

/* The names of the values of the options that name one of a few. */
static const RestKeyword pagination_names[] = {
	{"page", REST_PAGES_PAGE}, {"limit", REST_PAGES_LIMIT},
	{"cursor", REST_PAGES_CURSOR}, {"none", REST_PAGES_NONE}, {NULL, 0}
};
static const RestKeyword nulls_sort_names[] = {
	{"high", REST_NULLS_HIGH}, {"low", REST_NULLS_LOW},
	{"unknown", REST_NULLS_UNKNOWN}, {NULL, 0}
};
static const RestKeyword update_method_names[] = {
	{"patch", false}, {"put", true}, {NULL, 0}
};

PG_FUNCTION_INFO_V1(rest_fdw_validator);

static const RestOption *find_option(const char *name, Oid context);
static void report_unknown_option(const char *name, Oid context);
static void validate_dialect_option(DefElem *def, Oid catalog,
									List *options);
static const RestDialectOps *options_dialect(List *options);
static pg_noreturn void report_other_dialect_option(DefElem *def,
													const RestDialectOps *dialect,
													const char *owner);
static List *read_dialect_options(const RestTable *table, List *options,
								  Oid catalog, const char *colname);
static void validate_option_value(DefElem *def, const RestOption *opt);
static int64 parse_byte_size(DefElem *def);
static const RestDialectOps *parse_dialect(DefElem *def);
static void validate_headers(DefElem *def);
static void validate_field(DefElem *def);
static void read_nulls_sort(RestTable *table, DefElem *def);
static void validate_declarations(DefElem *def, bool with_lookups);
static int	parse_lookup(const char *name);
static void apply_declarations(RestTable *table, const char *option,
							   const char *value, bool with_lookups);
static RestColumn *find_column(RestTable *table, const char *name);
static RestTable *read_server_and_mapping(Oid serverid, Oid userid);
static void read_server_options(RestTable *table, List *options);
static void read_user_options(RestTable *table, List *options);
static int	page_size_asked(const RestTable *table);
static void read_table_options(RestTable *table, List *options,
							   char **keyname);
static void read_columns(RestTable *table, Relation rel, const char *keyname);
static void read_declarations(RestTable *table, List *options);
static char **split_pointer(const char *pointer, int *nsegments);

/*
 * rest_fdw_validator
 *		Check the options of a server, user mapping, foreign table or column.
 */
Datum
rest_fdw_validator(PG_FUNCTION_ARGS)
{
	List	   *options = untransformRelOptions(PG_GETARG_DATUM(0));
	Oid			catalog = PG_GETARG_OID(1);
	bool		have_base_url = false;
	ListCell   *cell;

	foreach(cell, options)
	{
		DefElem    *def = (DefElem *) lfirst(cell);
		const RestOption *opt = find_option(def->defname, catalog);

		if (opt == NULL)
		{
			validate_dialect_option(def, catalog, options);
			continue;
		}
		if (opt->superuser_only && !superuser())
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to set option \"%s\"",
							def->defname),
					 errhint("Only superusers may set this option.")));
		validate_option_value(def, opt);
		if (strcmp(def->defname, "base_url") == 0)
			have_base_url = true;
	}

	if (catalog == UserMappingRelationId)
		RestCheckOauthOptions(options);
	if (catalog == ForeignServerRelationId && !have_base_url)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("option \"base_url\" is required for a rest_fdw server")));

	PG_RETURN_VOID();
}

/*
 * find_option
 *		Look an option up in rest_options.
 */
static const RestOption *
find_option(const char *name, Oid context)
{
	const RestOption *opt;

	for (opt = rest_options; opt->name; opt++)
	{
		if (opt->context == context && strcmp(opt->name, name) == 0)
			return opt;
	}
	return NULL;
}

/*
 * report_unknown_option
 *		Raise the error for an unknown option, listing the valid ones.
 */
static void
report_unknown_option(const char *name, Oid context)
{
	const RestOption *opt;
	StringInfoData buf;

	initStringInfo(&buf);
	for (opt = rest_options; opt->name; opt++)
	{
		if (opt->context != context)
			continue;
		if (buf.len > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, opt->name);
	}
	RestAppendDialectOptionNames(&buf, context);

	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
			 errmsg("invalid option \"%s\"", name),
			 buf.len > 0
			 ? errhint("Valid options in this context are: %s.", buf.data)
			 : errhint("There are no valid options in this context.")));
}

/*
 * validate_dialect_option
 *		Check an option that is not the wrapper's but a dialect's.  A
 *		server's must be its dialect's.  A table's or a column's must be
 *		some dialect's: the validator does not know their server, and the
 *		table's dialect checks them again when the table is read.
 */
static void
validate_dialect_option(DefElem *def, Oid catalog, List *options)
{
	const RestDialectOps *dialect = RestDialectDeclaring(def->defname,
														 catalog);

	if (dialect == NULL)
		report_unknown_option(def->defname, catalog);
	if (catalog == ForeignServerRelationId)
	{
		dialect = options_dialect(options);
		if (!RestDialectDeclares(dialect, def->defname, catalog))
			report_other_dialect_option(def, dialect, "the server");
	}
	RestValidateDialectOption(dialect, def, catalog);
}

/*
 * options_dialect
 *		The dialect a server's options name (the default if none, or an
 *		unknown one, which its own check reports).
 */
static const RestDialectOps *
options_dialect(List *options)
{
	ListCell   *cell;

	foreach(cell, options)
	{
		DefElem    *def = (DefElem *) lfirst(cell);

		if (strcmp(def->defname, "dialect") == 0 &&
			RestFindDialect(defGetString(def)) != NULL)
			return RestFindDialect(defGetString(def));
	}
	return REST_DEFAULT_DIALECT;
}

/*
 * report_other_dialect_option
 *		Raise the error for an option of another dialect than the server's.
 */
static void
report_other_dialect_option(DefElem *def, const RestDialectOps *dialect,
							const char *owner)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
			 errmsg("option \"%s\" of %s is not an option of dialect \"%s\"",
					def->defname, owner, dialect->name),
			 errhint("Drop the option, or give the server the dialect that has it.")));
	pg_unreachable();
}

/*
 * validate_option_value
 *		Check the value of one known option.
 */
static void
validate_option_value(DefElem *def, const RestOption *opt)
{
	const char *name = def->defname;

	if (RestValidateConnectionOption(def) || RestValidateStatisticsOption(def) ||
		RestValidateIdentityOption(def))
		return;
	if (strcmp(name, "base_url") == 0)
		RestValidateBaseUrl(def);
	else if (strcmp(name, "dialect") == 0)
		(void) parse_dialect(def);
	else if (strcmp(name, "connect_timeout") == 0 ||
			 strcmp(name, "timeout") == 0)
		(void) RestParseSeconds(def);
	else if (strcmp(name, "page_size") == 0 ||
			 strcmp(name, "max_page_size") == 0)
		(void) RestParseIntOption(def, 1, REST_MAX_PAGE_SIZE);
	else if (strcmp(name, "max_response_size") == 0)
		(void) parse_byte_size(def);
	else if (strcmp(name, "headers") == 0)
		validate_headers(def);
	else if (strcmp(name, "field") == 0)
		validate_field(def);
	else if (strcmp(name, "pagination") == 0)
		(void) RestParseKeyword(def, pagination_names);
	else if (strcmp(name, "nulls_sort") == 0)
		(void) RestParseKeyword(def, nulls_sort_names);
	else if (strcmp(name, "update_method") == 0)
		(void) RestParseKeyword(def, update_method_names);
	else if (strcmp(name, "filters") == 0)
		validate_declarations(def, true);
	else if (strcmp(name, "ordering") == 0)
		validate_declarations(def, false);
	else if (strcmp(name, "collation_matches") == 0 ||
			 strcmp(name, "pattern_matches") == 0 ||
			 strcmp(name, "updatable") == 0 ||
			 strcmp(name, "undo") == 0 ||
			 strcmp(name, "truncatable") == 0)
		(void) defGetBoolean(def);
	else if (strcmp(name, "batch_size") == 0)
		(void) RestParseIntOption(def, 1, REST_MAX_BATCH_SIZE);
	else if (strcmp(name, "prefetch") == 0)
		(void) RestParseIntOption(def, 0, REST_MAX_PREFETCH);
	else if (strcmp(name, "max_url_length") == 0)
	{
		int			n;

		if (!parse_int(defGetString(def), &n, 0, NULL) || n < 256 || n > 1000000)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"%s\": \"%s\"",
							name, defGetString(def)),
					 errdetail("The value must be an integer between 256 and 1000000.")));
	}
	else if (strcmp(name, "resource") == 0 ||
			 strcmp(name, "key") == 0 ||
			 strcmp(name, "connect_to") == 0 ||
			 strcmp(name, "page_size_param") == 0 ||
			 strcmp(name, "username") == 0)
	{
		if (defGetString(def)[0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("option \"%s\" must not be empty", name)));
	}
	else if (opt->secret)
	{
		/* bearer_token, password: any non-empty value without line breaks */
		const char *value = defGetString(def);

		if (value[0] == '\0' || strpbrk(value, "\r\n") != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"%s\"", name),
					 errdetail("The value must be non-empty and hold no line breaks.")));
	}
}

/*
 * validate_base_url
 *		base_url (or oauth_token_url) must be an absolute http or https URL
 *		without credentials.
 */
void
RestValidateBaseUrl(DefElem *def)
{
	const char *url = defGetString(def);
	const char *rest;
	const char *authority_end;

	if (pg_strncasecmp(url, "http://", 7) == 0)
		rest = url + 7;
	else if (pg_strncasecmp(url, "https://", 8) == 0)
		rest = url + 8;
	else
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, url),
				 errdetail("The URL must start with http:// or https://.")));

	authority_end = rest + strcspn(rest, "/?#");
	if (authority_end == rest)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, url),
				 errdetail("The URL has no host.")));
	if (memchr(rest, '@', authority_end - rest) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("option \"%s\" must not contain credentials", def->defname),
				 errhint("Put credentials in the user mapping options \"username\" and \"password\" or \"bearer_token\".")));
	if (strpbrk(url, "?# \t\r\n") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, url),
				 errdetail("The URL must not contain a query, a fragment or white space.")));
}

/*
 * parse_seconds
 *		Parse a timeout in seconds (fractions allowed) into milliseconds.
 */
long
RestParseSeconds(DefElem *def)
{
	const char *value = defGetString(def);
	char	   *end;
	double		seconds;

	errno = 0;
	seconds = strtod(value, &end);
	if (end == value || *end != '\0' || errno != 0 ||
		!isfinite(seconds) || seconds <= 0 || seconds > 86400)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, value),
				 errdetail("The value must be a number of seconds greater than 0 and at most 86400.")));
	return (long) ceil(seconds * 1000.0);
}

/*
 * parse_int_option
 *		Parse an integer option whose value must lie in [min, max].
 */
int
RestParseIntOption(DefElem *def, int min, int max)
{
	const char *value = defGetString(def);
	int			result;

	if (!parse_int(value, &result, 0, NULL) || result < min || result > max)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, value),
				 errdetail("The value must be an integer between %d and %d.",
						   min, max)));
	return result;
}

/*
 * parse_byte_size
 *		Parse a size in bytes, with an optional unit (kB, MB, GB).
 */
static int64
parse_byte_size(DefElem *def)
{
	const char *value = defGetString(def);
	int			result;
	const char *hint = NULL;

	if (!parse_int(value, &result, GUC_UNIT_BYTE, &hint) || result < 1024)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, value),
				 errdetail("The value must be a size of at least 1kB and below 2GB, such as 64MB.")));
	return result;
}

/*
 * parse_dialect
 *		Parse the name of a dialect.
 */
static const RestDialectOps *
parse_dialect(DefElem *def)
{
	const char *value = defGetString(def);
	const RestDialectOps *dialect = RestFindDialect(value);

	if (dialect == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"dialect\": \"%s\"", value),
				 errhint("Valid values are: %s.", RestDialectNames())));
	return dialect;
}

/*
 * RestParseKeyword
 *		The value of an option that names one of the keywords.
 */
int
RestParseKeyword(DefElem *def, const RestKeyword *keywords)
{
	const char *value = defGetString(def);
	const RestKeyword *k;
	StringInfoData names;

	initStringInfo(&names);
	for (k = keywords; k->name != NULL; k++)
	{
		if (strcmp(value, k->name) == 0)
			return k->value;
		appendStringInfo(&names, "%s%s", k == keywords ? "" : ", ", k->name);
	}
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("invalid value for option \"%s\": \"%s\"",
					def->defname, value),
			 errhint("Valid values are: %s.", names.data)));
	return 0;					/* keep compiler quiet */
}

/*
 * read_nulls_sort
 *		Take the option nulls_sort, unless the dialect's requests say where
 *		NULLs go.
 */
static void
read_nulls_sort(RestTable *table, DefElem *def)
{
	if (table->dialect->nulls_order != REST_NULLS_EITHER)
		table->nulls_order = (RestNullsOrder)
			RestParseKeyword(def, nulls_sort_names);
}

/*
 * parse_lookup
 *		The RestLookup of a django-filter lookup name, "*" for all (-2), or
 *		-1 if unknown.
 */
static int
parse_lookup(const char *name)
{
	int			i;

	if (strcmp(name, "*") == 0)
		return -2;
	for (i = 0; i < REST_NUM_LOOKUPS; i++)
		if (strcmp(RestLookupNames[i], name) == 0)
			return i;
	return -1;
}

/*
 * next_declaration
 *		Return the next comma-separated entry of a filters or ordering
 *		option (trimmed, palloc'd), or NULL at the end.
 */
static char *
next_declaration(const char **cursor)
{
	const char *p = *cursor;
	const char *start;
	const char *end;

	while (*p == ',' || isspace((unsigned char) *p))
		p++;
	if (*p == '\0')
	{
		*cursor = p;
		return NULL;
	}
	start = p;
	while (*p != '\0' && *p != ',')
		p++;
	end = p;
	while (end > start && isspace((unsigned char) end[-1]))
		end--;
	*cursor = p;
	return pnstrdup(start, end - start);
}

/*
 * validate_declarations
 *		Check the syntax of a filters option ("col", "col__lookup", "*",
 *		"col__*") or an ordering option ("col", "*").
 */
static void
validate_declarations(DefElem *def, bool with_lookups)
{
	const char *cursor = defGetString(def);
	char	   *entry;

	while ((entry = next_declaration(&cursor)) != NULL)
	{
		char	   *sep = strstr(entry, "__");

		if (sep != NULL && with_lookups)
		{
			if (sep == entry || parse_lookup(sep + 2) == -1)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("invalid entry \"%s\" in option \"%s\"",
								entry, def->defname),
						 errhint("Entries are column names, optionally followed by \"__\" and a lookup: exact, iexact, ne, lt, lte, gt, gte, in, isnull, startswith, istartswith, endswith, iendswith, contains, icontains, or *.")));
		}
	}
}

/*
 * find_column
 *		The column of a table with this SQL name, or NULL.
 */
static RestColumn *
find_column(RestTable *table, const char *name)
{
	int			i;

	for (i = 0; i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];

		if (!col->dropped && strcmp(col->attname, name) == 0)
			return col;
	}
	return NULL;
}

/*
 * apply_declarations
 *		Mark the lookups (filters) or sortable columns (ordering) that a
 *		table option declares.
 */
static void
apply_declarations(RestTable *table, const char *option, const char *value,
				   bool with_lookups)
{
	const char *cursor = value;
	char	   *entry;

	while ((entry = next_declaration(&cursor)) != NULL)
	{
		char	   *sep = with_lookups ? strstr(entry, "__") : NULL;
		int			lookup = REST_LOOKUP_EXACT;
		uint32		mask;
		int			i;

		if (sep != NULL)
		{
			*sep = '\0';
			lookup = parse_lookup(sep + 2);
		}
		mask = lookup == -2 ? ~(uint32) 0 : ((uint32) 1 << lookup);

		for (i = 0; i < table->ncolumns; i++)
		{
			RestColumn *col = &table->columns[i];

			if (col->dropped)
				continue;
			if (strcmp(entry, "*") != 0 && strcmp(entry, col->attname) != 0)
				continue;
			if (with_lookups)
				col->lookups |= mask;
			else
				col->sortable = true;
		}
		if (strcmp(entry, "*") != 0 && find_column(table, entry) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
					 errmsg("option \"%s\" of foreign table \"%s\" names column \"%s\", which does not exist",
							option, table->relname, entry)));
	}
}

/*
 * split_headers
 *		Split a headers option ("Name: value" entries, one per line) into a
 *		list of strings; return NULL if an entry is malformed.
 */
static List *
split_headers(const char *value, bool *ok)
{
	List	   *result = NIL;
	char	   *copy = pstrdup(value);
	char	   *line;
	char	   *saveptr = NULL;

	*ok = true;
	for (line = strtok_r(copy, "\n", &saveptr); line != NULL;
		 line = strtok_r(NULL, "\n", &saveptr))
	{
		char	   *colon;
		char	   *p;
		size_t		len = strlen(line);

		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0)
			continue;
		colon = strchr(line, ':');
		if (colon == NULL || colon == line)
		{
			*ok = false;
			return NIL;
		}
		for (p = line; p < colon; p++)
		{
			/* header names are RFC 9110 tokens */
			if (!(isalnum((unsigned char) *p) || strchr("!#$%&'*+-.^_`|~", *p)))
			{
				*ok = false;
				return NIL;
			}
		}
		if (strchr(colon, '\r') != NULL)
		{
			*ok = false;
			return NIL;
		}
		result = lappend(result, pstrdup(line));
	}
	return result;
}

/*
 * validate_headers
 *		Check the headers option without ever printing its value.
 */
static void
validate_headers(DefElem *def)
{
	bool		ok;

	(void) split_headers(defGetString(def), &ok);
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"headers\""),
				 errdetail("Each line must be a header of the form \"Name: value\".")));
}

/*
 * validate_field
 *		A field is a JSON member name, or a JSON Pointer starting with "/".
 */
static void
validate_field(DefElem *def)
{
	const char *value = defGetString(def);
	int			n;

	if (value[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("option \"field\" must not be empty")));
	if (value[0] == '/')
		(void) split_pointer(value, &n);
}

/*
 * split_pointer
 *		Split a JSON Pointer (RFC 6901) into unescaped segments.
 */
static char **
split_pointer(const char *pointer, int *nsegments)
{
	int			count = 0;
	const char *p;
	char	  **segments;
	int			i = -1;
	StringInfoData seg;

	for (p = pointer; *p; p++)
		if (*p == '/')
			count++;
	segments = palloc0(sizeof(char *) * count);
	initStringInfo(&seg);

	for (p = pointer; *p; p++)
	{
		if (*p == '/')
		{
			if (i >= 0)
				segments[i] = pstrdup(seg.data);
			i++;
			resetStringInfo(&seg);
		}
		else if (*p == '~')
		{
			if (p[1] == '0')
				appendStringInfoChar(&seg, '~');
			else if (p[1] == '1')
				appendStringInfoChar(&seg, '/');
			else
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("invalid JSON pointer \"%s\"", pointer),
						 errdetail("\"~\" must be followed by \"0\" or \"1\".")));
			p++;
		}
		else
			appendStringInfoChar(&seg, *p);
	}
	segments[i] = pstrdup(seg.data);
	*nsegments = count;
	return segments;
}

/*
 * RestReadTable
 *		Read the options of a foreign table, its server and the user mapping
 *		of the given user into a RestTable, in CurrentMemoryContext.  The
 *		callers use RestGetTable, which caches what this reads
 *		(tablecache.c).
 */
RestTable *
RestReadTable(Oid relid, Oid userid)
{
	ForeignTable *ft = GetForeignTable(relid);
	RestTable  *table = read_server_and_mapping(ft->serverid, userid);
	Relation	rel;
	char	   *keyname = NULL;

	table->relid = relid;
	table->relname = get_rel_name(relid);
	read_table_options(table, ft->options, &keyname);
	table->dialect_options =
		list_concat(table->dialect_options,
					read_dialect_options(table, ft->options,
										 ForeignTableRelationId, NULL));

	if (table->resource == NULL)
	{
		/* by default the collection is named like the table */
		table->resource = table->dialect->resource_trailing_slash
			? psprintf("%s/", table->relname)
			: pstrdup(table->relname);
	}
	table->collection_url = psprintf("%s%s", table->base_url,
									 table->resource[0] == '/'
									 ? table->resource + 1
									 : table->resource);

	table->page_size = page_size_asked(table);

	rel = table_open(relid, NoLock);
	read_columns(table, rel, keyname);
	table_close(rel, NoLock);
	read_declarations(table, ft->options);

	return table;
}

/*
 * page_size_asked
 *		The rows a read asks for per page: the page_size option, at most
 *		the service's max_page_size; without it, where a request can name
 *		its page size, the largest page (max_page_size, else
 *		REST_LARGE_PAGE_ROWS), so that a whole collection takes few
 *		requests; else 0, the service's own page.  A service that serves
 *		fewer rows than asked is noticed by the scan (pager.c).
 */
static int
page_size_asked(const RestTable *table)
{
	int			size = table->page_size;

	if (size == 0 && table->dialect->names_page_size != NULL &&
		table->dialect->names_page_size(table))
		size = table->max_page_size > 0 ? table->max_page_size
			: REST_LARGE_PAGE_ROWS;
	if (table->max_page_size > 0 && size > table->max_page_size)
		size = table->max_page_size;
	return size;
}

/*
 * read_server_and_mapping
 *		A new RestTable holding the defaults, then the options of a server
 *		and of the given user's mapping for it.
 */
static RestTable *
read_server_and_mapping(Oid serverid, Oid userid)
{
	RestTable  *table = palloc0(sizeof(RestTable));
	ForeignServer *server = GetForeignServer(serverid);
	UserMapping *um = GetUserMapping(userid, serverid);

	table->relid = InvalidOid;
	table->relname = pstrdup(server->servername);
	table->serverid = serverid;
	table->userid = userid;
	table->umid = um->umid;
	table->key_index = -1;

	table->dialect = REST_DEFAULT_DIALECT;
	table->connect_timeout_ms = REST_DEFAULT_CONNECT_TIMEOUT_MS;
	table->timeout_ms = REST_DEFAULT_TIMEOUT_MS;
	table->page_size = REST_DEFAULT_PAGE_SIZE;
	table->max_response_size = REST_DEFAULT_MAX_RESPONSE_SIZE;
	table->max_retries = REST_DEFAULT_MAX_RETRIES;
	table->retry_max_time_ms = REST_DEFAULT_RETRY_MAX_TIME_MS;
	table->follow_redirects = REST_REDIRECTS_SAME_ORIGIN;
	table->ssl_verify = true;
	table->max_url_length = REST_DEFAULT_MAX_URL_LENGTH;
	table->pagination = (RestPagination) -1;
	table->updatable = true;
	table->batch_size = 0;
	table->prefetch = REST_DEFAULT_PREFETCH;
	table->remote_estimate_lifetime_ms = REST_DEFAULT_ESTIMATE_LIFETIME_MS;
	table->analyze_max_requests = REST_DEFAULT_ANALYZE_REQUESTS;

	read_server_options(table, server->options);
	table->dialect_options =
		read_dialect_options(table, server->options, ForeignServerRelationId,
							 NULL);
	/* what the options leave unsaid, the dialect's defaults say */
	if ((int) table->pagination == -1)
		table->pagination = table->dialect->default_pagination;
	if (table->batch_size == 0)
		table->batch_size = table->dialect->default_batch_size;
	read_user_options(table, um->options);
	return table;
}

/*
 * read_server_options
 *		Fill the server part of a RestTable.
 */
static void
read_server_options(RestTable *table, List *options)
{
	ListCell   *cell;

	foreach(cell, options)
	{
		DefElem    *def = (DefElem *) lfirst(cell);

		if (strcmp(def->defname, "base_url") == 0)
		{
			const char *url = defGetString(def);
			size_t		len = strlen(url);

			table->base_url = (len > 0 && url[len - 1] == '/')
				? pstrdup(url)
				: psprintf("%s/", url);
		}
		else if (strcmp(def->defname, "dialect") == 0)
			table->dialect = parse_dialect(def);
		else if (strcmp(def->defname, "connect_timeout") == 0)
			table->connect_timeout_ms = RestParseSeconds(def);
		else if (strcmp(def->defname, "timeout") == 0)
			table->timeout_ms = RestParseSeconds(def);
		else if (strcmp(def->defname, "page_size") == 0)
			table->page_size = RestParseIntOption(def, 1, REST_MAX_PAGE_SIZE);
		else if (strcmp(def->defname, "max_page_size") == 0)
			table->max_page_size = RestParseIntOption(def, 1, REST_MAX_PAGE_SIZE);
		else if (strcmp(def->defname, "max_response_size") == 0)
			table->max_response_size = parse_byte_size(def);
		else if (strcmp(def->defname, "connect_to") == 0)
			table->connect_to = pstrdup(defGetString(def));
		else if (RestReadIdentityOption(table, def) ||
				 RestReadConnectionOption(table, def) ||
				 RestReadStatisticsOption(table, def))
			continue;
		else if (strcmp(def->defname, "pagination") == 0)
		{
			table->pagination = (RestPagination)
				RestParseKeyword(def, pagination_names);
			table->pagination_declared = true;
		}
		else if (strcmp(def->defname, "page_size_param") == 0)
			table->page_size_param = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "prefetch") == 0)
			table->prefetch = RestParseIntOption(def, 0, REST_MAX_PREFETCH);
		else if (strcmp(def->defname, "max_url_length") == 0)
			(void) parse_int(defGetString(def), &table->max_url_length, 0, NULL);
		else if (strcmp(def->defname, "batch_size") == 0)
			table->batch_size = RestParseIntOption(def, 1, REST_MAX_BATCH_SIZE);
		else if (strcmp(def->defname, "update_method") == 0)
			table->update_put = RestParseKeyword(def, update_method_names);
		else if (strcmp(def->defname, "undo") == 0)
			table->undo = defGetBoolean(def);
	}

	/* with the dialect known, where NULLs sort */
	table->nulls_order = table->dialect->nulls_order;
	foreach(cell, options)
	{
		DefElem    *def = (DefElem *) lfirst(cell);

		if (strcmp(def->defname, "nulls_sort") == 0)
			read_nulls_sort(table, def);
	}
}

/*
 * read_user_options
 *		Fill the secret part of a RestTable from the user mapping.
 */
static void
read_user_options(RestTable *table, List *options)
{
	ListCell   *cell;

	foreach(cell, options)
	{
		DefElem    *def = (DefElem *) lfirst(cell);

		if (strcmp(def->defname, "bearer_token") == 0)
			table->bearer_token = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "username") == 0)
			table->username = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "password") == 0)
			table->password = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "headers") == 0)
		{
			bool		ok;

			table->headers = split_headers(defGetString(def), &ok);
		}
		else
			(void) RestReadIdentityOption(table, def);
	}
}

/*
 * read_table_options
 *		Fill the table part of a RestTable; return the key column's name.
 */
static void
read_table_options(RestTable *table, List *options, char **keyname)
{
	ListCell   *cell;

	foreach(cell, options)
	{
		DefElem    *def = (DefElem *) lfirst(cell);

		if (strcmp(def->defname, "resource") == 0)
			table->resource = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "key") == 0)
			*keyname = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "page_size") == 0)
			table->page_size = RestParseIntOption(def, 1, REST_MAX_PAGE_SIZE);
		else if (strcmp(def->defname, "max_page_size") == 0)
			table->max_page_size = RestParseIntOption(def, 1, REST_MAX_PAGE_SIZE);
		else if (strcmp(def->defname, "pagination") == 0)
		{
			table->pagination = (RestPagination)
				RestParseKeyword(def, pagination_names);
			table->pagination_declared = true;
		}
		else if (strcmp(def->defname, "page_size_param") == 0)
			table->page_size_param = pstrdup(defGetString(def));
		else if (strcmp(def->defname, "prefetch") == 0)
			table->prefetch = RestParseIntOption(def, 0, REST_MAX_PREFETCH);
		else if (strcmp(def->defname, "collation_matches") == 0)
			table->collation_matches = defGetBoolean(def);
		else if (strcmp(def->defname, "pattern_matches") == 0)
			table->pattern_matches = defGetBoolean(def);
		else if (strcmp(def->defname, "nulls_sort") == 0)
			read_nulls_sort(table, def);
		else if (strcmp(def->defname, "update_method") == 0)
			table->update_put = RestParseKeyword(def, update_method_names);
		else if (strcmp(def->defname, "undo") == 0)
			table->undo = defGetBoolean(def);
		else if (strcmp(def->defname, "updatable") == 0)
			table->updatable = defGetBoolean(def);
		else if (strcmp(def->defname, "truncatable") == 0)
			table->truncatable = defGetBoolean(def);
		else if (strcmp(def->defname, "batch_size") == 0)
			table->batch_size = RestParseIntOption(def, 1, REST_MAX_BATCH_SIZE);
		else
			(void) RestReadStatisticsOption(table, def);
	}
}

/*
 * read_declarations
 *		Apply the filters and ordering options.  PostgREST rejects what it
 *		cannot do instead of ignoring it, so there every column may be
 *		filtered and sorted unless the table says otherwise.
 */
static void
read_declarations(RestTable *table, List *options)
{
	bool		have_filters = false;
	bool		have_ordering = false;
	ListCell   *cell;

	foreach(cell, options)
	{
		DefElem    *def = (DefElem *) lfirst(cell);

		if (strcmp(def->defname, "filters") == 0)
		{
			apply_declarations(table, "filters", defGetString(def), true);
			have_filters = true;
		}
		else if (strcmp(def->defname, "ordering") == 0)
		{
			apply_declarations(table, "ordering", defGetString(def), false);
			have_ordering = true;
		}
	}

	if (!have_filters && table->dialect->default_filters != NULL)
		apply_declarations(table, "filters", table->dialect->default_filters,
						   true);
	if (!have_ordering && table->dialect->default_ordering != NULL)
		apply_declarations(table, "ordering",
						   table->dialect->default_ordering, false);
}

/*
 * read_dialect_options
 *		The options of the server, the table or its column colname that the
 *		dialect adds, checked by the dialect.  An option neither the
 *		wrapper's nor the dialect's (the server's dialect was changed) is an
 *		error.
 */
static List *
read_dialect_options(const RestTable *table, List *options, Oid catalog,
					 const char *colname)
{
	List	   *result = NIL;
	ListCell   *cell;

	foreach(cell, options)
	{
		DefElem    *def = (DefElem *) lfirst(cell);

		if (find_option(def->defname, catalog) != NULL)
			continue;
		if (!RestDialectDeclares(table->dialect, def->defname, catalog))
			report_other_dialect_option(def, table->dialect,
										catalog == ForeignServerRelationId
										? psprintf("server \"%s\"", table->relname)
										: colname == NULL
										? psprintf("foreign table \"%s\"", table->relname)
										: psprintf("column \"%s\" of foreign table \"%s\"",
												   colname, table->relname));
		RestValidateDialectOption(table->dialect, def, catalog);
		result = lappend(result, def);
	}
	return result;
}

/*
 * read_columns
 *		Fill the column descriptions: JSON names or pointers and the key.
 */
static void
read_columns(RestTable *table, Relation rel, const char *keyname)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	bool	   *declared;		/* per column: option "field" given */
	int			i;

	declared = palloc0(sizeof(bool) * Max(tupdesc->natts, 1));
	table->ncolumns = tupdesc->natts;
	table->columns = palloc0(sizeof(RestColumn) * Max(tupdesc->natts, 1));
	table->key_index = -1;

	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i);
		RestColumn *col = &table->columns[i];
		List	   *options;
		ListCell   *cell;

		col->attnum = attr->attnum;
		col->attname = pstrdup(NameStr(attr->attname));
		col->typid = attr->atttypid;
		col->typmod = attr->atttypmod;
		col->dropped = attr->attisdropped;
		col->not_null = attr->attnotnull;
		col->field = col->attname;
		if (col->dropped)
			continue;

		options = GetForeignColumnOptions(table->relid, attr->attnum);
		col->dialect_options =
			read_dialect_options(table, options, AttributeRelationId,
								 col->attname);
		foreach(cell, options)
		{
			DefElem    *def = (DefElem *) lfirst(cell);

			if (strcmp(def->defname, "field") == 0)
			{
				const char *field = defGetString(def);

				declared[i] = true;
				if (field[0] == '/')
				{
					col->pointer = split_pointer(field, &col->npointer);
					col->field = NULL;
				}
				else
					col->field = pstrdup(field);
			}
		}

		if (keyname != NULL
			? strcmp(col->attname, keyname) == 0
			: strcmp(col->attname, "id") == 0)
		{
			col->is_key = true;
			table->key_index = i;
		}
	}

	if (keyname != NULL && table->key_index < 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
				 errmsg("key column \"%s\" of foreign table \"%s\" does not exist",
						keyname, table->relname)));

	/* where the dialect's rows hold the columns */
	if (table->dialect->locate_column != NULL)
		for (i = 0; i < tupdesc->natts; i++)
			if (!table->columns[i].dropped)
				table->dialect->locate_column(table, &table->columns[i],
											  declared[i]);
}

/*
 * RestGetServerTable
 *		Read the options of a server and of the given user's mapping for it
 *		into a RestTable without a table part, for a request that concerns
 *		no foreign table (IMPORT FOREIGN SCHEMA's download of a document).
 *		The defaults are those of RestReadTable.
 */
RestTable *
RestGetServerTable(Oid serverid, Oid userid)
{
	return read_server_and_mapping(serverid, userid);
}
