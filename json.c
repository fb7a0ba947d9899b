/*-------------------------------------------------------------------------
 *
 * json.c
 *		  JSON page reader and JSON <-> datum conversions for rest_fdw
 *
 * A REST service answers a scan with pages of rows.  A page can be large
 * and holds many rows, of which the wrapper wants only the members mapped
 * to columns, so the page is not turned into a tree: a small pull scanner
 * walks the response buffer in place, validating every byte on the way
 * (malformed JSON is an error wherever it is, even in members nobody asked
 * for), and reports each wanted member as a span of the buffer.  Member
 * names are matched against a little tree of column names and JSON Pointer
 * segments, built once per scan by RestPrepareColumns; a pointer segment
 * that is an array index (RFC 6901: "0", "1", ..., no leading zeros) also
 * selects that element of an array.  Arrays are walked element by element
 * only on a pointer's path; everywhere else they are skipped.
 *
 * The spans are then converted to datums with the column type's own input
 * function, so that numbers keep their exact text and every type's usual
 * rules (typmods, domains, ...) apply.  The way back, building request
 * bodies for INSERT and UPDATE, writes each value with the type's own
 * output, so that numbers keep their exact digits there too.
 *
 * The response is expected to be UTF-8, as RFC 8259 requires.  Text given
 * to input functions is converted to the database encoding when that is
 * not UTF-8; text sent to the service is converted to UTF-8.
 *
 * Functions that report errors about a response take its URL.  It is used
 * only in messages, as "GET <url>"; a caller whose request used another
 * method may pass "<METHOD> <url>", which is printed as is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <float.h>
#include <math.h>

#include "dialect.h"

#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

/* Deepest nesting of JSON arrays and objects accepted in a response. */
#define REST_JSON_MAX_DEPTH		1000

/*
 * Values longer than this are converted in a fresh buffer rather than the
 * reusable scratch buffer, so that one huge value does not keep a huge
 * buffer alive for the whole scan.
 */
#define REST_SCRATCH_LIMIT		65536

/* UTF-8 is verified in chunks that fit pg_encoding_verifymbstr's int. */
#define REST_UTF8_CHUNK			(1 << 30)

/* What kind of conversion a column needs. */
typedef enum RestTypeCategory
{
	REST_CAT_JSON,				/* json or jsonb: raw JSON text */
	REST_CAT_ARRAY,				/* array: built from a JSON array */
	REST_CAT_BOOL,				/* boolean category */
	REST_CAT_NUMBER,			/* numeric category */
	REST_CAT_TEXT,				/* string category */
	REST_CAT_OTHER				/* anything else */
} RestTypeCategory;

/*
 * The member-name matcher.  Each level is the set of member names wanted
 * in one object; a node maps a name to the columns whose value it is, and,
 * for JSON Pointers going deeper, to the names wanted inside it.  When the
 * value holding a level is an array rather than an object, the nodes whose
 * name is an array index select elements instead; they are also kept in
 * index order, so that an array is matched in one pass.
 */
typedef struct RestFieldNode RestFieldNode;

typedef struct RestFieldLevel
{
	RestFieldNode **nodes;
	int			nnodes;
	int			hint;			/* where the next lookup starts */
	RestFieldNode **indexed;	/* nodes named by an array index, by index */
	int			nindexed;
} RestFieldLevel;

struct RestFieldNode
{
	char	   *name;			/* member name, UTF-8 */
	size_t		namelen;
	int64		index;			/* array index the name denotes, or -1 */
	int		   *columns;		/* columns whose value is this member */
	int			ncolumns;
	int		   *below;			/* columns whose value is inside it */
	int			nbelow;
	RestFieldLevel children;	/* names wanted inside it */
};

/* State shared by all columns of a table during one scan or modify. */
typedef struct RestJsonPlan
{
	RestFieldLevel root;		/* names wanted in a row object */
	StringInfoData scratch;		/* reusable buffer for value text */
	bool		convert;		/* database encoding is not UTF-8 */
} RestJsonPlan;

