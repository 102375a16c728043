"""flexloop: social listening that closes the loop into supply-chain action and public replies."""

__version__ = "0.1.0"
