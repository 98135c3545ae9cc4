"""evalml: evaluate prediction files from the command line."""

__version__ = "0.1.0"

__all__ = ["__version__", "classify", "compare", "density", "regress"]


def __getattr__(name: str):
    """The library API (``evalml_cli.classify`` …), imported on first use: the CLI's start-up
    (``evalml --help``) does not pay for NumPy and pyarrow."""
    if name in ("classify", "regress", "density", "compare"):
        from evalml_cli import api

        return getattr(api, name)
    raise AttributeError(f"module 'evalml_cli' has no attribute {name!r}")
