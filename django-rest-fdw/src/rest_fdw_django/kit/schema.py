"""drf-spectacular settings for a kit service.

The kit's read path sends every member of every row (null where the field
allows it), but drf-spectacular lists a member as required only when the
serializer field is, so optional fields (an id the client may supply, a
field with a default) look optional in answers too, and rest_fdw_check
cannot tell them from members a service may leave out.  With
COMPONENT_SPLIT_REQUEST the answers have components of their own; this
hook marks every member of those as required:

    SPECTACULAR_SETTINGS = {
        "COMPONENT_SPLIT_REQUEST": True,
        "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                                 "rest_fdw_django.kit.schema.answers_have_every_member"],
    }
"""


def answers_have_every_member(result, generator, request, public):
    """Mark every member of the response components required (drf-spectacular
    postprocessing hook; needs COMPONENT_SPLIT_REQUEST)."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request") or name.startswith("Paginated") or "properties" not in schema:
            continue
        schema["required"] = sorted(schema["properties"])
    return result
