/*-------------------------------------------------------------------------
 *
 * option_groups.c
 *		  The options that belong to one subsystem each: the transport's
 *		  retries, redirects and TLS (request.c, hostpolicy.c), the identity
 *		  the service sees (OAuth client credentials and context headers:
 *		  oauth.c, context.c) and the statistics (analyze.c).
 *
 * Each group has a validator, which checks a value and who may set it,
 * and a reader, which fills its part of a RestTable; both return false
 * for an option that is not theirs, so that option.c hands every option
 * to them first.  The names of the options are listed with all others in
 * option.c's rest_options.  No message prints the value of a secret.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "commands/defrem.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "option_internal.h"

/* Bounds of the statistics options. */
#define REST_MAX_ESTIMATE_LIFETIME_S	3600
#define REST_MAX_ANALYZE_REQUESTS		1000

/* The values of follow_redirects. */
static const RestKeyword redirect_names[] = {
	{"same-origin", REST_REDIRECTS_SAME_ORIGIN}, {"none", REST_REDIRECTS_NONE},
	{"any", REST_REDIRECTS_ANY}, {NULL, 0}
};

static void require_superuser_value(DefElem *def);
static int	parse_max_retries(DefElem *def);
static int	parse_retry_methods(DefElem *def);
static void validate_header_name(DefElem *def);
static int	parse_lifetime(DefElem *def);

/*
 * Retries, redirects and TLS: server options read by request.c and
 * hostpolicy.c.
 */

/*
 * validate_connection_option
 *		Check the value of a retry, redirect or TLS option, and who may set
 *		it; return false if def is none of them.
 *
 * Values that widen what a request may reach (follow_redirects 'any') or
 * weaken its checks (ssl_verify 'false') are for superusers only.
 */
bool
RestValidateConnectionOption(DefElem *def)
{
	const char *name = def->defname;

	if (strcmp(name, "max_retries") == 0)
		(void) parse_max_retries(def);
	else if (strcmp(name, "retry_max_time") == 0)
		(void) RestParseSeconds(def);
	else if (strcmp(name, "retry_methods") == 0)
		(void) parse_retry_methods(def);
	else if (strcmp(name, "idempotency_key_header") == 0)
		validate_header_name(def);
	else if (strcmp(name, "follow_redirects") == 0)
	{
		if (RestParseKeyword(def, redirect_names) == REST_REDIRECTS_ANY)
			require_superuser_value(def);
	}
	else if (strcmp(name, "ssl_verify") == 0)
	{
		if (!defGetBoolean(def))
			require_superuser_value(def);
	}
	else if (strcmp(name, "ssl_ca_file") == 0 ||
			 strcmp(name, "ssl_cert_file") == 0 ||
			 strcmp(name, "ssl_key_file") == 0)
	{
		if (!is_absolute_path(defGetString(def)))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"%s\": \"%s\"",
							name, defGetString(def)),
					 errdetail("The value must be an absolute path.")));
	}
	else
		return false;
	return true;
}

/*
 * require_superuser_value
 *		Only a superuser may give this option this value.
 */
static void
require_superuser_value(DefElem *def)
{
	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to set option \"%s\" to \"%s\"",
						def->defname, defGetString(def)),
				 errhint("Only superusers may set this value.")));
}

/*
 * parse_max_retries
 *		Parse the number of retries of a failed request.
 */
static int
parse_max_retries(DefElem *def)
{
	const char *value = defGetString(def);
	int			result;

	if (!parse_int(value, &result, 0, NULL) || result < 0 || result > 10)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, value),
				 errdetail("The value must be an integer between 0 and 10.")));
	return result;
}

/*
 * parse_retry_methods
 *		Parse the comma-separated methods that may be retried, as
 *		REST_METHOD_* bits.  GET is always retried; POST never is (see
 *		idempotency_key_header).
 */
