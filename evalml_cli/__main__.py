"""``python -m evalml_cli`` runs the command line."""

from evalml_cli.cli import main

if __name__ == "__main__":
    main()
