"""``python -m maillage``: the command line."""

from maillage.cli import main

main()
