/*-------------------------------------------------------------------------
 *
 * oauth.c
 *		  OAuth 2.0 client credentials for rest_fdw: the access token of a
 *		  user mapping, fetched from its token endpoint and cached
 *
 * A user mapping with the options oauth_token_url, client_id and
 * client_secret (and optionally scope and audience) authenticates its
 * requests with a bearer token of the client credentials grant (RFC 6749,
 * section 4.4).  The token is fetched at the first request that needs it
 * and kept, per backend and user mapping, until shortly before the
 * expires_in its endpoint announced; a request the service answers 401 is
 * made once more with a new token (request.c).
 *
 * Design assumptions:
 *
 * - The token request is a request like every other (RestPerform, on the
 *	 user mapping's connection): rest_fdw.allowed_hosts, CONNECT_TO, the
 *	 timeouts and the wait on the latch apply.  It follows no redirect,
 *	 sends none of the user mapping's other credentials or headers, and
 *	 its URL must be one the current user may make the backend reach
 *	 (RestCheckUrlAllowed).  The client authenticates with HTTP Basic, the
 *	 method every authorization server supports.
 *
 * - The client secret and the token never appear in a message, EXPLAIN or
 *	 the log: errors name the token endpoint, its HTTP status and the
 *	 OAuth error code it sent, nothing else of its answer.  Copies of the
 *	 token are wiped before they are freed.
 *
 * - The token is kept with the user mapping's connection (connection.c),
 *	 and dropped with it when its server or user mapping changes (ALTER,
 *	 DROP); also when the service refuses it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/memutils.h"
#include "utils/timestamp.h"

#include <jansson.h>

#include "http_internal.h"

/* Longest access token accepted. */
#define REST_MAX_TOKEN_SIZE		16384

/* Largest answer read from a token endpoint. */
#define REST_MAX_TOKEN_RESPONSE	(256 * 1024)

/* A token is renewed this long before it expires, at most. */
#define REST_TOKEN_RENEW_MARGIN_MS	30000

/* What a token endpoint answered, once parsed. */
typedef struct RestTokenAnswer
{
	char	   *token;			/* palloc'd */
	int64		expires_in_ms;	/* -1 if not announced */
} RestTokenAnswer;

static bool rest_token_usable(RestTokenCache *cache);
static void rest_token_fetch(RestConnection *conn, RestTable *table,
							 RestTokenCache *cache);
static RestTable *rest_token_request_table(RestTable *table);
static char *rest_token_request_body(RestTable *table);
static void rest_token_parse(RestRequest *req, RestResponse *resp,
							 RestTokenAnswer *answer);
static bool rest_token_chars_ok(const char *token);
static pg_noreturn void rest_token_refused(RestRequest *req,
										   RestResponse *resp);
static char *rest_token_error_code(RestResponse *resp);


/*
 * RestOAuthToken
 *		The access token to send with the table's requests: the one kept
 *		with its connection, or a new one from the token endpoint if there
 *		is none, it is about to expire, or renew is true (the service
 *		refused the last one).
 *
 * The result stays valid until the next call or invalidation; callers
 * copy it.
 */
const char *
RestOAuthToken(RestConnection *conn, RestTable *table, bool renew)
{
	RestTokenCache *cache = RestConnectionToken(conn);

	Assert(table->oauth_token_url != NULL);
	if (renew || !rest_token_usable(cache))
	{
		RestForgetToken(cache);
		rest_token_fetch(conn, table, cache);
	}
	return cache->token;
}

/*
 * RestForgetToken
 *		Wipe and free a kept token.  Never throws.
 */
void
RestForgetToken(RestTokenCache *cache)
{
	if (cache->token == NULL)
		return;
	explicit_bzero(cache->token, strlen(cache->token));
	pfree(cache->token);
	cache->token = NULL;
}

/*
 * rest_token_usable
 *		Is there a cached token that is not about to expire?
 */
