/*-------------------------------------------------------------------------
 *
 * jsonscan.c
 *		  The streaming JSON scanner and the page reader of rest_fdw
 *
 * A REST service answers a scan with pages of rows.  A page can be large
 * and holds many rows, of which the wrapper wants only the members mapped
 * to columns, so the page is not turned into a tree: a small pull scanner
 * walks the response buffer in place, validating every byte on the way
 * (malformed JSON is an error wherever it is, even in members nobody asked
 * for), and reports each wanted member as a span of the buffer.  Member
 * names are matched against a little tree of column names and JSON Pointer
 * segments, built once per scan (RestPrepareColumns, json.c); a pointer
 * segment that is an array index (RFC 6901: "0", "1", ..., no leading
 * zeros) also selects that element of an array.  Arrays are walked element
 * by element only on a pointer's path; everywhere else they are skipped.
 * The rows are in a bare array or in the envelope member the dialect names
 * (RestPageShape), whose next-page and total members are found too.
 *
 * The spans are turned into datums by json.c.  The response is expected
 * to be UTF-8, as RFC 8259 requires, and is verified to be.
 *
 * Functions that report errors about a response take its URL.  It is used
 * only in messages, as "GET <url>"; a caller whose request used another
 * method may pass "<METHOD> <url>", which is printed as is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "dialect.h"
#include "json_internal.h"

/* Deepest nesting of JSON arrays and objects accepted in a response. */
#define REST_JSON_MAX_DEPTH		1000

/* UTF-8 is verified in chunks that fit pg_encoding_verifymbstr's int. */
#define REST_UTF8_CHUNK			(1 << 30)

/* States of a RestPageReader. */
#define READER_FIRST_ROW	0	/* just after the rows array's '[' */
#define READER_AFTER_ROW	1	/* just after a row */
#define READER_DONE			2	/* page fully parsed */

/*
 * Bytes that end the fast loop over a string's contents: the quote, the
 * backslash, and control characters (including the terminating NUL).
 */
static const bool string_special[256] = {
	[0x00] = true, [0x01] = true, [0x02] = true, [0x03] = true,
	[0x04] = true, [0x05] = true, [0x06] = true, [0x07] = true,
	[0x08] = true, [0x09] = true, [0x0a] = true, [0x0b] = true,
	[0x0c] = true, [0x0d] = true, [0x0e] = true, [0x0f] = true,
	[0x10] = true, [0x11] = true, [0x12] = true, [0x13] = true,
	[0x14] = true, [0x15] = true, [0x16] = true, [0x17] = true,
	[0x18] = true, [0x19] = true, [0x1a] = true, [0x1b] = true,
	[0x1c] = true, [0x1d] = true, [0x1e] = true, [0x1f] = true,
	['"'] = true, ['\\'] = true
};

static pg_noreturn void json_syntax_error(JsonCursor *cur, const char *pos,
										  const char *detail);
static pg_noreturn void json_depth_error(JsonCursor *cur, const char *pos);
static pg_noreturn void json_shape_error(JsonCursor *cur, const char *pos,
										 bool page);
static pg_noreturn void json_row_shape_error(JsonCursor *cur, const char *pos,
											 int depth);
static inline void scan_value(JsonCursor *cur, RestJsonValue *v, int depth);
static void json_skip_container(JsonCursor *cur, int depth);
static void parse_object(JsonCursor *cur, RestFieldLevel *level,
						 RestJsonValue *values, int depth);
static void parse_array(JsonCursor *cur, RestFieldLevel *level,
						RestJsonValue *values, int depth);

/*
 * ---------------------------------------------------------------------
 * Messages
 * ---------------------------------------------------------------------
 */

/* Report malformed JSON at pos; detail has one %zu, the byte offset. */
static void
json_syntax_error(JsonCursor *cur, const char *pos, const char *detail)
{
	if (pos >= cur->end)
		detail = "Unexpected end of input at byte %zu.";
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid JSON in response from service"),
			 errdetail(detail, (size_t) (pos - cur->buf)),
			 RestRequestErrcontext(NULL, cur->url, -1, 1)));
}

/* Report JSON nested deeper than REST_JSON_MAX_DEPTH. */
static void
json_depth_error(JsonCursor *cur, const char *pos)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("JSON nesting too deep in response from service"),
			 errdetail("Nesting exceeds %d levels at byte %zu.",
					   REST_JSON_MAX_DEPTH, (size_t) (pos - cur->buf)),
			 RestRequestErrcontext(NULL, cur->url, -1, 1)));
}

