"""The project side of the tests: a monolith's app whose tables move."""