static bool
rest_token_usable(RestTokenCache *cache)
{
	if (cache->token == NULL)
		return false;
	return !cache->expires || GetCurrentTimestamp() < cache->renew_at;
}

/*
 * rest_token_fetch
 *		Ask the token endpoint for a new token and keep it.
 *
 * It is renewed a tenth of its lifetime, at most
 * REST_TOKEN_RENEW_MARGIN_MS, before it expires; a token without a
 * lifetime is kept until the service refuses it.
 */
static void
rest_token_fetch(RestConnection *conn, RestTable *table,
				 RestTokenCache *cache)
{
	RestTable  *req_table = rest_token_request_table(table);
	RestRequest req = {0};
	RestResponse resp;
	RestTokenAnswer answer;
	TimestampTz requested = GetCurrentTimestamp();

	RestCheckUrlAllowed(table, table->oauth_token_url, "oauth_token_url");

	req.method = "POST";
	req.url = table->oauth_token_url;
	req.body = rest_token_request_body(table);
	req.body_len = strlen(req.body);
	req.extra_headers =
		list_make1(pstrdup("Content-Type: application/x-www-form-urlencoded"));

	elog(DEBUG1, "rest_fdw: requesting an access token for user mapping %u from %s",
		 table->umid, req.url);
	RestPerform(conn, req_table, &req, &resp, NULL);
	rest_token_parse(&req, &resp, &answer);

	cache->token = MemoryContextStrdup(CacheMemoryContext, answer.token);
	explicit_bzero(answer.token, strlen(answer.token));
	pfree(answer.token);

	cache->expires = answer.expires_in_ms >= 0;
	if (cache->expires)
		cache->renew_at = TimestampTzPlusMilliseconds(requested,
													  answer.expires_in_ms -
													  Min(answer.expires_in_ms / 10,
														  REST_TOKEN_RENEW_MARGIN_MS));
}

/*
 * rest_token_request_table
 *		A copy of the table for the token request: the client's credentials
 *		as HTTP Basic (form-encoded, RFC 6749 2.3.1), nothing else of the
 *		user mapping, no redirects, no token of its own.
 */
static RestTable *
rest_token_request_table(RestTable *table)
{
	RestTable  *copy = palloc(sizeof(RestTable));
	StringInfoData buf;

	memcpy(copy, table, sizeof(RestTable));
	copy->bearer_token = NULL;
	copy->oauth_token_url = NULL;
	copy->headers = NIL;
	copy->context_headers = NULL;
	copy->follow_redirects = REST_REDIRECTS_NONE;
	copy->idempotency_key_header = NULL;
	copy->max_response_size = REST_MAX_TOKEN_RESPONSE;

	initStringInfo(&buf);
	RestAppendEncoded(&buf, table->client_id);
	copy->username = buf.data;
	initStringInfo(&buf);
	RestAppendEncoded(&buf, table->client_secret);
	copy->password = buf.data;
	return copy;
}

/*
 * rest_token_request_body
 *		The form the token request sends: the grant, and the scope and
 *		audience the user mapping asks for.
 */
static char *
rest_token_request_body(RestTable *table)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "grant_type=client_credentials");
	if (table->oauth_scope != NULL)
	{
		appendStringInfoString(&buf, "&scope=");
		RestAppendEncoded(&buf, table->oauth_scope);
	}
	if (table->oauth_audience != NULL)
	{
		appendStringInfoString(&buf, "&audience=");
		RestAppendEncoded(&buf, table->oauth_audience);
	}
	return buf.data;
}

/*
 * rest_token_parse
 *		Read the token and its lifetime from the endpoint's answer (RFC 6749
 *		5.1), or raise the error of a refusal or a malformed answer.  The
 *		answer's body is wiped either way.
 */