/* Report a response that is valid JSON but not a page (or not one object). */
static void
json_shape_error(JsonCursor *cur, const char *pos, bool page)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
			 errmsg("unexpected JSON shape in response from service"),
			 page ?
			 errdetail("Expected a JSON array of objects, or an object with a \"results\" array.") :
			 errdetail("Expected a JSON object, or an array holding exactly one object."),
			 RestRequestErrcontext(NULL, cur->url, -1, 1)));
}

/*
 * Report a row that is not an object; pos is where the row starts.  If the
 * row is not even valid JSON, that is what is reported.
 */
static void
json_row_shape_error(JsonCursor *cur, const char *pos, int depth)
{
	const char *found;
	RestJsonValue v;

	cur->p = pos;
	scan_value(cur, &v, depth - 1);

	switch (*pos)
	{
		case '[':
			found = "an array";
			break;
		case '"':
			found = "a string";
			break;
		case 't':
		case 'f':
			found = "a boolean";
			break;
		case 'n':
			found = "null";
			break;
		case '-':
		case '0':
		case '1':
		case '2':
		case '3':
		case '4':
		case '5':
		case '6':
		case '7':
		case '8':
		case '9':
			found = "a number";
			break;
		default:
			json_syntax_error(cur, pos, "Unexpected character at byte %zu.");
	}
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
			 errmsg("unexpected JSON shape in response from service"),
			 errdetail("Expected a JSON object for each row, found %s at byte %zu.",
					   found, (size_t) (pos - cur->buf)),
			 RestRequestErrcontext(NULL, cur->url, -1, 1)));
}

/*
 * ---------------------------------------------------------------------
 * The scanner
 *
 * Each function takes the position of the first byte of what it scans and
 * returns the position just after it.  The text ends with a NUL byte,
 * which no loop accepts, so the loops need no bounds checks; a NUL before
 * the end is reported like any other unexpected byte.
 * ---------------------------------------------------------------------
 */

/* Value of a hex digit, or -1. */
static inline int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Scan a string (p at its opening quote), validating escapes. */
static inline const char *
scan_string(JsonCursor *cur, const char *p, RestJsonValue *v)
{
	const unsigned char *s = (const unsigned char *) p + 1;
	bool		escaped = false;

	for (;;)
	{
		while (!string_special[*s])
			s++;
		if (*s == '"')
			break;
		if (*s == '\\')
		{
			escaped = true;
			switch (s[1])
			{
				case '"':
				case '\\':
				case '/':
				case 'b':
				case 'f':
				case 'n':
				case 'r':
				case 't':
					s += 2;
					break;
				case 'u':
					if (hex_value(s[2]) < 0 || hex_value(s[3]) < 0 ||
						hex_value(s[4]) < 0 || hex_value(s[5]) < 0)
						json_syntax_error(cur, (const char *) s,
										  "Invalid Unicode escape at byte %zu.");
					s += 6;
					break;
				default:
					json_syntax_error(cur, (const char *) s,
									  "Invalid escape sequence at byte %zu.");
			}
			continue;
		}
		json_syntax_error(cur, (const char *) s,
						  "Control character in string at byte %zu.");
	}
	v->kind = REST_JSON_STRING;
	v->start = p + 1;
	v->len = (const char *) s - (p + 1);
	v->escaped = escaped;
	return (const char *) s + 1;
}