/* Per-column conversion state (RestColumn.io). */
typedef struct RestColumnIO
{
	RestJsonPlan *plan;			/* shared by all columns of the table */
	RestTypeCategory category;
	Oid			base_typid;		/* the type, or a domain's base type */
	bool		is_domain;
	/* reading */
	FmgrInfo	in_func;
	Oid			typioparam;
	/* writing */
	FmgrInfo	out_func;
	/* arrays */
	Oid			elem_typid;
	int16		elem_typlen;
	bool		elem_typbyval;
	char		elem_typalign;
	bool		elem_is_json;	/* elements are json or jsonb */
	FmgrInfo	elem_in_func;
	Oid			elem_typioparam;
	void	   *domain_extra;	/* domain_check's cache */
	MemoryContext cxt;			/* where this lives */
} RestColumnIO;

/* A position in a JSON text, and what error messages need. */
typedef struct JsonCursor
{
	const char *buf;			/* start of the text, for offsets */
	const char *end;			/* end of the text; *end == '\0' */
	const char *p;				/* current position */
	const char *url;			/* request, for messages */
} JsonCursor;

/* States of a RestPageReader. */
#define READER_FIRST_ROW	0	/* just after the rows array's '[' */
#define READER_AFTER_ROW	1	/* just after a row */
#define READER_DONE			2	/* page fully parsed */

/* What the error context callbacks print. */
typedef struct ConversionErrorInfo
{
	RestTable  *table;
	RestColumn *col;
	const char *url;			/* NULL when building a request */
} ConversionErrorInfo;

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

/* Used when a table has no column to read. */
static RestJsonPlan empty_plan;

static pg_noreturn void json_syntax_error(JsonCursor *cur, const char *pos,
										  const char *detail);
static pg_noreturn void json_depth_error(JsonCursor *cur, const char *pos);
static pg_noreturn void json_shape_error(JsonCursor *cur, const char *pos,
										 bool page);
static pg_noreturn void json_row_shape_error(JsonCursor *cur, const char *pos,
											 int depth);
static inline void scan_value(JsonCursor *cur, RestJsonValue *v, int depth);
static pg_noreturn void json_mismatch_error(RestColumn *col,
											const char *what);
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

/* "GET " unless the URL starts with a method, as in "PATCH http://..." */
static const char *
request_prefix(const char *url)
{
	const char *p = url;

	if (url == NULL)
		return "";
	while (*p >= 'A' && *p <= 'Z')
		p++;
	if (p > url && *p == ' ')
		return "";
	return "GET ";
}

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
			 errcontext("remote request %s%s", request_prefix(cur->url),
						cur->url ? cur->url : "")));
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
			 errcontext("remote request %s%s", request_prefix(cur->url),
						cur->url ? cur->url : "")));
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
			 errcontext("remote request %s%s", request_prefix(cur->url),
						cur->url ? cur->url : "")));
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
			 errcontext("remote request %s%s", request_prefix(cur->url),
						cur->url ? cur->url : "")));
}

/* Report a JSON value that cannot be stored in a column of its type. */
static void
json_mismatch_error(RestColumn *col, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("cannot store %s in column \"%s\" of type %s",
					what, col->attname,
					format_type_with_typemod(col->typid, col->typmod))));
}

/* Error context while converting a member to a column, or a column to JSON. */
static void
conversion_error_callback(void *arg)
{
	ConversionErrorInfo *info = (ConversionErrorInfo *) arg;

	if (info->url)
		errcontext("column \"%s\" of foreign table \"%s\", response to %s%s",
				   info->col->attname, info->table->relname,
				   request_prefix(info->url), info->url);
	else
		errcontext("column \"%s\" of foreign table \"%s\"",
				   info->col->attname, info->table->relname);
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

/* Skip JSON whitespace. */
static inline const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	return p;
}

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
				 errcontext("remote request %s%s", request_prefix(url),
							url ? url : "")));
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
static ssize_t
json_unescape(char *dst, const char *src, size_t len, bool strict)
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
static void
plan_add_column(RestJsonPlan *plan, RestColumn *col, int index)
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

