"""The benchmark's Django REST framework service (one app, one model)."""
