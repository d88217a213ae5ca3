"""Organisations, teams, people, roles, log-in and API tokens."""