/* Look up what a column's type needs for conversions both ways. */
static void
prepare_type_io(RestColumnIO *io, Oid typid)
{
	Oid			func;
	bool		isvarlena;
	Oid			elem;

	io->base_typid = getBaseType(typid);
	io->is_domain = (io->base_typid != typid);
	getTypeInputInfo(typid, &func, &io->typioparam);
	fmgr_info(func, &io->in_func);
	getTypeOutputInfo(typid, &func, &isvarlena);
	fmgr_info(func, &io->out_func);

	if (io->base_typid == JSONOID || io->base_typid == JSONBOID)
		io->category = REST_CAT_JSON;
	else if ((elem = get_element_type(io->base_typid)) != InvalidOid)
	{
		Oid			elem_base = getBaseType(elem);

		io->category = REST_CAT_ARRAY;
		io->elem_typid = elem;
		io->elem_is_json = (elem_base == JSONOID || elem_base == JSONBOID);
		get_typlenbyvalalign(elem, &io->elem_typlen, &io->elem_typbyval,
							 &io->elem_typalign);
		getTypeInputInfo(elem, &func, &io->elem_typioparam);
		fmgr_info(func, &io->elem_in_func);
	}
	else
	{
		char		category;
		bool		preferred;

		get_type_category_preferred(io->base_typid, &category, &preferred);
		switch (category)
		{
			case TYPCATEGORY_BOOLEAN:
				io->category = REST_CAT_BOOL;
				break;
			case TYPCATEGORY_NUMERIC:
				io->category = REST_CAT_NUMBER;
				break;
			case TYPCATEGORY_STRING:
				io->category = REST_CAT_TEXT;
				break;
			default:
				io->category = REST_CAT_OTHER;
				break;
		}
	}
}

/*
 * Prepare every column of a table for conversions: type I/O functions and
 * the member-name matcher.  Everything lives in CurrentMemoryContext.
 */
void
RestPrepareColumns(RestTable *table)
{
	RestJsonPlan *plan = palloc0(sizeof(RestJsonPlan));

	plan->convert = (GetDatabaseEncoding() != PG_UTF8);
	initStringInfo(&plan->scratch);

	for (int i = 0; i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];
		RestColumnIO *io;

		if (col->dropped)
		{
			col->io = NULL;
			continue;
		}
		io = palloc0(sizeof(RestColumnIO));
		io->plan = plan;
		io->cxt = CurrentMemoryContext;
		prepare_type_io(io, col->typid);
		plan_add_column(plan, col, i);
		col->io = io;
	}
}

/* The table's shared conversion state, preparing the columns if needed. */
static RestJsonPlan *
table_plan(RestTable *table)
{
	for (int i = 0; i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];

		if (col->dropped)
			continue;
		if (col->io == NULL)
		{
			/* not prepared: do it where the table itself lives */
			MemoryContext oldcxt;

			oldcxt = MemoryContextSwitchTo(GetMemoryChunkContext(table));
			RestPrepareColumns(table);
			MemoryContextSwitchTo(oldcxt);
		}
		return col->io->plan;
	}
	return &empty_plan;
}

