/*-------------------------------------------------------------------------
 *
 * openapi.c
 *		  The schemas of an OpenAPI document, for IMPORT FOREIGN SCHEMA:
 *		  local $refs, the properties of object schemas, and the SQL type
 *		  of a value's schema.
 *
 * import.c finds the collections of a document and writes their commands;
 * what a schema says is read here, and by the dialects that map row
 * schemas themselves (RestImportProperties, RestImportType, ...).
 *
 * - A row's properties are merged from the schema's own, its $ref and
 *   allOf parts, and the union of its oneOf/anyOf branches (required only
 *   where every branch requires them).
 * - A value's type comes from type and format (integer int32 is integer,
 *   string date-time timestamptz, a string's maxLength varchar(n),
 *   drf-spectacular's decimal pattern numeric(p,s), ...); objects, arrays
 *   and values of several types are jsonb; nullable, a null branch or a
 *   "null" type make it nullable.
 * - Only local $refs ("#/...") are followed.  A $ref cycle the walk would
 *   have to follow forever is an error; a recursive schema reached only
 *   through properties or items is not walked (it is a jsonb column).  The
 *   walk is bounded in depth and in the $refs it expands, and checks for
 *   interrupts at each, so that no document makes the import run away.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "import_internal.h"

/*
 * Bounds of the walk through $refs: a document whose $refs share
 * sub-schemas is walked once per path to each, which grows exponentially
 * with the depth of the sharing.
 */
#define REST_MAX_REF_DEPTH		64
#define REST_MAX_REF_EXPANSIONS	100000

/* Longest varchar(n) generated from maxLength (PostgreSQL's own limit). */
#define REST_MAX_VARCHAR		10485760

static json_t *unwrap(OpenApiDoc *doc, json_t *schema);
static bool is_null_schema(OpenApiDoc *doc, json_t *schema);
static void add_property(RowSchema *row, const char *name, json_t *schema);
static bool combinator_type(OpenApiDoc *doc, json_t *schema,
							SchemaType *type);
static const char *declared_type(json_t *schema, SchemaType *type,
								 bool *several);
static const char *scalar_type(const char *type_name, json_t *schema);
static const char *decimal_type(json_t *schema);
static void absorb_flags(json_t *schema, SchemaType *type);
static bool is_annotation(json_t *schema);
static json_t *push_ref(OpenApiDoc *doc, const char *ref);
static void pop_ref(OpenApiDoc *doc);
static json_t *resolve_ref(OpenApiDoc *doc, const char *ref);

/*
 * array_items
 *		The items schema of an array schema, or NULL if not an array.
 */
json_t *
RestSchemaArrayItems(OpenApiDoc *doc, json_t *schema)
{
	json_t	   *type;
	json_t	   *items;
	bool		is_array = false;
	size_t		i;

	schema = unwrap(doc, schema);
	items = json_object_get(schema, "items");
	type = json_object_get(schema, "type");

	if (json_is_string(type))
		is_array = strcmp(json_string_value(type), "array") == 0;
	else if (json_is_array(type))
	{
		for (i = 0; i < json_array_size(type); i++)
			if (strcmp(json_string_value(json_array_get(type, i)) ?
					   json_string_value(json_array_get(type, i)) : "",
					   "array") == 0)
				is_array = true;
	}
	else
		is_array = (items != NULL);

	return (is_array && items != NULL) ? items : NULL;
}

/*
 * unwrap
 *		Follow $refs, single-schema allOf and nullable unions down to the
 *		schema that says what a value is.
 */
