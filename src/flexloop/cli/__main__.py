"""`python -m flexloop.cli` runs the same command as `flexloop`."""

from flexloop.cli.app import main

main()