/* A column's conversion state, preparing the columns if needed. */
static RestColumnIO *
column_io(RestTable *table, RestColumn *col)
{
	if (col->io == NULL)
		(void) table_plan(table);
	Assert(col->io != NULL);
	return col->io;
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
		ulen = json_unescape(unescaped, name, namelen, false);
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
static inline void
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

		cur->p = skip_ws(cur->p);
		if (*cur->p == ',')
			cur->p = skip_ws(cur->p + 1);
		else if (*cur->p == '}')
		{
			cur->p++;
			return;
		}
		else
			json_syntax_error(cur, cur->p, "Expected \",\" or \"}\" at byte %zu.");
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

		cur->p = skip_ws(cur->p);
		if (*cur->p == ',')
			cur->p = skip_ws(cur->p + 1);
		else if (*cur->p == ']')
		{
			cur->p++;
			return;
		}
		else
			json_syntax_error(cur, cur->p, "Expected \",\" or \"]\" at byte %zu.");
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
	ulen = json_unescape(unescaped, key->start, key->len, false);
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

	plan = table_plan(reader->table);
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
	RestJsonPlan *plan = table_plan(table);
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


/*
 * ---------------------------------------------------------------------
 * JSON to datums
 * ---------------------------------------------------------------------
 */

/*
 * Text of a value, NUL-terminated, in the server encoding: a string's
 * unescaped contents (unless raw), or the JSON text of the value.  Short
 * results are written to the plan's scratch buffer, which the next call
 * reuses; the caller must be done with the text by then.
 */
static char *
value_cstring(RestJsonPlan *plan, const RestJsonValue *value, bool raw)
{
	const char *src = value->start;
	size_t		srclen = value->len;
	char	   *dst;
	size_t		dstlen;

	if (value->kind == REST_JSON_STRING && raw)
	{
		src--;
		srclen += 2;
	}
	if (srclen < REST_SCRATCH_LIMIT)
	{
		resetStringInfo(&plan->scratch);
		enlargeStringInfo(&plan->scratch, srclen + 1);
		dst = plan->scratch.data;
	}
	else
		dst = palloc(srclen + 1);

	if (value->kind == REST_JSON_STRING && !raw && value->escaped)
		dstlen = json_unescape(dst, src, srclen, true);
	else
	{
		memcpy(dst, src, srclen);
		dst[srclen] = '\0';
		dstlen = srclen;
	}

	if (plan->convert)
		dst = pg_any_to_server(dst, dstlen, PG_UTF8);
	return dst;
}

/* Call a column's input function on a value's text. */
static inline Datum
input_value(RestColumnIO *io, RestColumn *col, const RestJsonValue *value,
			bool raw)
{
	char	   *text = value_cstring(io->plan, value, raw);

	return InputFunctionCall(&io->in_func, text, io->typioparam, col->typmod);
}

/* Build a one-dimensional array from a JSON array of scalars. */
static Datum
json_array_to_datum(RestColumnIO *io, RestColumn *col,
					const RestJsonValue *value)
{
	JsonCursor	cur;
	Datum	   *elems;
	bool	   *nulls;
	int			n = 0;
	int			cap = 16;
	int			dims[1];
	int			lbs[1];
	Datum		result;

	/* the array was validated when it was scanned */
	cur.buf = value->start;
	cur.end = value->start + value->len;
	cur.url = NULL;
	cur.p = skip_ws(value->start + 1);

	if (*cur.p == ']')
		result = PointerGetDatum(construct_empty_array(io->elem_typid));
	else
	{
		elems = palloc(cap * sizeof(Datum));
		nulls = palloc(cap * sizeof(bool));
		for (;;)
		{
			RestJsonValue ev;

			scan_value(&cur, &ev, 0);
			if (n == cap)
			{
				cap *= 2;
				elems = repalloc(elems, cap * sizeof(Datum));
				nulls = repalloc(nulls, cap * sizeof(bool));
			}
			if (ev.kind == REST_JSON_NULL)
			{
				elems[n] = (Datum) 0;
				nulls[n] = true;
			}
			else
			{
				char	   *text;

				if (!io->elem_is_json &&
					(ev.kind == REST_JSON_OBJECT || ev.kind == REST_JSON_ARRAY))
					json_mismatch_error(col, ev.kind == REST_JSON_OBJECT ?
										"a JSON array holding an object" :
										"a nested JSON array");
				text = value_cstring(io->plan, &ev, io->elem_is_json);
				elems[n] = InputFunctionCall(&io->elem_in_func, text,
											 io->elem_typioparam, col->typmod);
				nulls[n] = false;
			}
			n++;
			cur.p = skip_ws(cur.p);
			if (*cur.p != ',')
				break;
			cur.p = skip_ws(cur.p + 1);
		}
		dims[0] = n;
		lbs[0] = 1;
		result = PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
													io->elem_typid,
													io->elem_typlen,
													io->elem_typbyval,
													io->elem_typalign));
	}

	if (io->is_domain)
		domain_check(result, false, col->typid, &io->domain_extra, io->cxt);
	return result;
}