static void
rest_token_parse(RestRequest *req, RestResponse *resp, RestTokenAnswer *answer)
{
	RestRequestContext context;
	json_t	   *root;
	json_t	   *expires;
	const char *token;
	const char *type;
	const char *problem = NULL;

	if (resp->status < 200 || resp->status > 299)
		rest_token_refused(req, resp);

	answer->token = NULL;
	answer->expires_in_ms = -1;
	root = json_loadb(resp->body, resp->body_len, 0, NULL);
	explicit_bzero(resp->body, resp->body_len);

	token = json_string_value(json_object_get(root, "access_token"));
	type = json_string_value(json_object_get(root, "token_type"));
	expires = json_object_get(root, "expires_in");
	if (root == NULL || !json_is_object(root))
		problem = "The answer is not a JSON object.";
	else if (token == NULL || token[0] == '\0')
		problem = "The answer has no access_token.";
	else if (strlen(token) > REST_MAX_TOKEN_SIZE || !rest_token_chars_ok(token))
		problem = "Its access_token is too long or holds characters a bearer token cannot hold.";
	else if (type == NULL || pg_strcasecmp(type, "bearer") != 0)
		problem = "Its token_type is not \"Bearer\".";
	else if (expires != NULL && !(json_is_integer(expires) &&
								  json_integer_value(expires) > 0 &&
								  json_integer_value(expires) < INT64CONST(1000000000)))
		problem = "Its expires_in is not a positive number of seconds.";
	else
	{
		answer->token = pstrdup(token);
		if (expires != NULL)
			answer->expires_in_ms = json_integer_value(expires) * 1000;
	}
	if (token != NULL)
		explicit_bzero((char *) token, strlen(token));
	json_decref(root);

	if (problem != NULL)
	{
		RestPushRequestContext(&context, req->method, req->url, resp->status,
							   resp->attempts);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("invalid answer from OAuth token endpoint"),
				 errdetail("%s", problem)));
	}
}

/*
 * rest_token_chars_ok
 *		Does a token hold only what a bearer token may (RFC 6750 2.1's
 *		b64token), so that it cannot break the Authorization header?
 */
static bool
rest_token_chars_ok(const char *token)
{
	const char *p;

	for (p = token; *p; p++)
	{
		if (!(isalnum((unsigned char) *p) || strchr("-._~+/=", *p) != NULL))
			return false;
	}
	return true;
}

/*
 * rest_token_refused
 *		Raise the error of a token endpoint that answered with an error
 *		status, naming the OAuth error code it sent (RFC 6749 5.2) and
 *		nothing else of its answer.
 */
static void
rest_token_refused(RestRequest *req, RestResponse *resp)
{
	RestRequestContext context;
	char	   *code = rest_token_error_code(resp);
	bool		client_refused = (resp->status == 400 || resp->status == 401);

	explicit_bzero(resp->body, resp->body_len);
	RestPushRequestContext(&context, req->method, req->url, resp->status,
						   resp->attempts);
	ereport(ERROR,
			(errcode(client_refused
					 ? ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION
					 : ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
			 errmsg("could not obtain an access token from the OAuth token endpoint"),
			 code != NULL
			 ? errdetail("The token endpoint answered HTTP %ld with error \"%s\".",
						 resp->status, code)
			 : errdetail("The token endpoint answered HTTP %ld.", resp->status),
			 client_refused
			 ? errhint("Check the options oauth_token_url, client_id, client_secret and scope of the user mapping.")
			 : 0));
	pg_unreachable();
}

/*
 * rest_token_error_code
 *		The "error" member of an OAuth error answer, if it is a short code
 *		of the characters RFC 6749 allows there; NULL otherwise.
 */
static char *
rest_token_error_code(RestResponse *resp)
{
	json_t	   *root = json_loadb(resp->body, resp->body_len, 0, NULL);
	const char *error = json_string_value(json_object_get(root, "error"));
	char	   *code = NULL;

	if (error != NULL && strlen(error) <= 64 &&
		strspn(error, "abcdefghijklmnopqrstuvwxyz_") == strlen(error))
		code = pstrdup(error);
	json_decref(root);
	return code;
}