static json_t *
unwrap(OpenApiDoc *doc, json_t *schema)
{
	int			depth = list_length(doc->ref_stack);

	for (;;)
	{
		const char *ref = json_string_value(json_object_get(schema, "$ref"));
		json_t	   *next = NULL;
		int			i;

		if (ref != NULL)
		{
			schema = push_ref(doc, ref);
			continue;
		}
		if (json_object_get(schema, "type") != NULL ||
			json_object_get(schema, "properties") != NULL)
			break;
		for (i = 0; i < 3 && next == NULL; i++)
		{
			static const char *const kw[] = {"allOf", "anyOf", "oneOf"};
			json_t	   *branches = json_object_get(schema, kw[i]);
			size_t		j;
			int			count = 0;
			json_t	   *only = NULL;

			for (j = 0; j < json_array_size(branches); j++)
			{
				json_t	   *branch = json_array_get(branches, j);

				if (is_annotation(branch) || is_null_schema(doc, branch))
					continue;
				count++;
				only = branch;
			}
			if (count == 1)
				next = only;
		}
		if (next == NULL)
			break;
		schema = next;
	}

	/* forget the $refs followed here */
	while (list_length(doc->ref_stack) > depth)
		pop_ref(doc);
	return schema;
}

/*
 * is_null_schema
 *		Does the schema admit only null: type null, enum [null], const null?
 */
static bool
is_null_schema(OpenApiDoc *doc, json_t *schema)
{
	int			depth = list_length(doc->ref_stack);
	json_t	   *type;
	json_t	   *values;
	bool		result = false;
	const char *ref;

	while ((ref = json_string_value(json_object_get(schema, "$ref"))) != NULL)
		schema = push_ref(doc, ref);
	while (list_length(doc->ref_stack) > depth)
		pop_ref(doc);

	type = json_object_get(schema, "type");
	values = json_object_get(schema, "enum");
	if (json_is_string(type))
		result = strcmp(json_string_value(type), "null") == 0;
	else if (json_is_array(type) && json_array_size(type) > 0)
	{
		size_t		i;

		result = true;
		for (i = 0; i < json_array_size(type); i++)
		{
			const char *name = json_string_value(json_array_get(type, i));

			if (name == NULL || strcmp(name, "null") != 0)
				result = false;
		}
	}
	else if (json_is_array(values) && json_array_size(values) > 0)
	{
		size_t		i;

		result = true;
		for (i = 0; i < json_array_size(values); i++)
			if (!json_is_null(json_array_get(values, i)))
				result = false;
	}
	else if (json_object_get(schema, "const") != NULL)
		result = json_is_null(json_object_get(schema, "const"));
	return result;
}

/*
 * RestImportPropertyFields
 *		A column for each property of a row schema, named like it: what is
 *		imported without the dialect's import_columns.
 */
List *
RestImportPropertyFields(RestImport *doc, json_t *row_schema)
{
	List	   *fields = NIL;
	ListCell   *lc;

	foreach(lc, RestImportProperties(doc, row_schema))
	{
		RowProperty *prop = (RowProperty *) lfirst(lc);

		fields = lappend(fields,
						 RestImportMakeField(prop->name, prop->name, NULL,
											 prop->schema, prop->required));
	}
	return fields;
}

/*
 * RestImportMakeField
 *		A column to import: its name, its option "field", the name
 *		parameters give it (NULL: field), its value's schema, whether every
 *		row has it.
 */
RestImportField *
RestImportMakeField(const char *name, const char *field, const char *member,
					json_t *schema, bool required)
{
	RestImportField *f = palloc0(sizeof(RestImportField));

	f->name = name;
	f->field = field;
	f->member = member;
	f->schema = schema;
	f->required = required;
	return f;
}

/*
 * RestImportProperties
 *		The properties of an object schema (List of RestImportProperty *),
 *		merged from its $ref, allOf, oneOf and anyOf parts, each marked
 *		required where the schema requires it; NIL if it has none.
 */
List *
RestImportProperties(RestImport *doc, json_t *schema)
{
	RowSchema	row = {0};
	ListCell   *lc;
	ListCell   *lc2;

	RestSchemaMergeRow(doc, schema, &row);
	foreach(lc, row.required)
	{
		foreach(lc2, row.props)
		{
			RowProperty *prop = (RowProperty *) lfirst(lc2);

			if (strcmp(prop->name, (char *) lfirst(lc)) == 0)
				prop->required = true;
		}
	}
	return row.props;
}

