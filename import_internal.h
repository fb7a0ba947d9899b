/*-------------------------------------------------------------------------
 *
 * import_internal.h
 *		  What IMPORT FOREIGN SCHEMA's two files share: the state of an import
 *		  (import.c, which reads the document and writes the commands) and
 *		  the walk of its schemas (openapi.c).  No other file sees it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REST_IMPORT_INTERNAL_H
#define REST_IMPORT_INTERNAL_H

#include <jansson.h>

#include "dialect.h"

/*
 * A parsed document and the state of the import, for messages too.
 */
typedef struct RestImport
{
	json_t	   *root;			/* the document */
	const char *url;			/* where it was read, NULL if inline */
	const char *doc_url;		/* what relative server URLs resolve against */
	char	   *base_url;		/* the server's base_url, normalized */
	char	   *api_root;		/* URL the paths are appended to */
	const RestDialectOps *dialect;	/* the server's */
	bool		query_options;	/* declare filters, ordering, pagination */
	ImportForeignSchemaStmt *stmt;	/* for LIMIT TO / EXCEPT */
	List	   *ref_stack;		/* $refs being expanded (char *) */
	int64		ref_expansions; /* $refs expanded so far */
	const char *path;			/* path being imported, for messages */
} OpenApiDoc;

/* The SQL type of a schema, and what the schema says about its values. */
typedef struct SchemaType
{
	const char *sqltype;		/* "bigint", "varchar(200)", ... */
	bool		nullable;		/* null is a valid value */
	bool		read_only;
	bool		write_only;		/* never in responses */
} SchemaType;

/* A property of a row schema. */
typedef RestImportProperty RowProperty;

/* The properties of a row schema, merged from its parts. */
typedef struct RowSchema
{
	List	   *props;			/* RowProperty *, in document order */
	List	   *required;		/* char *, names listed as required */
} RowSchema;

/* openapi.c */
extern json_t *RestSchemaArrayItems(OpenApiDoc *doc, json_t *schema);
extern void RestSchemaMergeRow(OpenApiDoc *doc, json_t *schema,
							   RowSchema *row);
extern void RestSchemaType(OpenApiDoc *doc, json_t *schema, SchemaType *type);
extern json_t *RestSchemaResolve(OpenApiDoc *doc, json_t *node);

#endif							/* REST_IMPORT_INTERNAL_H */
