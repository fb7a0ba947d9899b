/*-------------------------------------------------------------------------
 *
 * context.c
 *		  Per-request context of rest_fdw: the setting rest_fdw.context and
 *		  the request headers a server takes from it
 *
 * A web application that reaches a service through rest_fdw often has to
 * tell it who is asking, or which trace a request belongs to.  It sets
 * rest_fdw.context, a small JSON object, for its transaction or session:
 *
 *	SET LOCAL rest_fdw.context = '{"user": "alice", "trace": "00-...-01"}';
 *	SELECT set_config('rest_fdw.context', '{"user": "alice"}', true);
 *
 * and a server's option context_headers names the headers that carry its
 * members, 'X-User-Id=user, traceparent=trace': every request to that
 * server then sends X-User-Id: alice.  A member no server names is never
 * sent; a named one absent from the setting sends no header.
 *
 * Design assumptions:
 *
 * - The setting is checked when it is set (its check hook), so a bad value
 *	 is refused by SET and never reaches a request: an object of at most
 *	 REST_CONTEXT_MAX_MEMBERS members, strings or integers, each of at
 *	 most REST_CONTEXT_MAX_VALUE printable ASCII characters (no CR, LF or
 *	 other control character, so no value can add a header), the whole at
 *	 most REST_CONTEXT_MAX_SIZE bytes.
 *
 * - Which headers may be sent is the server owner's choice, never the
 *	 setting's: the option cannot name the headers that frame the request
 *	 or carry credentials (Host, Authorization, ...).
 *
 * - Any role may set rest_fdw.context: it is what the application says
 *	 about its own request, as trustworthy as the role that says it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/guc.h"

#include <jansson.h>

#include "http_internal.h"

/* Bounds of rest_fdw.context. */
#define REST_CONTEXT_MAX_SIZE		4096
#define REST_CONTEXT_MAX_MEMBERS	16
#define REST_CONTEXT_MAX_KEY		64
#define REST_CONTEXT_MAX_VALUE		1024

/* One member of the setting: offsets of its key and value in data. */
typedef struct RestContextMember
{
	int			key;
	int			value;
} RestContextMember;

/* The parsed setting: the GUC's "extra", allocated in one piece. */
typedef struct RestContext
{
	int			nmembers;
	RestContextMember members[REST_CONTEXT_MAX_MEMBERS];
	char		data[FLEXIBLE_ARRAY_MEMBER];	/* NUL-terminated strings */
} RestContext;

/* Headers context_headers may not name. */
static const char *const rest_reserved_headers[] = {
	"Host", "Authorization", "Proxy-Authorization", "Cookie",
	"Content-Length", "Content-Type", "Transfer-Encoding", "Connection",
	"Expect", "Upgrade", NULL
};

static char *rest_context_setting = NULL;
static const RestContext *rest_context = NULL;

static bool rest_check_context(char **newval, void **extra, GucSource source);
static void rest_assign_context(const char *newval, void *extra);
static bool rest_context_value(json_t *value, char *buf, size_t size,
							   const char **why);
static bool rest_context_key_ok(const char *key);
static const char *rest_context_lookup(const RestContext *context,
									   const char *key);
static bool rest_next_context_header(const char **cursor, char *header,
									 char *key, const char **why);


/*
 * RestDefineContextSetting
 *		Define rest_fdw.context (from _PG_init).
 */
void
RestDefineContextSetting(void)
{
	DefineCustomStringVariable("rest_fdw.context",
							   "Values the requests of rest_fdw may carry in headers.",
							   "A JSON object of strings or integers; the server option "
							   "context_headers names the headers that carry them.",
							   &rest_context_setting,
							   "",
							   PGC_USERSET,
							   0,
							   rest_check_context,
							   rest_assign_context,
							   NULL);
}

/*
 * rest_check_context
 *		GUC check hook: parse rest_fdw.context into a RestContext.
 *
 * jansson allocates with malloc, which is what a check hook may use.
 */