/* Scan a number, following RFC 8259's grammar exactly. */
static inline const char *
scan_number(JsonCursor *cur, const char *p, RestJsonValue *v)
{
	const char *start = p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
	{
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	else
		json_syntax_error(cur, p, "Invalid number at byte %zu.");
	if (*p == '.')
	{
		p++;
		if (!(*p >= '0' && *p <= '9'))
			json_syntax_error(cur, p, "Invalid number at byte %zu.");
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E')
	{
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			json_syntax_error(cur, p, "Invalid number at byte %zu.");
		while (*p >= '0' && *p <= '9')
			p++;
	}
	/* catch "01", "1.2.3", "12ab" here, for a clearer message */
	if ((*p >= '0' && *p <= '9') || *p == '.' ||
		(*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
		json_syntax_error(cur, start, "Invalid number at byte %zu.");
	v->kind = REST_JSON_NUMBER;
	v->start = start;
	v->len = p - start;
	v->escaped = false;
	return p;
}

/* Scan true, false or null (p at its first letter). */
static inline const char *
scan_literal(JsonCursor *cur, const char *p, RestJsonValue *v)
{
	const char *start = p;

	if (p[0] == 't' && p[1] == 'r' && p[2] == 'u' && p[3] == 'e')
	{
		v->kind = REST_JSON_TRUE;
		p += 4;
	}
	else if (p[0] == 'f' && p[1] == 'a' && p[2] == 'l' && p[3] == 's' &&
			 p[4] == 'e')
	{
		v->kind = REST_JSON_FALSE;
		p += 5;
	}
	else if (p[0] == 'n' && p[1] == 'u' && p[2] == 'l' && p[3] == 'l')
	{
		v->kind = REST_JSON_NULL;
		p += 4;
	}
	else
		json_syntax_error(cur, start, "Invalid literal at byte %zu.");
	if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		(*p >= '0' && *p <= '9'))
		json_syntax_error(cur, start, "Invalid literal at byte %zu.");
	v->start = start;
	v->len = p - start;
	v->escaped = false;
	return p;
}

/* Scan a string, number or literal; anything else is an error. */
static inline const char *
scan_scalar(JsonCursor *cur, const char *p, RestJsonValue *v)
{
	switch (*p)
	{
		case '"':
			return scan_string(cur, p, v);
		case '-':
		case '0':
		case '1':
		case '2':
		case '3':
		case '4':
		case '5':
		case '6':
		case '7':
		case '8':
		case '9':
			return scan_number(cur, p, v);
		case 't':
		case 'f':
		case 'n':
			return scan_literal(cur, p, v);
		default:
			json_syntax_error(cur, p, "Unexpected character at byte %zu.");
	}
}

/*
 * Scan any value (cur->p at its first byte), leaving cur->p after it.
 * depth is the nesting of the container holding the value.
 */
static inline void
scan_value(JsonCursor *cur, RestJsonValue *v, int depth)
{
	const char *p = cur->p;

	if (*p == '{' || *p == '[')
	{
		v->kind = (*p == '{') ? REST_JSON_OBJECT : REST_JSON_ARRAY;
		v->start = p;
		v->escaped = false;
		json_skip_container(cur, depth + 1);
		v->len = cur->p - p;
	}
	else
		cur->p = scan_scalar(cur, p, v);
}

/* scan_value, for the conversions of json.c. */
void
RestJsonScanValue(JsonCursor *cur, RestJsonValue *v, int depth)
{
	scan_value(cur, v, depth);
}

/* Scan a member name and its colon; return the position of the value. */
static inline const char *
scan_member_name(JsonCursor *cur, const char *p, RestJsonValue *key)
{
	if (*p != '"')
		json_syntax_error(cur, p, "Expected a member name at byte %zu.");
	p = skip_ws(scan_string(cur, p, key));
	if (*p != ':')
		json_syntax_error(cur, p, "Expected \":\" at byte %zu.");
	return skip_ws(p + 1);
}

/*
 * Skip an object or array (cur->p at its bracket), validating it.  depth
 * is its own nesting.  The walk keeps its own stack of open containers, so
 * deep nesting costs no C stack.
 */
static void
json_skip_container(JsonCursor *cur, int depth)
{
	char		stack[REST_JSON_MAX_DEPTH + 1];
	int			sp = 0;
	const char *p = cur->p;
	RestJsonValue scratch;

	for (;;)
	{
		/* p is at the start of a value */
		if (*p == '{' || *p == '[')
		{
			char		close = (*p == '{') ? '}' : ']';

			if (depth + sp > REST_JSON_MAX_DEPTH)
				json_depth_error(cur, p);
			stack[sp++] = close;
			p = skip_ws(p + 1);
			if (*p != close)
			{
				if (close == '}')
					p = scan_member_name(cur, p, &scratch);
				continue;
			}
			p++;
			sp--;
		}
		else
			p = scan_scalar(cur, p, &scratch);

		/* after a value: close finished containers, find the next value */
		for (;;)
		{
			if (sp == 0)
			{
				cur->p = p;
				return;
			}
			p = skip_ws(p);
			if (*p == ',')
			{
				p = skip_ws(p + 1);
				if (stack[sp - 1] == '}')
					p = scan_member_name(cur, p, &scratch);
				break;
			}
			if (*p != stack[sp - 1])
				json_syntax_error(cur, p, stack[sp - 1] == '}' ?
								  "Expected \",\" or \"}\" at byte %zu." :
								  "Expected \",\" or \"]\" at byte %zu.");
			p++;
			sp--;
		}
	}
}

/*
 * Verify that a response is UTF-8.  NUL bytes are left for the scanner,
 * which reports them as misplaced.
 */
static void
verify_utf8(const char *buf, size_t len, const char *url)
{
	const char *p = buf;
	const char *end = buf + len;

	while (p < end)
	{
		size_t		remaining = end - p;
		int			chunk = (remaining > REST_UTF8_CHUNK) ?
			REST_UTF8_CHUNK : (int) remaining;
		int			valid = pg_encoding_verifymbstr(PG_UTF8, p, chunk);

		p += valid;
		if (valid == chunk)
			continue;
		if (*p == '\0')
		{
			p++;
			continue;
		}
		/* a character cut by the chunk's end is verified with the next */
		if ((size_t) chunk < remaining &&
			chunk - valid < MAX_MULTIBYTE_CHAR_LEN)
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("invalid UTF-8 in response from service"),
				 errdetail("Invalid byte sequence at byte %zu.",
						   (size_t) (p - buf)),
				 RestRequestErrcontext(NULL, url, -1, 1)));
	}
}


/*
 * ---------------------------------------------------------------------
 * Unescaping
 * ---------------------------------------------------------------------
 */

/* Read the four hex digits of a \u escape (s at the backslash). */
static inline pg_wchar
read_u_escape(const char *s)
{
	return (hex_value(s[2]) << 12) | (hex_value(s[3]) << 8) |
		(hex_value(s[4]) << 4) | hex_value(s[5]);
}

/* Report an escape that cannot become text. */
static void
unicode_escape_error(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
			 errmsg("unsupported Unicode escape sequence"),
			 errdetail_internal("%s", detail)));
}