static int
parse_retry_methods(DefElem *def)
{
	char	   *copy = pstrdup(defGetString(def));
	char	   *saveptr = NULL;
	char	   *method;
	int			result = 0;

	for (method = strtok_r(copy, ",", &saveptr); method != NULL;
		 method = strtok_r(NULL, ",", &saveptr))
	{
		char	   *end;

		while (isspace((unsigned char) *method))
			method++;
		end = method + strlen(method);
		while (end > method && isspace((unsigned char) end[-1]))
			*--end = '\0';

		if (pg_strcasecmp(method, "GET") == 0)
			continue;
		else if (pg_strcasecmp(method, "PUT") == 0)
			result |= REST_METHOD_PUT;
		else if (pg_strcasecmp(method, "PATCH") == 0)
			result |= REST_METHOD_PATCH;
		else if (pg_strcasecmp(method, "DELETE") == 0)
			result |= REST_METHOD_DELETE;
		else if (pg_strcasecmp(method, "POST") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("POST requests cannot be declared safe to retry"),
					 errhint("Set the server option \"idempotency_key_header\" if the service accepts idempotency keys.")));
		else
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"%s\": \"%s\"",
							def->defname, defGetString(def)),
					 errhint("Valid values are comma-separated lists of: GET, PUT, PATCH, DELETE.")));
	}
	return result;
}

/*
 * validate_header_name
 *		A header name is an RFC 9110 token.
 */
static void
validate_header_name(DefElem *def)
{
	const char *value = defGetString(def);
	const char *p;

	for (p = value; *p; p++)
	{
		if (!(isalnum((unsigned char) *p) || strchr("!#$%&'*+-.^_`|~", *p)))
			break;
	}
	if (value[0] == '\0' || *p != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, value),
				 errdetail("The value must be an HTTP header name, such as Idempotency-Key.")));
}

/*
 * read_connection_option
 *		Fill the retry, redirect and TLS part of a RestTable from one
 *		server option; return false if def is none of them.
 */
bool
RestReadConnectionOption(RestTable *table, DefElem *def)
{
	const char *name = def->defname;

	if (strcmp(name, "max_retries") == 0)
		table->max_retries = parse_max_retries(def);
	else if (strcmp(name, "retry_max_time") == 0)
		table->retry_max_time_ms = RestParseSeconds(def);
	else if (strcmp(name, "retry_methods") == 0)
		table->retry_methods = parse_retry_methods(def);
	else if (strcmp(name, "idempotency_key_header") == 0)
		table->idempotency_key_header = pstrdup(defGetString(def));
	else if (strcmp(name, "follow_redirects") == 0)
		table->follow_redirects = (RestRedirects)
			RestParseKeyword(def, redirect_names);
	else if (strcmp(name, "ssl_verify") == 0)
		table->ssl_verify = defGetBoolean(def);
	else if (strcmp(name, "ssl_ca_file") == 0)
		table->ssl_ca_file = pstrdup(defGetString(def));
	else if (strcmp(name, "ssl_cert_file") == 0)
		table->ssl_cert_file = pstrdup(defGetString(def));
	else if (strcmp(name, "ssl_key_file") == 0)
		table->ssl_key_file = pstrdup(defGetString(def));
	else
		return false;
	return true;
}

/*
 * Who is calling: OAuth client credentials (user mapping options read by
 * oauth.c) and the headers taken from rest_fdw.context (the server option
 * read by context.c).
 */

/*
 * validate_identity_option
 *		Check the value of an OAuth or context option; return false if def
 *		is none of them.
 */
bool
RestValidateIdentityOption(DefElem *def)
{
	const char *name = def->defname;
	const char *value;
	const char *p;

	if (strcmp(name, "oauth_token_url") == 0)
	{
		RestValidateBaseUrl(def);
		return true;
	}
	if (strcmp(name, "context_headers") == 0)
	{
		const char *why;

		if (!RestValidContextHeaders(defGetString(def), &why))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"context_headers\": \"%s\"",
							defGetString(def)),
					 errdetail("%s", why)));
		return true;
	}
	if (strcmp(name, "client_id") != 0 && strcmp(name, "client_secret") != 0 &&
		strcmp(name, "scope") != 0 && strcmp(name, "audience") != 0)
		return false;

	/* never printed: client_secret is a secret */
	value = defGetString(def);
	for (p = value; *p; p++)
		if ((unsigned char) *p < 0x20 || *p == 0x7F)
			break;
	if (value[0] == '\0' || *p != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\"", name),
				 errdetail("The value must be non-empty and hold no control characters.")));
	return true;
}

/*
 * check_oauth_options
 *		A user mapping's OAuth options come together: oauth_token_url,
 *		client_id and client_secret all or none, scope and audience only
 *		with them, and no bearer_token besides.
 */