/* Convert a non-null value to a column's type. */
static Datum
convert_value(RestColumnIO *io, RestColumn *col, const RestJsonValue *value)
{
	bool		container = (value->kind == REST_JSON_OBJECT ||
							 value->kind == REST_JSON_ARRAY);

	switch (io->category)
	{
		case REST_CAT_JSON:
			return input_value(io, col, value, true);

		case REST_CAT_ARRAY:
			if (value->kind == REST_JSON_ARRAY)
				return json_array_to_datum(io, col, value);
			if (value->kind == REST_JSON_OBJECT)
				json_mismatch_error(col, "a JSON object");
			/* a string like '{1,2}' goes to array_in */
			return input_value(io, col, value, false);

		case REST_CAT_BOOL:
			if (container)
				json_mismatch_error(col, value->kind == REST_JSON_OBJECT ?
									"a JSON object" : "a JSON array");
			if (col->typid == BOOLOID)
			{
				if (value->kind == REST_JSON_TRUE)
					return BoolGetDatum(true);
				if (value->kind == REST_JSON_FALSE)
					return BoolGetDatum(false);
			}
			return input_value(io, col, value, false);

		case REST_CAT_NUMBER:
			if (container)
				json_mismatch_error(col, value->kind == REST_JSON_OBJECT ?
									"a JSON object" : "a JSON array");
			return input_value(io, col, value, false);

		case REST_CAT_TEXT:
			if (col->typid == TEXTOID && !io->plan->convert)
			{
				/* unescape straight into the text datum */
				text	   *result = palloc(VARHDRSZ + value->len + 1);
				size_t		len = value->len;

				if (value->kind == REST_JSON_STRING && value->escaped)
					len = json_unescape(VARDATA(result), value->start,
										value->len, true);
				else
					memcpy(VARDATA(result), value->start, value->len);
				SET_VARSIZE(result, VARHDRSZ + len);
				return PointerGetDatum(result);
			}
			return input_value(io, col, value, false);

		case REST_CAT_OTHER:
			if (value->kind == REST_JSON_ARRAY)
				json_mismatch_error(col, "a JSON array");
			return input_value(io, col, value, false);
	}
	pg_unreachable();
}

/*
 * Convert a member's value to a column's type with the type's input
 * function.  Missing members and JSON nulls are SQL nulls.
 */
Datum
RestJsonToDatum(RestTable *table, RestColumn *col, RestJsonValue *value,
				const char *url, bool *isnull)
{
	ConversionErrorInfo info;
	ErrorContextCallback errcallback;
	Datum		result;

	if (value->kind == REST_JSON_MISSING || value->kind == REST_JSON_NULL)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;

	info.table = table;
	info.col = col;
	info.url = url ? url : "";
	errcallback.callback = conversion_error_callback;
	errcallback.arg = &info;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	result = convert_value(column_io(table, col), col, value);

	error_context_stack = errcallback.previous;
	return result;
}

/*
 * Text of a value, palloc'd, in the server encoding: a string's unescaped
 * contents, or the JSON text of anything else.  NULL if missing.
 */
char *
RestJsonValueText(RestJsonValue *value)
{
	char	   *result;
	size_t		len = value->len;

	if (value->kind == REST_JSON_MISSING)
		return NULL;

	result = palloc(value->len + 1);
	if (value->kind == REST_JSON_STRING && value->escaped)
		len = json_unescape(result, value->start, value->len, true);
	else
	{
		memcpy(result, value->start, value->len);
		result[len] = '\0';
	}
	return pg_any_to_server(result, len, PG_UTF8);
}


/*
 * ---------------------------------------------------------------------
 * Datums to JSON
 *
 * A request body is written as text.  Each value is written on its own:
 * numbers with exactly the digits PostgreSQL prints, json and jsonb values
 * as they are, so that no value passes through a C double on its way.
 * Only the objects of JSON Pointer paths need a tree, a small one of
 * BodyMembers kept in the order of the columns.
 * ---------------------------------------------------------------------
 */

/* A member of a request body being built: a value, or an object. */
typedef struct BodyMember
{
	char	   *name;			/* member name, UTF-8 */
	char	   *json;			/* the value's JSON text; NULL: an object */
	List	   *members;		/* BodyMember of the object, in order */
} BodyMember;

static void datum_to_json(StringInfo buf, RestJsonNumbers numbers,
						  Datum value, bool isnull, Oid typid,
						  FmgrInfo *out_func);

