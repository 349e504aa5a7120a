"""Accounts: staff log-in with roles, optional citizen accounts, user administration."""
