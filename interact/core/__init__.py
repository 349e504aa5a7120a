"""Shared building blocks: clock, working days, sanitising, text normalisation, audit,
sensitive words, uploads, permissions, errors and the CLI."""