/* Text in the server encoding converted to UTF-8, which it must be. */
static char *
text_to_utf8(const char *text)
{
	char	   *utf8 = pg_server_to_any(text, strlen(text), PG_UTF8);

	/* SQL_ASCII text is not converted, and may hold any bytes */
	if (GetDatabaseEncoding() == PG_SQL_ASCII &&
		!pg_verify_mbstr(PG_UTF8, utf8, strlen(utf8), true))
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("value cannot be sent as JSON"),
				 errdetail("The value is not valid UTF-8.")));
	return utf8;
}

/* Append text (server encoding) as a JSON string. */
static void
append_json_string(StringInfo buf, const char *text)
{
	escape_json(buf, text_to_utf8(text));
}

/* Report a float or numeric that JSON cannot represent. */
static void
non_finite_error(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot convert NaN or infinity to a JSON number")));
}

/*
 * json-server keeps numbers as JavaScript numbers (doubles) and writes
 * them back in their shortest form: refuse a number that would not come
 * back with the value sent.
 */
static void
check_javascript_number(const char *digits)
{
	double		d;
	char		shortest[DOUBLE_SHORTEST_DECIMAL_LEN];
	int			ndigits = 0;

	/* up to DBL_DIG significant digits come back unchanged */
	for (const char *p = digits; *p; p++)
		if (isdigit((unsigned char) *p))
			ndigits++;
	if (ndigits <= DBL_DIG)
		return;

	d = strtod(digits, NULL);
	if (!isinf(d))
	{
		Datum		sent;
		Datum		kept;

		double_to_shortest_decimal_buf(d, shortest);
		sent = DirectFunctionCall3(numeric_in, CStringGetDatum(digits),
								   ObjectIdGetDatum(InvalidOid),
								   Int32GetDatum(-1));
		kept = DirectFunctionCall3(numeric_in, CStringGetDatum(shortest),
								   ObjectIdGetDatum(InvalidOid),
								   Int32GetDatum(-1));
		if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, sent, kept)) == 0)
			return;
	}
	else
		strlcpy(shortest, "Infinity", sizeof(shortest));
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("value %s cannot be stored exactly by json-server", digits),
			 errdetail("json-server keeps numbers as JavaScript numbers; it would store %s.",
					   shortest)));
}

/*
 * Append a number's digits as a JSON number; for json-server only when it
 * keeps them.
 */
static void
append_json_number(StringInfo buf, RestJsonNumbers numbers,
				   const char *digits)
{
	if (numbers == REST_NUMBERS_DOUBLES)
		check_javascript_number(digits);
	appendStringInfoString(buf, digits);
}

/* Output text of a value, with a given output function or its type's. */
static char *
output_text(Datum value, Oid typid, FmgrInfo *out_func)
{
	Oid			func;
	bool		isvarlena;

	if (out_func)
		return OutputFunctionCall(out_func, value);
	getTypeOutputInfo(typid, &func, &isvarlena);
	return OidOutputFunctionCall(func, value);
}

/* Append the elements of one dimension of an array, recursing. */
static void
array_level_to_json(StringInfo buf, RestJsonNumbers numbers, int ndim,
					int *dims, int level, Datum *elems, bool *nulls,
					int *index, Oid elemtype, FmgrInfo *elem_out)
{
	appendStringInfoChar(buf, '[');
	for (int i = 0; i < dims[level]; i++)
	{
		if (i > 0)
			appendStringInfoChar(buf, ',');
		if (level == ndim - 1)
		{
			datum_to_json(buf, numbers, elems[*index], nulls[*index],
						  elemtype, elem_out);
			(*index)++;
		}
		else
			array_level_to_json(buf, numbers, ndim, dims, level + 1, elems,
								nulls, index, elemtype, elem_out);
	}
	appendStringInfoChar(buf, ']');
}

/* Append an array value as (nested) JSON arrays. */
static void
array_datum_to_json(StringInfo buf, RestJsonNumbers numbers, Datum value)
{
	ArrayType  *array = DatumGetArrayTypeP(value);
	Oid			elemtype = ARR_ELEMTYPE(array);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int			index = 0;
	Oid			func;
	bool		isvarlena;
	FmgrInfo	elem_out;

	check_stack_depth();
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	getTypeOutputInfo(elemtype, &func, &isvarlena);
	fmgr_info(func, &elem_out);
	deconstruct_array(array, elemtype, typlen, typbyval, typalign,
					  &elems, &nulls, &nelems);

	if (ARR_NDIM(array) == 0)
		appendStringInfoString(buf, "[]");
	else
		array_level_to_json(buf, numbers, ARR_NDIM(array), ARR_DIMS(array),
							0, elems, nulls, &index, elemtype, &elem_out);
}

