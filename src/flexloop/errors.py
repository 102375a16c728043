"""Errors that reach the user as one clear line (exit 2), never a traceback."""


class BadInput(Exception):
    """The user's file, flag or data cannot be used; the message says why in one line."""
