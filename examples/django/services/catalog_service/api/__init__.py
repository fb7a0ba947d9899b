"""The catalog service's API app: its models, token check and request counting."""