static bool
rest_check_context(char **newval, void **extra, GucSource source)
{
	size_t		len = strlen(*newval);
	RestContext *context;
	json_t	   *root;
	const char *key;
	json_t	   *value;
	int			used = 0;

	if (len > REST_CONTEXT_MAX_SIZE)
	{
		GUC_check_errdetail("The value is longer than %d bytes.",
							REST_CONTEXT_MAX_SIZE);
		return false;
	}
	/* every key and value is shorter than its text in the setting */
	context = RestGucMalloc(offsetof(RestContext, data) + len + 2);
	if (context == NULL)
	{
		GUC_check_errcode(ERRCODE_OUT_OF_MEMORY);
		GUC_check_errmsg("out of memory");
		return false;
	}
	context->nmembers = 0;
	if ((*newval)[strspn(*newval, " \t\r\n")] == '\0')
	{
		*extra = context;
		return true;
	}

	root = json_loads(*newval, JSON_REJECT_DUPLICATES, NULL);
	if (root == NULL || !json_is_object(root))
	{
		GUC_check_errdetail("The value must be a valid JSON object without duplicate members, such as {\"user\": \"alice\"}.");
		json_decref(root);
		RestGucFree(context);
		return false;
	}
	if (json_object_size(root) > REST_CONTEXT_MAX_MEMBERS)
	{
		GUC_check_errdetail("The object has more than %d members.",
							REST_CONTEXT_MAX_MEMBERS);
		json_decref(root);
		RestGucFree(context);
		return false;
	}
	json_object_foreach(root, key, value)
	{
		RestContextMember *m = &context->members[context->nmembers++];
		const char *why = NULL;

		if (!rest_context_key_ok(key))
			why = "Member names must be 1 to 64 letters, digits, \"_\", \"-\" or \".\".";
		else
		{
			m->key = used;
			strcpy(context->data + used, key);
			used += strlen(key) + 1;
			m->value = used;
			if (rest_context_value(value, context->data + used,
								   len + 2 - used, &why))
				used += strlen(context->data + used) + 1;
		}
		if (why != NULL)
		{
			GUC_check_errdetail("%s", why);
			json_decref(root);
			RestGucFree(context);
			return false;
		}
	}
	json_decref(root);
	*extra = context;
	return true;
}

/*
 * rest_context_value
 *		Copy a member's value, a string or an integer, into buf as a header
 *		value; false with *why if it cannot be one.
 */
static bool
rest_context_value(json_t *value, char *buf, size_t size, const char **why)
{
	static const char *const printable_only =
		"Member values may hold printable ASCII characters only, no control characters such as line breaks.";
	const char *p;

	if (json_is_integer(value))
		snprintf(buf, size, "%lld", (long long) json_integer_value(value));
	else if (!json_is_string(value))
	{
		*why = "Member values must be strings or integers.";
		return false;
	}
	else if (json_string_length(value) > REST_CONTEXT_MAX_VALUE ||
			 json_string_length(value) >= size)
	{
		*why = "A member's value is longer than 1024 characters.";
		return false;
	}
	else if (strlen(json_string_value(value)) != json_string_length(value))
	{
		*why = printable_only;	/* an escaped NUL */
		return false;
	}
	else
		strcpy(buf, json_string_value(value));

	/* no CR or LF to start another header, nor other control characters */
	for (p = buf; *p; p++)
	{
		if (*p < 0x20 || *p > 0x7E)
		{
			*why = printable_only;
			return false;
		}
	}
	return true;
}

/*
 * rest_context_key_ok
 *		Is this a valid member name: letters, digits, "_", "-", "."?
 */
static bool
rest_context_key_ok(const char *key)
{
	size_t		len = strlen(key);

	return len > 0 && len <= REST_CONTEXT_MAX_KEY &&
		strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789_-.") == len;
}