/*
 * RestImportArrayItems
 *		The items schema of an array schema, or NULL if it is no array.
 */
json_t *
RestImportArrayItems(RestImport *doc, json_t *schema)
{
	return RestSchemaArrayItems(doc, schema);
}

/*
 * RestImportType
 *		The SQL type of a value of this schema.
 */
const char *
RestImportType(RestImport *doc, json_t *schema)
{
	SchemaType	type = {0};

	RestSchemaType(doc, schema, &type);
	return type.sqltype;
}

/*
 * merge_row
 *		Collect the properties of an object schema: its own, those of its
 *		$ref and allOf parts, and the union of its oneOf/anyOf branches
 *		(required only where every branch requires them).
 */
void
RestSchemaMergeRow(OpenApiDoc *doc, json_t *schema, RowSchema *row)
{
	static const char *const unions[] = {"anyOf", "oneOf"};
	const char *ref;
	json_t	   *parts;
	json_t	   *props;
	json_t	   *required;
	const char *name;
	json_t	   *value;
	size_t		i;
	size_t		u;

	check_stack_depth();
	if (!json_is_object(schema))
		return;

	if ((ref = json_string_value(json_object_get(schema, "$ref"))) != NULL)
	{
		RestSchemaMergeRow(doc, push_ref(doc, ref), row);
		pop_ref(doc);
	}

	parts = json_object_get(schema, "allOf");
	for (i = 0; i < json_array_size(parts); i++)
		RestSchemaMergeRow(doc, json_array_get(parts, i), row);

	for (u = 0; u < lengthof(unions); u++)
	{
		List	   *common = NIL;
		bool		first = true;

		parts = json_object_get(schema, unions[u]);
		for (i = 0; i < json_array_size(parts); i++)
		{
			RowSchema	branch = {0};
			ListCell   *lc;
			List	   *kept = NIL;

			if (is_null_schema(doc, json_array_get(parts, i)))
				continue;
			RestSchemaMergeRow(doc, json_array_get(parts, i), &branch);
			foreach(lc, branch.props)
			{
				RowProperty *prop = (RowProperty *) lfirst(lc);

				add_property(row, prop->name, prop->schema);
			}
			/* required in every branch so far */
			foreach(lc, branch.required)
			{
				char	   *req = (char *) lfirst(lc);
				ListCell   *lc2;
				bool		found = first;

				foreach(lc2, common)
					if (strcmp((char *) lfirst(lc2), req) == 0)
						found = true;
				if (found)
					kept = lappend(kept, req);
			}
			common = kept;
			first = false;
		}
		row->required = list_concat(row->required, common);
	}

	props = json_object_get(schema, "properties");
	json_object_foreach(props, name, value)
		add_property(row, name, value);

	required = json_object_get(schema, "required");
	for (i = 0; i < json_array_size(required); i++)
	{
		const char *req = json_string_value(json_array_get(required, i));

		if (req != NULL)
			row->required = lappend(row->required, pstrdup(req));
	}
}

/*
 * add_property
 *		Add a property to a row, or give a known one its later schema.
 */
static void
add_property(RowSchema *row, const char *name, json_t *schema)
{
	ListCell   *lc;
	RowProperty *prop;

	foreach(lc, row->props)
	{
		prop = (RowProperty *) lfirst(lc);
		if (strcmp(prop->name, name) == 0)
		{
			/* a bare annotation does not replace what says the type */
			if (!is_annotation(schema))
				prop->schema = schema;
			return;
		}
	}
	prop = palloc0(sizeof(RowProperty));
	prop->name = name;
	prop->schema = schema;
	row->props = lappend(row->props, prop);
}

/*
 * schema_type
 *		Map a property's schema to an SQL type, and collect whether its
 *		value may be null, is read-only or write-only.
 */
