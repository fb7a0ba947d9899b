"""The service side of the tests: the kit serving svcapp's models."""
