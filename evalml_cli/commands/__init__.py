"""One module per command. Shared options and the run-and-exit logic live in ``_common``."""