void
RestSchemaType(OpenApiDoc *doc, json_t *schema, SchemaType *type)
{
	const char *ref;
	const char *type_name;
	bool		several = false;
	json_t	   *values;

	check_stack_depth();
	if (json_is_boolean(schema))
	{
		type->sqltype = "jsonb";	/* true: any value */
		return;
	}
	if (!json_is_object(schema))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("malformed OpenAPI document"),
				 errdetail("A schema is neither an object nor a boolean.")));

	absorb_flags(schema, type);

	if ((ref = json_string_value(json_object_get(schema, "$ref"))) != NULL)
	{
		RestSchemaType(doc, push_ref(doc, ref), type);
		pop_ref(doc);
		return;
	}

	type_name = declared_type(schema, type, &several);
	if (several)
	{
		type->sqltype = "jsonb";
		return;
	}

	values = json_object_get(schema, "enum");
	if (json_is_array(values))
	{
		size_t		i;

		for (i = 0; i < json_array_size(values); i++)
			if (json_is_null(json_array_get(values, i)))
				type->nullable = true;
		if (type_name == NULL || strcmp(type_name, "string") == 0)
		{
			type->sqltype = "text";
			return;
		}
	}

	if (type_name == NULL)
	{
		if (!combinator_type(doc, schema, type))
			type->sqltype = "jsonb";	/* any value, or an untyped object */
		return;
	}
	type->sqltype = scalar_type(type_name, schema);
}

/*
 * combinator_type
 *		The type of an allOf, anyOf or oneOf schema: that of its one
 *		meaningful branch, the common type of its branches, or jsonb.
 *		Null branches make the value nullable.  False if there is none.
 */
static bool
combinator_type(OpenApiDoc *doc, json_t *schema, SchemaType *type)
{
	static const char *const keywords[] = {"allOf", "anyOf", "oneOf"};
	size_t		k;

	for (k = 0; k < lengthof(keywords); k++)
	{
		json_t	   *branches = json_object_get(schema, keywords[k]);
		List	   *kept = NIL;
		const char *common = NULL;
		bool		differ = false;
		size_t		i;
		ListCell   *lc;

		if (json_array_size(branches) == 0)
			continue;

		for (i = 0; i < json_array_size(branches); i++)
		{
			json_t	   *branch = json_array_get(branches, i);

			if (k == 0 && is_annotation(branch))
				absorb_flags(branch, type);
			else if (k > 0 && is_null_schema(doc, branch))
				type->nullable = true;
			else
				kept = lappend(kept, branch);
		}

		if (list_length(kept) == 1)
		{
			RestSchemaType(doc, (json_t *) linitial(kept), type);
			return true;
		}
		foreach(lc, kept)
		{
			SchemaType	branch_type = {0};

			RestSchemaType(doc, (json_t *) lfirst(lc), &branch_type);
			if (common != NULL && strcmp(common, branch_type.sqltype) != 0)
				differ = true;
			common = branch_type.sqltype;
			type->nullable |= (k > 0 && branch_type.nullable);
			type->read_only |= branch_type.read_only;
			type->write_only |= branch_type.write_only;
		}
		type->sqltype = (common == NULL || differ) ? "jsonb" : common;
		return true;
	}
	return false;
}

/*
 * declared_type
 *		The schema's "type": a name, or NULL if absent; a "null" member of
 *		a type array (3.1) makes the value nullable; *several is set if the
 *		array names more than one other type.
 */
static const char *
declared_type(json_t *schema, SchemaType *type, bool *several)
{
	json_t	   *decl = json_object_get(schema, "type");
	const char *result = NULL;
	size_t		i;

	*several = false;
	if (json_is_string(decl))
		result = json_string_value(decl);
	else if (json_is_array(decl))
	{
		for (i = 0; i < json_array_size(decl); i++)
		{
			const char *name = json_string_value(json_array_get(decl, i));

			if (name == NULL)
				continue;
			if (strcmp(name, "null") == 0)
				type->nullable = true;
			else if (result == NULL)
				result = name;
			else
				*several = true;
		}
	}

	if (result != NULL && strcmp(result, "null") == 0)
	{
		type->nullable = true;
		result = NULL;
	}
	return result;
}