/*
 * Append a datum of type typid as JSON.  out_func, if not NULL, is the
 * type's output function.
 *
 * Numbers are JSON numbers, so that a service compares and sorts them as
 * numbers, except that numeric goes to Django REST framework as a string:
 * its JSON parser reads numbers as floats, while its DecimalField reads
 * (and writes) strings with every digit.
 */
static void
datum_to_json(StringInfo buf, RestJsonNumbers numbers, Datum value,
			  bool isnull, Oid typid, FmgrInfo *out_func)
{
	Oid			base;

	if (isnull)
	{
		appendStringInfoString(buf, "null");
		return;
	}

	base = getBaseType(typid);
	switch (base)
	{
		case BOOLOID:
			appendStringInfoString(buf, DatumGetBool(value) ? "true" : "false");
			break;
		case INT2OID:
			appendStringInfo(buf, "%d", (int) DatumGetInt16(value));
			break;
		case INT4OID:
			appendStringInfo(buf, "%d", (int) DatumGetInt32(value));
			break;
		case INT8OID:
			{
				char		digits[MAXINT8LEN + 1];

				snprintf(digits, sizeof(digits), INT64_FORMAT,
						 DatumGetInt64(value));
				append_json_number(buf, numbers, digits);
				break;
			}
		case FLOAT4OID:
			{
				float4		f = DatumGetFloat4(value);
				char		digits[FLOAT_SHORTEST_DECIMAL_LEN];

				if (isnan(f) || isinf(f))
					non_finite_error();
				float_to_shortest_decimal_buf(f, digits);
				appendStringInfoString(buf, digits);
				break;
			}
		case FLOAT8OID:
			{
				float8		d = DatumGetFloat8(value);
				char		digits[DOUBLE_SHORTEST_DECIMAL_LEN];

				if (isnan(d) || isinf(d))
					non_finite_error();
				double_to_shortest_decimal_buf(d, digits);
				appendStringInfoString(buf, digits);
				break;
			}
		case NUMERICOID:
			{
				Numeric		num = DatumGetNumeric(value);
				char	   *digits;

				if (numeric_is_nan(num) || numeric_is_inf(num))
					non_finite_error();
				digits = DatumGetCString(DirectFunctionCall1(numeric_out,
															 value));
				if (numbers == REST_NUMBERS_DECIMAL_STRINGS)
					append_json_string(buf, digits);
				else
					append_json_number(buf, numbers, digits);
				break;
			}
		case JSONOID:
		case JSONBOID:
			/* valid JSON text already: sent as it is */
			appendStringInfoString(buf,
								   text_to_utf8(output_text(value, typid,
															out_func)));
			break;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			append_json_string(buf, JsonEncodeDateTime(NULL, value, base,
													   NULL));
			break;
		default:
			if (get_element_type(base) != InvalidOid)
				array_datum_to_json(buf, numbers, value);
			else
				append_json_string(buf, output_text(value, typid, out_func));
			break;
	}
}

/* Report two columns writing the same JSON member. */
static void
member_conflict_error(RestColumn *col, const char *segment)
{
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("JSON member \"%s\" of column \"%s\" is already set by another column",
					segment, col->attname)));
}

/* The member named name (UTF-8) of a list of members, or NULL. */
static BodyMember *
find_member(List *members, const char *name)
{
	ListCell   *lc;

	foreach(lc, members)
	{
		BodyMember *member = lfirst(lc);

		if (strcmp(member->name, name) == 0)
			return member;
	}
	return NULL;
}

/*
 * A new member for a column's value, in the object its JSON Pointer path
 * leads to, creating the objects on the way.
 */
