"""Shared HTTP plumbing: middlewares, request parsing, pagination and the OpenAPI registry."""