/*
 * Unescape a string's contents (already validated by scan_string) into
 * dst, which has room for len + 1 bytes, and NUL-terminate it.  Returns
 * the length, or -1 if an escape cannot become text and !strict (when
 * strict, that is an error).
 */
ssize_t
RestJsonUnescape(char *dst, const char *src, size_t len, bool strict)
{
	const char *s = src;
	const char *end = src + len;
	char	   *d = dst;

	while (s < end)
	{
		const char *bs = memchr(s, '\\', end - s);

		if (bs == NULL)
			bs = end;
		memcpy(d, s, bs - s);
		d += bs - s;
		s = bs;
		if (s >= end)
			break;
		switch (s[1])
		{
			case 'b':
				*d++ = '\b';
				break;
			case 'f':
				*d++ = '\f';
				break;
			case 'n':
				*d++ = '\n';
				break;
			case 'r':
				*d++ = '\r';
				break;
			case 't':
				*d++ = '\t';
				break;
			case 'u':
				{
					pg_wchar	c = read_u_escape(s);

					if (c >= 0xD800 && c <= 0xDBFF)
					{
						pg_wchar	lo = 0;

						if (s + 12 <= end && s[6] == '\\' && s[7] == 'u')
							lo = read_u_escape(s + 6);
						if (lo < 0xDC00 || lo > 0xDFFF)
						{
							if (!strict)
								return -1;
							unicode_escape_error("Unicode low surrogate must follow a high surrogate.");
						}
						c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
						s += 6;
					}
					else if (c >= 0xDC00 && c <= 0xDFFF)
					{
						if (!strict)
							return -1;
						unicode_escape_error("Unicode low surrogate must follow a high surrogate.");
					}
					else if (c == 0)
					{
						if (!strict)
							return -1;
						unicode_escape_error("\\u0000 cannot be converted to text.");
					}
					unicode_to_utf8(c, (unsigned char *) d);
					d += pg_utf_mblen((unsigned char *) d);
					s += 6;
					continue;
				}
			default:
				/* \" \\ \/ */
				*d++ = s[1];
				break;
		}
		s += 2;
	}
	*d = '\0';
	return d - dst;
}


/*
 * ---------------------------------------------------------------------
 * Column preparation and member matching
 * ---------------------------------------------------------------------
 */

/* Append an int to a palloc'd array. */
static void
append_int(int **array, int *n, int value)
{
	if (*n == 0)
		*array = palloc(sizeof(int));
	else
		*array = repalloc(*array, (*n + 1) * sizeof(int));
	(*array)[(*n)++] = value;
}

/*
 * The array index a JSON Pointer segment denotes (RFC 6901: "0", or digits
 * without a leading zero), or -1.  "-", the element after the last one,
 * never exists in a response.  An index too large for any array a page
 * could hold is also -1.
 */
static int64
segment_index(const char *name)
{
	int64		index = 0;
	size_t		len = strlen(name);

	if (len == 0 || len > 18 || (name[0] == '0' && len > 1))
		return -1;
	for (const char *p = name; *p; p++)
	{
		if (*p < '0' || *p > '9')
			return -1;
		index = index * 10 + (*p - '0');
	}
	return index;
}

