"""Accounts: users, profiles, expertise."""
