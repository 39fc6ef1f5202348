"""Persistence: tables, engine set-up and migrations. Routes never write SQL; the store does."""