/* Add a node to a level's array-index list, keeping it in index order. */
static void
level_add_indexed(RestFieldLevel *level, RestFieldNode *node)
{
	int			i;

	if (level->nindexed == 0)
		level->indexed = palloc(sizeof(RestFieldNode *));
	else
		level->indexed = repalloc(level->indexed, (level->nindexed + 1) *
								  sizeof(RestFieldNode *));
	for (i = level->nindexed;
		 i > 0 && level->indexed[i - 1]->index > node->index; i--)
		level->indexed[i] = level->indexed[i - 1];
	level->indexed[i] = node;
	level->nindexed++;
}

/* Find or add the node for a member name in a level. */
static RestFieldNode *
level_node(RestFieldLevel *level, const char *name)
{
	size_t		namelen = strlen(name);
	RestFieldNode *node;

	for (int i = 0; i < level->nnodes; i++)
	{
		node = level->nodes[i];
		if (node->namelen == namelen && memcmp(node->name, name, namelen) == 0)
			return node;
	}
	node = palloc0(sizeof(RestFieldNode));
	node->name = pstrdup(name);
	node->namelen = namelen;
	node->index = segment_index(name);
	if (level->nnodes == 0)
		level->nodes = palloc(sizeof(RestFieldNode *));
	else
		level->nodes = repalloc(level->nodes,
								(level->nnodes + 1) * sizeof(RestFieldNode *));
	level->nodes[level->nnodes++] = node;
	if (node->index >= 0)
		level_add_indexed(level, node);
	return node;
}

/* A column's member name or pointer segment in UTF-8. */
static char *
name_to_utf8(const char *name)
{
	return pg_server_to_any(name, strlen(name), PG_UTF8);
}

/* Add a column's path to the matcher. */
void
RestJsonPlanAddColumn(RestJsonPlan *plan, RestColumn *col, int index)
{
	RestFieldLevel *level = &plan->root;

	if (col->npointer > 0)
	{
		for (int s = 0; s < col->npointer; s++)
		{
			RestFieldNode *node;

			node = level_node(level, name_to_utf8(col->pointer[s]));

			if (s == col->npointer - 1)
				append_int(&node->columns, &node->ncolumns, index);
			else
			{
				append_int(&node->below, &node->nbelow, index);
				level = &node->children;
			}
		}
	}
	else
	{
		const char *field = col->field ? col->field : col->attname;
		RestFieldNode *node = level_node(level, name_to_utf8(field));

		append_int(&node->columns, &node->ncolumns, index);
	}
}

/* Find the node for a member name; NULL if no column wants it. */
static inline RestFieldNode *
match_member(RestFieldLevel *level, const RestJsonValue *key)
{
	const char *name = key->start;
	size_t		namelen = key->len;
	int			n = level->nnodes;
	int			i = level->hint;
	char	   *unescaped = NULL;

	if (unlikely(key->escaped))
	{
		ssize_t		ulen;

		unescaped = palloc(namelen + 1);
		ulen = RestJsonUnescape(unescaped, name, namelen, false);
		if (ulen < 0)
		{
			pfree(unescaped);
			return NULL;		/* no column has such a name */
		}
		name = unescaped;
		namelen = ulen;
	}

	/* members usually come in the same order as last time: start there */
	for (int k = 0; k < n; k++)
	{
		RestFieldNode *node = level->nodes[i];

		if (++i == n)
			i = 0;
		if (node->namelen == namelen &&
			(namelen == 0 || (node->name[0] == name[0] &&
							  memcmp(node->name, name, namelen) == 0)))
		{
			level->hint = i;
			if (unescaped)
				pfree(unescaped);
			return node;
		}
	}
	if (unescaped)
		pfree(unescaped);
	return NULL;
}

/* Store a member's value in the columns that want it. */
static pg_attribute_always_inline void
capture_member(JsonCursor *cur, RestFieldNode *node, RestJsonValue *values,
			   int depth)
{
	RestJsonValue v;

	if (node->children.nnodes > 0)
	{
		/* a duplicate member replaces everything found in the previous one */
		for (int i = 0; i < node->nbelow; i++)
			values[node->below[i]].kind = REST_JSON_MISSING;
		if (*cur->p == '{')
		{
			v.kind = REST_JSON_OBJECT;
			v.start = cur->p;
			v.escaped = false;
			parse_object(cur, &node->children, values, depth + 1);
			v.len = cur->p - v.start;
		}
		else if (*cur->p == '[' && node->children.nindexed > 0)
		{
			v.kind = REST_JSON_ARRAY;
			v.start = cur->p;
			v.escaped = false;
			parse_array(cur, &node->children, values, depth + 1);
			v.len = cur->p - v.start;
		}
		else
			scan_value(cur, &v, depth);
	}
	else
		scan_value(cur, &v, depth);

	for (int i = 0; i < node->ncolumns; i++)
		values[node->columns[i]] = v;
}