void
RestCheckOauthOptions(List *options)
{
	int			given = 0;
	bool		extras = false;
	bool		bearer = false;
	ListCell   *cell;

	foreach(cell, options)
	{
		const char *name = ((DefElem *) lfirst(cell))->defname;

		if (strcmp(name, "oauth_token_url") == 0 ||
			strcmp(name, "client_id") == 0 ||
			strcmp(name, "client_secret") == 0)
			given++;
		else if (strcmp(name, "scope") == 0 || strcmp(name, "audience") == 0)
			extras = true;
		else if (strcmp(name, "bearer_token") == 0)
			bearer = true;
	}
	if ((given > 0 && given < 3) || (extras && given == 0))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("options \"oauth_token_url\", \"client_id\" and \"client_secret\" must be given together"),
				 errdetail("Options \"scope\" and \"audience\" need them too.")));
	if (given > 0 && bearer)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("options \"bearer_token\" and \"oauth_token_url\" cannot be used together")));
}

/*
 * read_identity_option
 *		Fill the OAuth or context part of a RestTable from one option;
 *		return false if def is none of them.
 */
bool
RestReadIdentityOption(RestTable *table, DefElem *def)
{
	const char *name = def->defname;
	char	   *value;

	if (strcmp(name, "oauth_token_url") != 0 &&
		strcmp(name, "client_id") != 0 && strcmp(name, "client_secret") != 0 &&
		strcmp(name, "scope") != 0 && strcmp(name, "audience") != 0 &&
		strcmp(name, "context_headers") != 0)
		return false;

	value = pstrdup(defGetString(def));
	if (strcmp(name, "oauth_token_url") == 0)
		table->oauth_token_url = value;
	else if (strcmp(name, "client_id") == 0)
		table->client_id = value;
	else if (strcmp(name, "client_secret") == 0)
		table->client_secret = value;
	else if (strcmp(name, "scope") == 0)
		table->oauth_scope = value;
	else if (strcmp(name, "audience") == 0)
		table->oauth_audience = value;
	else
		table->context_headers = value;
	return true;
}

/*
 * Statistics: server and table options read by analyze.c.
 */

/*
 * validate_statistics_option
 *		Check the value of an ANALYZE or remote estimate option; return
 *		false if def is none of them.
 */
bool
RestValidateStatisticsOption(DefElem *def)
{
	const char *name = def->defname;

	if (strcmp(name, "use_remote_estimate") == 0)
		(void) defGetBoolean(def);
	else if (strcmp(name, "remote_estimate_lifetime") == 0)
		(void) parse_lifetime(def);
	else if (strcmp(name, "analyze_max_requests") == 0)
		(void) RestParseIntOption(def, 1, REST_MAX_ANALYZE_REQUESTS);
	else
		return false;
	return true;
}

/*
 * read_statistics_option
 *		Fill the statistics part of a RestTable from one server or table
 *		option; return false if def is none of them.
 */
bool
RestReadStatisticsOption(RestTable *table, DefElem *def)
{
	const char *name = def->defname;

	if (strcmp(name, "use_remote_estimate") == 0)
		table->use_remote_estimate = defGetBoolean(def);
	else if (strcmp(name, "remote_estimate_lifetime") == 0)
		table->remote_estimate_lifetime_ms = parse_lifetime(def);
	else if (strcmp(name, "analyze_max_requests") == 0)
		table->analyze_max_requests =
			RestParseIntOption(def, 1, REST_MAX_ANALYZE_REQUESTS);
	else
		return false;
	return true;
}

/*
 * parse_lifetime
 *		Parse how long a remote estimate is reused, in seconds (fractions
 *		allowed, 0 for not at all), into milliseconds.
 */
static int
parse_lifetime(DefElem *def)
{
	const char *value = defGetString(def);
	char	   *end;
	double		seconds;

	errno = 0;
	seconds = strtod(value, &end);
	if (end == value || *end != '\0' || errno != 0 ||
		!isfinite(seconds) || seconds < 0 ||
		seconds > REST_MAX_ESTIMATE_LIFETIME_S)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\": \"%s\"",
						def->defname, value),
				 errdetail("The value must be a number of seconds between 0 and %d.",
						   REST_MAX_ESTIMATE_LIFETIME_S)));
	return (int) ceil(seconds * 1000.0);
}
