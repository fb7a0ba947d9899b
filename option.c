/*-------------------------------------------------------------------------
 *
 * option.c
 *		  Option validation and catalog reading for rest_fdw.
 *
 * Every option the wrapper accepts is listed once in rest_options, with the
 * catalog it belongs to and, where it matters, whether only a superuser may
 * set it and whether it is a secret.  The validator checks names and values
 * when a server, user mapping, foreign table or column is created or
 * altered; RestGetTable reads them back into one RestTable for the planner
 * and the executor.
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

#include "rest_fdw.h"

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
	{"max_response_size", ForeignServerRelationId, false, false},
	{"connect_to", ForeignServerRelationId, true, false},
	/* user mapping */
	{"bearer_token", UserMappingRelationId, false, true},
	{"username", UserMappingRelationId, false, false},
	{"password", UserMappingRelationId, false, true},
	{"headers", UserMappingRelationId, false, true},
	/* foreign table */
	{"resource", ForeignTableRelationId, false, false},
	{"key", ForeignTableRelationId, false, false},
	{"page_size", ForeignTableRelationId, false, false},
	/* column */
	{"field", AttributeRelationId, false, false},
	{NULL, InvalidOid, false, false}
};

/* Defaults of the server options. */
#define REST_DEFAULT_CONNECT_TIMEOUT_MS	10000
#define REST_DEFAULT_TIMEOUT_MS			60000
#define REST_DEFAULT_PAGE_SIZE			0
#define REST_DEFAULT_MAX_RESPONSE_SIZE	(64 * 1024 * 1024)

PG_FUNCTION_INFO_V1(rest_fdw_validator);

static const RestOption *find_option(const char *name, Oid context);
static void report_unknown_option(const char *name, Oid context);
static void validate_option_value(DefElem *def, const RestOption *opt);
static void validate_base_url(DefElem *def);
static long parse_seconds(DefElem *def);
static int	parse_page_size(DefElem *def);
static int64 parse_byte_size(DefElem *def);
static RestDialect parse_dialect(DefElem *def);
static void validate_headers(DefElem *def);
static void validate_field(DefElem *def);
static void read_server_options(RestTable *table, List *options);
static void read_user_options(RestTable *table, List *options);
static void read_table_options(RestTable *table, List *options,
							   char **keyname);
static void read_columns(RestTable *table, Relation rel, const char *keyname);
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
			report_unknown_option(def->defname, catalog);
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

	if (catalog == ForeignServerRelationId && !have_base_url)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("option \"base_url\" is required for a rest_fdw server")));

	PG_RETURN_VOID();
}

/*
 * RestIsValidOption
 *		Is this the name of an option of the given catalog?
 */
bool
RestIsValidOption(const char *option, Oid context)
{
	return find_option(option, context) != NULL;
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

	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
			 errmsg("invalid option \"%s\"", name),
			 buf.len > 0
			 ? errhint("Valid options in this context are: %s.", buf.data)
			 : errhint("There are no valid options in this context.")));
}

/*
 * validate_option_value
 *		Check the value of one known option.
 */
static void
validate_option_value(DefElem *def, const RestOption *opt)
{
	const char *name = def->defname;

	if (strcmp(name, "base_url") == 0)
		validate_base_url(def);
	else if (strcmp(name, "dialect") == 0)
		(void) parse_dialect(def);
	else if (strcmp(name, "connect_timeout") == 0 ||
			 strcmp(name, "timeout") == 0)
		(void) parse_seconds(def);
	else if (strcmp(name, "page_size") == 0)
		(void) parse_page_size(def);
	else if (strcmp(name, "max_response_size") == 0)
		(void) parse_byte_size(def);
	else if (strcmp(name, "headers") == 0)
		validate_headers(def);
	else if (strcmp(name, "field") == 0)
		validate_field(def);
	else if (strcmp(name, "resource") == 0 ||
			 strcmp(name, "key") == 0 ||
			 strcmp(name, "connect_to") == 0 ||
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
 *		base_url must be an absolute http or https URL without credentials.
 */
static void
validate_base_url(DefElem *def)
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
				 errmsg("invalid value for option \"base_url\": \"%s\"", url),
				 errdetail("The URL must start with http:// or https://.")));

	authority_end = rest + strcspn(rest, "/?#");
	if (authority_end == rest)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"base_url\": \"%s\"", url),
				 errdetail("The URL has no host.")));
	if (memchr(rest, '@', authority_end - rest) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("option \"base_url\" must not contain credentials"),
				 errhint("Put credentials in the user mapping options \"username\" and \"password\" or \"bearer_token\".")));
	if (strpbrk(url, "?# \t\r\n") != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"base_url\": \"%s\"", url),
				 errdetail("The URL must not contain a query, a fragment or white space.")));
}