/*
 * After a member or an element: skip a comma and return false, or the
 * closing bracket and return true; anything else is an error.
 */
static inline bool
container_end(JsonCursor *cur, char close)
{
	cur->p = skip_ws(cur->p);
	if (*cur->p == ',')
	{
		cur->p = skip_ws(cur->p + 1);
		return false;
	}
	if (*cur->p != close)
		json_syntax_error(cur, cur->p, close == '}' ?
						  "Expected \",\" or \"}\" at byte %zu." :
						  "Expected \",\" or \"]\" at byte %zu.");
	cur->p++;
	return true;
}

/*
 * Parse an object (cur->p at its brace), storing the members a level of
 * the matcher wants and validating the others.  depth is its nesting.
 */
static void
parse_object(JsonCursor *cur, RestFieldLevel *level, RestJsonValue *values,
			 int depth)
{
	RestJsonValue key;

	if (depth > REST_JSON_MAX_DEPTH)
		json_depth_error(cur, cur->p);
	check_stack_depth();

	cur->p = skip_ws(cur->p + 1);
	if (*cur->p == '}')
	{
		cur->p++;
		return;
	}
	for (;;)
	{
		RestFieldNode *node;

		cur->p = scan_member_name(cur, cur->p, &key);
		node = (level->nnodes > 0) ? match_member(level, &key) : NULL;
		if (node)
			capture_member(cur, node, values, depth);
		else if (*cur->p == '{' || *cur->p == '[')
			json_skip_container(cur, depth + 1);
		else
			cur->p = scan_scalar(cur, cur->p, &key);

		if (container_end(cur, '}'))
			return;
	}
}

/*
 * Parse an array (cur->p at its bracket), storing the elements whose index
 * a level of the matcher names and validating the others.  depth is its
 * nesting.
 */
static void
parse_array(JsonCursor *cur, RestFieldLevel *level, RestJsonValue *values,
			int depth)
{
	int64		index = 0;
	int			next = 0;		/* next wanted entry of level->indexed */

	if (depth > REST_JSON_MAX_DEPTH)
		json_depth_error(cur, cur->p);
	check_stack_depth();

	cur->p = skip_ws(cur->p + 1);
	if (*cur->p == ']')
	{
		cur->p++;
		return;
	}
	for (;; index++)
	{
		if (next < level->nindexed && level->indexed[next]->index == index)
			capture_member(cur, level->indexed[next++], values, depth);
		else if (*cur->p == '{' || *cur->p == '[')
			json_skip_container(cur, depth + 1);
		else
		{
			RestJsonValue v;

			cur->p = scan_scalar(cur, cur->p, &v);
		}

		if (container_end(cur, ']'))
			return;
	}
}

/* Mark every column's value as missing. */
static inline void
reset_values(RestTable *table, RestJsonValue *values)
{
	for (int i = 0; i < table->ncolumns; i++)
	{
		values[i].kind = REST_JSON_MISSING;
		values[i].start = NULL;
		values[i].len = 0;
		values[i].escaped = false;
	}
}


/*
 * ---------------------------------------------------------------------
 * Pages
 * ---------------------------------------------------------------------
 */

/* Does a member name (maybe escaped) equal name? */
static bool
key_equals(const RestJsonValue *key, const char *name)
{
	size_t		namelen = strlen(name);
	bool		result;
	char	   *unescaped;
	ssize_t		ulen;

	if (!key->escaped)
		return key->len == namelen && memcmp(key->start, name, namelen) == 0;
	unescaped = palloc(key->len + 1);
	ulen = RestJsonUnescape(unescaped, key->start, key->len, false);
	result = (ulen == (ssize_t) namelen &&
			  memcmp(unescaped, name, namelen) == 0);
	pfree(unescaped);
	return result;
}

/* Is this member name one of names (a NULL-terminated list)? */
static bool
key_in(const RestJsonValue *key, const char *const *names)
{
	for (; names != NULL && *names != NULL; names++)
		if (key_equals(key, *names))
			return true;
	return false;
}

/*
 * The value at the rest of a JSON Pointer ("/a/b", or "" for the value
 * itself) inside a value already scanned (and so validated); MISSING if
 * there is none.  Pointers of a dialect have no "~" escapes.
 */