/*
 * scalar_type
 *		The SQL type of a schema with one type name.
 */
static const char *
scalar_type(const char *type_name, json_t *schema)
{
	const char *format = json_string_value(json_object_get(schema, "format"));
	json_t	   *max_length = json_object_get(schema, "maxLength");

	if (format == NULL)
		format = "";

	if (strcmp(type_name, "integer") == 0)
	{
		if (strcmp(format, "int32") == 0)
			return "integer";
		return "bigint";		/* int64, or no format */
	}
	if (strcmp(type_name, "number") == 0)
	{
		if (strcmp(format, "float") == 0)
			return "real";
		if (strcmp(format, "double") == 0)
			return "double precision";
		if (strcmp(format, "int32") == 0)
			return "integer";
		if (strcmp(format, "int64") == 0)
			return "bigint";
		return "numeric";
	}
	if (strcmp(type_name, "boolean") == 0)
		return "boolean";
	if (strcmp(type_name, "string") == 0)
	{
		if (strcmp(format, "date") == 0)
			return "date";
		if (strcmp(format, "date-time") == 0)
			return "timestamptz";
		if (strcmp(format, "time") == 0)
			return "time";
		if (strcmp(format, "duration") == 0)
			return "interval";
		if (strcmp(format, "uuid") == 0)
			return "uuid";
		if (strcmp(format, "decimal") == 0)
			return decimal_type(schema);
		/* plain text, email, uri...: a Django CharField's max_length */
		if (json_is_number(max_length) &&
			json_number_value(max_length) >= 1 &&
			json_number_value(max_length) <= REST_MAX_VARCHAR)
			return psprintf("varchar(%d)", (int) json_number_value(max_length));
		return "text";
	}
	/* object, array, or a type name OpenAPI does not define */
	return "jsonb";
}

/*
 * decimal_type
 *		numeric(p,s) from drf-spectacular's pattern for a DecimalField,
 *		^-?\d{0,p-s}(?:\.\d{0,s})?$, else numeric.
 */
static const char *
decimal_type(json_t *schema)
{
	const char *pattern = json_string_value(json_object_get(schema, "pattern"));
	int			digits;
	int			scale;
	int			consumed = 0;

	if (pattern == NULL)
		return "numeric";
	if (sscanf(pattern, "^-?\\d{0,%d}(?:\\.\\d{0,%d})?$%n",
			   &digits, &scale, &consumed) == 2 &&
		consumed == (int) strlen(pattern) &&
		digits >= 0 && scale >= 0 && digits + scale >= 1 &&
		digits + scale <= 1000)
		return psprintf("numeric(%d,%d)", digits + scale, scale);
	consumed = 0;
	if (sscanf(pattern, "^-?\\d{0,%d}$%n", &digits, &consumed) == 1 &&
		consumed == (int) strlen(pattern) &&
		digits >= 1 && digits <= 1000)
		return psprintf("numeric(%d,0)", digits);
	return "numeric";
}

/*
 * absorb_flags
 *		Collect nullable (3.0), readOnly and writeOnly of one schema.
 */
static void
absorb_flags(json_t *schema, SchemaType *type)
{
	if (json_is_true(json_object_get(schema, "nullable")))
		type->nullable = true;
	if (json_is_true(json_object_get(schema, "readOnly")))
		type->read_only = true;
	if (json_is_true(json_object_get(schema, "writeOnly")))
		type->write_only = true;
}

/*
 * is_annotation
 *		Does the schema only annotate (description, nullable, readOnly...),
 *		saying nothing of what a value is?
 */
static bool
is_annotation(json_t *schema)
{
	static const char *const keywords[] = {
		"$ref", "type", "enum", "const", "properties", "items", "allOf",
		"anyOf", "oneOf", "format", "additionalProperties", NULL
	};
	const char *const *kw;

	if (!json_is_object(schema))
		return false;
	for (kw = keywords; *kw; kw++)
		if (json_object_get(schema, *kw) != NULL)
			return false;
	return true;
}