/*
 * parse_seconds
 *		Parse a timeout in seconds (fractions allowed) into milliseconds.
 */
static long
parse_seconds(DefElem *def)
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
 * parse_page_size
 *		Parse a page size: the number of rows asked per request.
 */
static int
parse_page_size(DefElem *def)
{
	const char *value = defGetString(def);
	int			result;

	if (!parse_int(value, &result, 0, NULL) || result < 1 || result > 100000)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, value),
				 errdetail("The value must be an integer between 1 and 100000.")));
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
static RestDialect
parse_dialect(DefElem *def)
{
	const char *value = defGetString(def);

	if (strcmp(value, "drf") == 0)
		return REST_DIALECT_DRF;
	if (strcmp(value, "postgrest") == 0)
		return REST_DIALECT_POSTGREST;
	if (strcmp(value, "json-server") == 0)
		return REST_DIALECT_JSON_SERVER;
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("invalid value for option \"dialect\": \"%s\"", value),
			 errhint("Valid values are: drf, postgrest, json-server.")));
	return REST_DIALECT_DRF;	/* keep compiler quiet */
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
 * RestGetTable
 *		Read the options of a foreign table, its server and the user mapping
 *		of the given user into a RestTable, in CurrentMemoryContext.
 */
RestTable *
RestGetTable(Oid relid, Oid userid)
{
	RestTable  *table = palloc0(sizeof(RestTable));
	ForeignTable *ft = GetForeignTable(relid);
	ForeignServer *server = GetForeignServer(ft->serverid);
	UserMapping *um = GetUserMapping(userid, ft->serverid);
	Relation	rel;
	char	   *keyname = NULL;

	table->relid = relid;
	table->relname = get_rel_name(relid);
	table->serverid = server->serverid;
	table->userid = userid;
	table->umid = um->umid;

	table->dialect = REST_DIALECT_DRF;
	table->connect_timeout_ms = REST_DEFAULT_CONNECT_TIMEOUT_MS;
	table->timeout_ms = REST_DEFAULT_TIMEOUT_MS;
	table->page_size = REST_DEFAULT_PAGE_SIZE;
	table->max_response_size = REST_DEFAULT_MAX_RESPONSE_SIZE;

	read_server_options(table, server->options);
	read_user_options(table, um->options);
	read_table_options(table, ft->options, &keyname);

	if (table->resource == NULL)
	{
		/* by default the collection is named like the table */
		table->resource = table->dialect == REST_DIALECT_DRF
			? psprintf("%s/", table->relname)
			: pstrdup(table->relname);
	}
	table->collection_url = psprintf("%s%s", table->base_url,
									 table->resource[0] == '/'
									 ? table->resource + 1
									 : table->resource);

	rel = table_open(relid, NoLock);
	read_columns(table, rel, keyname);
	table_close(rel, NoLock);

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
			table->connect_timeout_ms = parse_seconds(def);
		else if (strcmp(def->defname, "timeout") == 0)
			table->timeout_ms = parse_seconds(def);
		else if (strcmp(def->defname, "page_size") == 0)
			table->page_size = parse_page_size(def);
		else if (strcmp(def->defname, "max_response_size") == 0)
			table->max_response_size = parse_byte_size(def);
		else if (strcmp(def->defname, "connect_to") == 0)
			table->connect_to = pstrdup(defGetString(def));
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
			table->page_size = parse_page_size(def);
	}
}

/*
 * read_columns
 *		Fill the column descriptions: JSON names or pointers and the key.
 */
static void
read_columns(RestTable *table, Relation rel, const char *keyname)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	int			i;

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
		col->field = col->attname;
		if (col->dropped)
			continue;

		options = GetForeignColumnOptions(table->relid, attr->attnum);
		foreach(cell, options)
		{
			DefElem    *def = (DefElem *) lfirst(cell);

			if (strcmp(def->defname, "field") == 0)
			{
				const char *field = defGetString(def);

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
}
