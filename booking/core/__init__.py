"""Shared plumbing: database types, errors, time zones, access decorators, logging."""
