"""Connectors: protocols for order systems, 3PLs and platforms, with a deterministic fake per protocol."""