static BodyMember *
column_member(List **root, RestColumn *col)
{
	List	  **members = root;
	BodyMember *member;
	const char *last;

	for (int s = 0; s < col->npointer - 1; s++)
	{
		char	   *name = text_to_utf8(col->pointer[s]);

		member = find_member(*members, name);
		if (member == NULL)
		{
			member = palloc0(sizeof(BodyMember));
			member->name = name;
			*members = lappend(*members, member);
		}
		else if (member->json != NULL)
			member_conflict_error(col, col->pointer[s]);
		members = &member->members;
	}

	last = col->npointer > 0 ? col->pointer[col->npointer - 1]
		: (col->field ? col->field : col->attname);
	if (find_member(*members, text_to_utf8(last)) != NULL)
		member_conflict_error(col, last);
	member = palloc0(sizeof(BodyMember));
	member->name = text_to_utf8(last);
	*members = lappend(*members, member);
	return member;
}

/* Append an object of members. */
static void
append_members(StringInfo buf, List *members)
{
	ListCell   *lc;

	appendStringInfoChar(buf, '{');
	foreach(lc, members)
	{
		BodyMember *member = lfirst(lc);

		if (foreach_current_index(lc) > 0)
			appendStringInfoChar(buf, ',');
		escape_json(buf, member->name);
		appendStringInfoChar(buf, ':');
		if (member->json)
			appendStringInfoString(buf, member->json);
		else
			append_members(buf, member->members);
	}
	appendStringInfoChar(buf, '}');
}

/*
 * Build the JSON body of an INSERT or UPDATE: an object with a member for
 * each column to send, nested along JSON Pointer paths.  The result is
 * palloc'd, UTF-8 and NUL-terminated; *len is its length.
 */
char *
RestBuildBody(RestTable *table, TupleDesc tupdesc, Datum *values,
			  bool *isnull, bool *send, size_t *len)
{
	List	   *members = NIL;
	StringInfoData buf;

	for (int i = 0; i < tupdesc->natts && i < table->ncolumns; i++)
	{
		RestColumn *col = &table->columns[i];
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i);
		ConversionErrorInfo info;
		ErrorContextCallback errcallback;
		StringInfoData value;

		if (!send[i] || col->dropped || attr->attisdropped)
			continue;

		info.table = table;
		info.col = col;
		info.url = NULL;
		errcallback.callback = conversion_error_callback;
		errcallback.arg = &info;
		errcallback.previous = error_context_stack;
		error_context_stack = &errcallback;

		initStringInfo(&value);
		datum_to_json(&value, table->dialect->numbers, values[i], isnull[i],
					  attr->atttypid,
					  (col->io && col->typid == attr->atttypid) ?
					  &col->io->out_func : NULL);
		column_member(&members, col)->json = value.data;

		error_context_stack = errcallback.previous;
	}

	initStringInfo(&buf);
	append_members(&buf, members);
	*len = buf.len;
	return buf.data;
}

/*
 * Text of a value for a URL query, palloc'd, in UTF-8 and not yet
 * percent-encoded: the output function's text, except that booleans are
 * "true" or "false", dates and timestamps are in ISO 8601, and floats in
 * the shortest text that reads back as the same number (which the
 * setting extra_float_digits would otherwise change).
 */
char *
RestDatumToUrlValue(Datum value, Oid typid)
{
	Oid			base = getBaseType(typid);
	char	   *text;

	switch (base)
	{
		case BOOLOID:
			text = pstrdup(DatumGetBool(value) ? "true" : "false");
			break;
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			text = JsonEncodeDateTime(NULL, value, base, NULL);
			break;
		case FLOAT4OID:
		case FLOAT8OID:
			{
				/* the shortest exact text, whatever extra_float_digits says */
				double		d = base == FLOAT4OID
					? (double) DatumGetFloat4(value) : DatumGetFloat8(value);

				if (isnan(d))
					text = pstrdup("NaN");
				else if (isinf(d))
					text = pstrdup(d > 0 ? "Infinity" : "-Infinity");
				else
				{
					text = palloc(DOUBLE_SHORTEST_DECIMAL_LEN);
					if (base == FLOAT4OID)
						float_to_shortest_decimal_buf(DatumGetFloat4(value), text);
					else
						double_to_shortest_decimal_buf(d, text);
				}
				break;
			}
		default:
			text = output_text(value, typid, NULL);
			break;
	}
	return pg_server_to_any(text, strlen(text), PG_UTF8);
}