/*
 * rest_assign_context
 *		GUC assign hook: use the new value.
 */
static void
rest_assign_context(const char *newval, void *extra)
{
	rest_context = (const RestContext *) extra;
}

/*
 * rest_context_lookup
 *		The value of a member of the setting, or NULL.
 */
static const char *
rest_context_lookup(const RestContext *context, const char *key)
{
	int			i;

	if (context == NULL)
		return NULL;
	for (i = 0; i < context->nmembers; i++)
		if (strcmp(context->data + context->members[i].key, key) == 0)
			return context->data + context->members[i].value;
	return NULL;
}

/*
 * RestContextHeaderLines
 *		The "Name: value" headers that the table's server takes from
 *		rest_fdw.context, palloc'd.
 */
List *
RestContextHeaderLines(RestTable *table)
{
	List	   *lines = NIL;
	const char *cursor = table->context_headers;
	char		header[REST_CONTEXT_MAX_KEY + 1];
	char		key[REST_CONTEXT_MAX_KEY + 1];
	const char *why;

	if (cursor == NULL)
		return NIL;
	while (rest_next_context_header(&cursor, header, key, &why))
	{
		const char *value = rest_context_lookup(rest_context, key);

		if (value != NULL)
			lines = lappend(lines, psprintf("%s: %s", header, value));
	}
	return lines;
}

/*
 * RestValidContextHeaders
 *		Check a context_headers option: "Header=member" entries separated
 *		by commas; false with *why if it is malformed.
 */
bool
RestValidContextHeaders(const char *value, const char **why)
{
	const char *cursor = value;
	char		header[REST_CONTEXT_MAX_KEY + 1];
	char		key[REST_CONTEXT_MAX_KEY + 1];
	int			n = 0;

	*why = NULL;
	while (rest_next_context_header(&cursor, header, key, why))
		n++;
	if (*why == NULL && n == 0)
		*why = "The option names no header.";
	return *why == NULL;
}

/*
 * rest_next_context_header
 *		Read the next "Header=member" entry of a context_headers option at
 *		*cursor; false at the end, or with *why if it is malformed.
 */
static bool
rest_next_context_header(const char **cursor, char *header, char *key,
						 const char **why)
{
	const char *p = *cursor;
	size_t		hlen;
	size_t		klen;
	int			i;

	*why = NULL;
	p += strspn(p, " \t,");
	if (*p == '\0')
		return false;
	hlen = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789!#$%&'*+-.^_`|~");
	if (hlen == 0 || hlen > REST_CONTEXT_MAX_KEY)
	{
		*why = "Each entry must be an HTTP header name, \"=\" and the name of a member of rest_fdw.context.";
		return false;
	}
	memcpy(header, p, hlen);
	header[hlen] = '\0';
	p += hlen;
	p += strspn(p, " \t");
	if (*p++ != '=')
	{
		*why = "Each entry must be an HTTP header name, \"=\" and the name of a member of rest_fdw.context.";
		return false;
	}
	p += strspn(p, " \t");
	klen = strcspn(p, " \t,");
	if (klen > REST_CONTEXT_MAX_KEY)
		klen = 0;
	memcpy(key, p, klen);
	key[klen] = '\0';
	p += klen;
	p += strspn(p, " \t");
	if (!rest_context_key_ok(key) || (*p != ',' && *p != '\0'))
	{
		*why = "Each entry must be an HTTP header name, \"=\" and the name of a member of rest_fdw.context.";
		return false;
	}
	for (i = 0; rest_reserved_headers[i] != NULL; i++)
	{
		if (pg_strcasecmp(header, rest_reserved_headers[i]) == 0)
		{
			*why = "Host, Authorization, Proxy-Authorization, Cookie, Content-Length, Content-Type, Transfer-Encoding, Connection, Expect and Upgrade cannot be taken from rest_fdw.context.";
			return false;
		}
	}
	*cursor = p;
	return true;
}