/*
 * push_ref
 *		Resolve a $ref and remember it is being expanded; a $ref already
 *		being expanded is a cycle.
 */
static json_t *
push_ref(OpenApiDoc *doc, const char *ref)
{
	ListCell   *lc;

	CHECK_FOR_INTERRUPTS();
	if (++doc->ref_expansions > REST_MAX_REF_EXPANSIONS ||
		list_length(doc->ref_stack) >= REST_MAX_REF_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("OpenAPI document is too complex to import"),
				 list_length(doc->ref_stack) >= REST_MAX_REF_DEPTH
				 ? errdetail("$refs are nested more than %d deep.",
							 REST_MAX_REF_DEPTH)
				 : errdetail("Importing it would expand more than %d $refs.",
							 REST_MAX_REF_EXPANSIONS),
				 errhint("Import fewer collections with LIMIT TO, or simplify the schemas.")));

	foreach(lc, doc->ref_stack)
	{
		if (strcmp((char *) lfirst(lc), ref) == 0)
		{
			StringInfoData chain;
			ListCell   *lc2;

			initStringInfo(&chain);
			for_each_cell(lc2, doc->ref_stack, lc)
				appendStringInfo(&chain, "%s -> ", (char *) lfirst(lc2));
			appendStringInfoString(&chain, ref);
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("$ref cycle in OpenAPI document"),
					 errdetail("%s", chain.data)));
		}
	}
	doc->ref_stack = lappend(doc->ref_stack, pstrdup(ref));
	return resolve_ref(doc, ref);
}

/*
 * pop_ref
 *		Forget the $ref expanded last.
 */
static void
pop_ref(OpenApiDoc *doc)
{
	doc->ref_stack = list_delete_last(doc->ref_stack);
}

/*
 * resolve_ref
 *		The node a local $ref (a JSON Pointer in a URI fragment) names.
 */
static json_t *
resolve_ref(OpenApiDoc *doc, const char *ref)
{
	json_t	   *node = doc->root;
	const char *p;

	if (ref[0] != '#')
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("$ref \"%s\" refers to another document", ref),
				 errhint("Only references within the document (\"#/...\") are followed; bundle the document into one file first.")));
	if (ref[1] != '\0' && ref[1] != '/')
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("$ref \"%s\" is not a JSON Pointer", ref)));

	for (p = ref + 1; *p == '/'; )
	{
		StringInfoData seg;

		initStringInfo(&seg);
		for (p++; *p && *p != '/'; p++)
		{
			if (p[0] == '~' && (p[1] == '0' || p[1] == '1'))
				appendStringInfoChar(&seg, *++p == '0' ? '~' : '/');
			else if (p[0] == '%' && isxdigit((unsigned char) p[1]) &&
					 isxdigit((unsigned char) p[2]))
			{
				char		hex[3] = {p[1], p[2], '\0'};

				appendStringInfoChar(&seg, (char) strtol(hex, NULL, 16));
				p += 2;
			}
			else
				appendStringInfoChar(&seg, *p);
		}

		if (json_is_object(node))
			node = json_object_get(node, seg.data);
		else if (json_is_array(node) && seg.len > 0 &&
				 strspn(seg.data, "0123456789") == (size_t) seg.len)
			node = json_array_get(node, strtoul(seg.data, NULL, 10));
		else
			node = NULL;
		if (node == NULL)
			break;
	}

	if (node == NULL || *p != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("could not resolve $ref \"%s\" in OpenAPI document",
						ref)));
	return node;
}

/*
 * resolve_object
 *		A node, or what its local $ref names (path items, responses,
 *		parameters).
 */
json_t *
RestSchemaResolve(OpenApiDoc *doc, json_t *node)
{
	int			depth = list_length(doc->ref_stack);
	const char *ref;

	while ((ref = json_string_value(json_object_get(node, "$ref"))) != NULL)
		node = push_ref(doc, ref);
	while (list_length(doc->ref_stack) > depth)
		pop_ref(doc);
	return node;
}
