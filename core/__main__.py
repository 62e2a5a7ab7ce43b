"""``python -m jubao`` runs the command line, for environments where the console script is not on PATH."""

from jubao.cli.main import main

main()
