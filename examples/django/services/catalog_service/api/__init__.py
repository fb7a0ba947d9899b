"""The catalog service's API app: models, serializers, viewsets."""