static RestJsonValue
value_at(const RestJsonValue *value, const char *rest)
{
	RestJsonValue none = {REST_JSON_MISSING, NULL, 0, false};
	JsonCursor	cur;
	const char *end;
	char	   *segment;

	if (*rest == '\0')
		return *value;
	if (value->kind != REST_JSON_OBJECT)
		return none;
	end = strchr(rest + 1, '/');
	if (end == NULL)
		end = rest + strlen(rest);
	segment = pnstrdup(rest + 1, end - (rest + 1));

	cur.buf = value->start;
	cur.end = value->start + value->len;
	cur.url = NULL;
	cur.p = skip_ws(value->start + 1);
	while (*cur.p == '"')
	{
		RestJsonValue key;
		RestJsonValue v;

		cur.p = scan_member_name(&cur, cur.p, &key);
		scan_value(&cur, &v, 1);
		if (key_equals(&key, segment))
			return value_at(&v, end);
		cur.p = skip_ws(cur.p);
		if (*cur.p == ',')
			cur.p = skip_ws(cur.p + 1);
	}
	return none;
}

/*
 * Record the member key with value v of an envelope if it is, or holds,
 * one of paths (JSON Pointers, "/member/..."): the last match wins.
 */
static void
record_path(RestJsonValue *target, const RestJsonValue *key,
			const RestJsonValue *v, const char *const *paths)
{
	for (; paths != NULL && *paths != NULL; paths++)
	{
		const char *first = *paths + 1;
		const char *end = strchr(first, '/');
		char	   *segment;
		RestJsonValue found;

		if (end == NULL)
			end = first + strlen(first);
		segment = pnstrdup(first, end - first);
		if (!key_equals(key, segment))
			continue;
		found = value_at(v, end);
		if (found.kind != REST_JSON_MISSING)
			*target = found;
	}
}

/*
 * Walk the members of an envelope.  after_value says whether cur->p is
 * just after a member's value (rather than at the first member).  With
 * want_rows, stops just inside the rows array and returns true; otherwise,
 * or if there is no rows array, stops after the closing brace and returns
 * false.  The members at the dialect's next and total paths are recorded
 * on the way.
 */
static bool
walk_envelope(RestPageReader *reader, JsonCursor *cur, bool after_value,
			  bool want_rows)
{
	const RestPageShape *shape = &reader->table->dialect->page;
	RestJsonValue key;
	RestJsonValue v;

	for (;;)
	{
		if (after_value)
		{
			cur->p = skip_ws(cur->p);
			if (*cur->p == '}')
			{
				cur->p++;
				return false;
			}
			if (*cur->p != ',')
				json_syntax_error(cur, cur->p, "Expected \",\" or \"}\" at byte %zu.");
			cur->p = skip_ws(cur->p + 1);
		}
		after_value = true;

		cur->p = scan_member_name(cur, cur->p, &key);
		if (want_rows && *cur->p == '[' && key_in(&key, shape->rows_members))
		{
			cur->p++;
			return true;
		}
		scan_value(cur, &v, 1);
		/* any kind is recorded: the caller judges */
		record_path(&reader->next, &key, &v, shape->next_paths);
		record_path(&reader->count, &key, &v, shape->total_paths);
	}
}

/*
 * Where a response's JSON text starts: after whitespace, and after a
 * byte order mark, which RFC 8259 allows a parser to ignore.
 */
static const char *
text_start(const char *buf)
{
	if ((unsigned char) buf[0] == 0xEF && (unsigned char) buf[1] == 0xBB &&
		(unsigned char) buf[2] == 0xBF)
		buf += 3;
	return skip_ws(buf);
}

/* Check that only whitespace follows the top-level value. */
static void
check_trailer(JsonCursor *cur)
{
	cur->p = skip_ws(cur->p);
	if (cur->p != cur->end)
		json_syntax_error(cur, cur->p,
						  "Unexpected data after the JSON value at byte %zu.");
}

/*
 * Start reading a page: a bare array of row objects, or an envelope object
 * holding one.  Members of the envelope before the rows array are read
 * now, the ones after it once the last row is read.
 */
void
RestPageBegin(RestPageReader *reader, RestTable *table, const char *url,
			  const char *buf, size_t len)
{
	JsonCursor	cur;
	RestJsonValue none = {REST_JSON_MISSING, NULL, 0, false};

	reader->buf = buf;
	reader->len = len;
	reader->table = table;
	reader->url = url;
	reader->envelope = false;
	reader->done = false;
	reader->next = none;
	reader->count = none;
	reader->state = READER_FIRST_ROW;

	verify_utf8(buf, len, url);

	cur.buf = buf;
	cur.end = buf + len;
	cur.url = url;
	cur.p = text_start(buf);

	if (*cur.p == '[')
		cur.p++;
	else if (*cur.p == '{')
	{
		const char *start = cur.p;

		reader->envelope = true;
		cur.p = skip_ws(cur.p + 1);
		if (*cur.p == '}' || !walk_envelope(reader, &cur, false, true))
			json_shape_error(&cur, start, true);
	}
	else
	{
		RestJsonValue v;

		/* report bad JSON as such, good JSON as the wrong shape */
		cur.p = scan_scalar(&cur, cur.p, &v);
		json_shape_error(&cur, text_start(buf), true);
	}
	reader->pos = cur.p;
}

