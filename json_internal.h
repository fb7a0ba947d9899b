/*-------------------------------------------------------------------------
 *
 * json_internal.h
 *		  What the page reader (jsonscan.c) and the conversions (json.c)
 *		  share: the member matcher, the cursor of the scanner, the
 *		  per-table state RestPrepareColumns makes, and the direct
 *		  conversions of convert.c.  No other file sees it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REST_JSON_INTERNAL_H
#define REST_JSON_INTERNAL_H

#include "rest_fdw.h"

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

/* A position in a JSON text, and what error messages need. */
typedef struct JsonCursor
{
	const char *buf;			/* start of the text, for offsets */
	const char *end;			/* end of the text; *end == '\0' */
	const char *p;				/* current position */
	const char *url;			/* request, for messages */
} JsonCursor;

/* Skip JSON whitespace. */
static inline const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	return p;
}

/* jsonscan.c */
extern void RestJsonScanValue(JsonCursor *cur, RestJsonValue *v, int depth);
extern ssize_t RestJsonUnescape(char *dst, const char *src, size_t len,
								bool strict);
extern void RestJsonPlanAddColumn(RestJsonPlan *plan, RestColumn *col,
								  int index);

/*
 * A direct conversion of a value to a column type (convert.c): true and
 * the datum the type's input function would make, or false to leave the
 * value to the input function.
 */
typedef bool (*RestConverter) (const RestJsonValue *value, int32 typmod,
							   Datum *result);

/* convert.c */
extern RestConverter RestChooseConverter(Oid typid, int32 typmod,
										 bool convert_encoding);

/* json.c */
extern RestJsonPlan *RestJsonTablePlan(RestTable *table);

#endif							/* REST_JSON_INTERNAL_H */
