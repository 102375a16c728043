"""Typer commands: thin wrappers that parse flags, open the store and print."""