/*
 * Read the next row of a page into values (one per column).  Returns false
 * once the rows array is exhausted, after reading the rest of the page.
 */
bool
RestPageNextRow(RestPageReader *reader, RestJsonValue *values)
{
	JsonCursor	cur;
	RestJsonPlan *plan;
	int			depth = reader->envelope ? 3 : 2;

	/* a reader never begun (zeroed) has no rows */
	if (reader->done || reader->buf == NULL)
		return false;

	cur.buf = reader->buf;
	cur.end = reader->buf + reader->len;
	cur.url = reader->url;
	cur.p = skip_ws(reader->pos);

	if (*cur.p == ']')
	{
		/* end of rows: read the rest of the envelope, then the end */
		cur.p++;
		if (reader->envelope)
			(void) walk_envelope(reader, &cur, true, false);
		check_trailer(&cur);
		reader->pos = cur.p;
		reader->state = READER_DONE;
		reader->done = true;
		return false;
	}
	if (reader->state == READER_AFTER_ROW)
	{
		if (*cur.p != ',')
			json_syntax_error(&cur, cur.p, "Expected \",\" or \"]\" at byte %zu.");
		cur.p = skip_ws(cur.p + 1);
	}
	if (*cur.p != '{')
		json_row_shape_error(&cur, cur.p, depth);

	plan = RestJsonTablePlan(reader->table);
	reset_values(reader->table, values);
	parse_object(&cur, &plan->root, values, depth);

	reader->pos = cur.p;
	reader->state = READER_AFTER_ROW;
	return true;
}

/*
 * Parse the row of a response {"<member>": {row}, ...}, the member being
 * the dialect's object_member (cur->p at the '{').
 */
static void
parse_enveloped_object(RestTable *table, JsonCursor *cur,
					   RestFieldLevel *level, RestJsonValue *values)
{
	const char *member = table->dialect->page.object_member;
	const char *start = cur->p;
	bool		found = false;

	cur->p = skip_ws(cur->p + 1);
	while (*cur->p != '}')
	{
		RestJsonValue key;
		RestJsonValue v;

		cur->p = scan_member_name(cur, cur->p, &key);
		if (!found && *cur->p == '{' && key_equals(&key, member))
		{
			parse_object(cur, level, values, 2);
			found = true;
		}
		else
			scan_value(cur, &v, 1);
		cur->p = skip_ws(cur->p);
		if (*cur->p == ',')
			cur->p = skip_ws(cur->p + 1);
		else if (*cur->p != '}')
			json_syntax_error(cur, cur->p,
							  "Expected \",\" or \"}\" at byte %zu.");
	}
	cur->p++;
	if (!found)
		json_shape_error(cur, start, false);
}

/*
 * Parse a response holding a single object (or an array holding exactly
 * one object, or the dialect's envelope of one) into values, one per
 * column.
 */
void
RestParseObject(RestTable *table, const char *url, const char *buf,
				size_t len, RestJsonValue *values)
{
	JsonCursor	cur;
	RestJsonPlan *plan = RestJsonTablePlan(table);
	const char *start;
	RestJsonValue v;

	verify_utf8(buf, len, url);

	cur.buf = buf;
	cur.end = buf + len;
	cur.url = url;
	cur.p = start = text_start(buf);

	reset_values(table, values);
	if (*cur.p == '{' && table->dialect->page.object_member != NULL)
		parse_enveloped_object(table, &cur, &plan->root, values);
	else if (*cur.p == '{')
		parse_object(&cur, &plan->root, values, 1);
	else if (*cur.p == '[')
	{
		cur.p = skip_ws(cur.p + 1);
		if (*cur.p != '{')
		{
			/* validate, then complain about the shape */
			cur.p = start;
			scan_value(&cur, &v, 0);
			json_shape_error(&cur, start, false);
		}
		parse_object(&cur, &plan->root, values, 2);
		cur.p = skip_ws(cur.p);
		if (*cur.p != ']')
		{
			cur.p = start;
			scan_value(&cur, &v, 0);
			json_shape_error(&cur, start, false);
		}
		cur.p++;
	}
	else
	{
		cur.p = scan_scalar(&cur, cur.p, &v);
		json_shape_error(&cur, start, false);
	}
	check_trailer(&cur);
}

