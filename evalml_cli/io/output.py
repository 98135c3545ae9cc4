"""Writing the report and side files (``--output``, ``--pulls``) without clobbering anything.

Rules (README "Output files"):

* a regular file, a symlink to one, or a new path is written **atomically**: a temp file in
  the same directory (the link's target's directory for a symlink, so the link stays a link),
  ``fsync``, then ``os.replace``. A reader never sees half a report; an error leaves the old
  file untouched and no temp file behind.
* any other existing target (a character device such as ``/dev/null`` or ``/dev/stdout``, a
  FIFO) is **written directly**: opened for writing, never replaced, so ``-o /dev/null`` as
  root leaves ``/dev/null`` a device. A socket cannot be opened and is a usage error.
* ``-`` means standard output (the caller prints instead of calling :func:`write_all`).
* a new file gets mode ``0666 & ~umask`` (as the shell's ``>``); an existing file keeps its mode.
* several files are written together: every temp file first, then the renames, so a failure
  leaves none of them behind; SIGTERM during the write is turned into an exception so the
  ``finally`` that removes temp files runs (SIGINT already raises KeyboardInterrupt).

Every problem is an :class:`EvalmlError` naming the option and path.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from pathlib import Path

from evalml_cli.errors import EvalmlError

#: Longest file name (bytes) of a temp file; NAME_MAX is 255 on every common filesystem.
_NAME_MAX = 255


class Terminated(BaseException):
    """SIGTERM arrived while files were being written (raised by the handler)."""


def _what(path: str, option: str) -> str:
    return f"{option} {path}" if option else path


def _abspath(path: str) -> str:
    try:
        return os.path.abspath(path)
    except FileNotFoundError:
        raise EvalmlError(f"cannot resolve {path}: the current directory no longer exists",
                          hint="cd to an existing directory or give an absolute path") from None


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError:
        return None


def is_stream(path: str) -> bool:
    """True for an existing target that is written directly (device, FIFO), not replaced."""
    st = _stat(path)
    return st is not None and not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode)


def check_writable(path: str, option: str = "") -> Path:
    """The directory ``path`` will be written in; EvalmlError if it is missing, not writable,
    or ``path`` is a directory or a socket. Lets a command check every destination before it
    reads or computes anything."""
    what = _what(path, option)
    if path == "":
        raise EvalmlError(f"cannot write {option or 'output'}: the file name is empty")
    st = _stat(path)
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise EvalmlError(f"cannot write {what}: it is a directory", hint="give a file name")
        if stat.S_ISSOCK(st.st_mode):
            raise EvalmlError(f"cannot write {what}: it is a socket", hint="give a file name")
        if not stat.S_ISREG(st.st_mode):
            if not os.access(path, os.W_OK):
                raise EvalmlError(f"cannot write {what}: permission denied")
            return Path(path).parent
    real = os.path.realpath(_abspath(path))
    directory = Path(real).parent
    if not directory.is_dir():
        shown = os.path.dirname(path) or "."
        raise EvalmlError(f"cannot write {what}: directory {shown!r} does not exist",
                          hint="create it first or choose another path")
    if not os.access(directory, os.W_OK | os.X_OK):
        shown = os.path.dirname(path) or "."
        raise EvalmlError(f"cannot write {what}: permission denied in directory {shown!r}")
    return directory


def _same_file(a: str, b: str) -> bool:
    """Same path after resolving links, or the same (device, inode) — hard links too."""
    if os.path.realpath(_abspath(a)) == os.path.realpath(_abspath(b)):
        return True
    sa, sb = _stat(a), _stat(b)
    return sa is not None and sb is not None and (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_destinations(outputs: dict[str, str | None], inputs: dict[str, str | None]) -> None:
    """Refuse, before anything is read, an output that is an input or another output.

    ``outputs`` and ``inputs`` map an option (``--output``, ``FILE``) to a path or None;
    ``-`` (standard input/output) and devices/FIFOs are never compared (writing a report to
    ``/dev/null`` twice is harmless). Then every output directory is checked.
    """
    outs = [(opt, p) for opt, p in outputs.items() if p is not None and p != "-"]
    files = [(opt, p) for opt, p in outs if not is_stream(p)]
    for opt, p in files:
        for in_opt, src in inputs.items():
            if src is None or src == "-":
                continue
            if _same_file(p, src):
                raise EvalmlError(f"{opt} {p} is the input {in_opt} {src}: writing it would destroy the data",
                                  hint=f"give {opt} another file name")
    for i, (opt, p) in enumerate(files):
        for opt2, p2 in files[i + 1:]:
            if _same_file(p, p2):
                raise EvalmlError(f"{opt} and {opt2} both name {p}", hint="give two different files")
    for opt, p in outs:
        check_writable(p, opt)


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _temp_prefix(name: str) -> str:
    """``.NAME.`` with NAME cut so that prefix + 8 random characters + ``.tmp`` fit NAME_MAX."""
    raw = os.fsencode(name)
    room = _NAME_MAX - len(b"..") - 8 - len(b".tmp") - 8  # 8 bytes of slack for mkstemp changes
    if len(raw) > room:
        raw = raw[:room]
        name = os.fsdecode(raw)
        # A cut inside a multi-byte character becomes surrogate escapes: still the same bytes.
    return f".{name}."


@contextlib.contextmanager
def _sigterm_raises():
    """Within the block SIGTERM raises :class:`Terminated` (main thread only)."""
    def handler(signum, frame):  # noqa: ARG001
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _encode(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8")


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _error(path: str, option: str, exc: OSError) -> EvalmlError:
    return EvalmlError(f"cannot write {_what(path, option)}: {exc.strerror or exc}")


def write_all(files: list[tuple[str, str | bytes, str]]) -> None:
    """Write several ``(path, text, option)`` files as one step.

    Regular files and new paths: every temp file is written and fsync'ed first, then all are
    renamed; on any error (or SIGINT/SIGTERM) every temp file is removed and no target has
    changed. Devices and FIFOs are written directly, after the temp files are complete.
    """
    import tempfile

    temps: list[tuple[str, str, str, str]] = []  # (tmp, final, path, option)
    streams: list[tuple[str, bytes, str]] = []
    try:
        with _sigterm_raises():
            for path, text, option in files:
                data = _encode(text)
                if is_stream(path):
                    streams.append((path, data, option))
                    continue
                check_writable(path, option)
                final = os.path.realpath(_abspath(path))
                st = _stat(final)
                mode = stat.S_IMODE(st.st_mode) if st is not None and stat.S_ISREG(st.st_mode) else _new_file_mode()
                directory = os.path.dirname(final)
                try:
                    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(os.path.basename(final)), suffix=".tmp",
                                               dir=directory)
                except OSError as exc:
                    raise _error(path, option, exc) from None
                temps.append((tmp, final, path, option))
                try:
                    os.fchmod(fd, mode)
                    _write_fd(fd, data)
                    os.fsync(fd)
                except OSError as exc:
                    raise _error(path, option, exc) from None
                finally:
                    os.close(fd)
            for path, data, option in streams:
                try:
                    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
                except OSError as exc:
                    raise _error(path, option, exc) from None
                try:
                    _write_fd(fd, data)
                except OSError as exc:
                    raise _error(path, option, exc) from None
                finally:
                    os.close(fd)
            created: list[str] = []  # renamed into a path that did not exist: undone on a later failure
            try:
                for tmp, final, path, option in list(temps):
                    existed = os.path.lexists(final)
                    try:
                        os.replace(tmp, final)
                    except OSError as exc:
                        raise _error(path, option, exc) from None
                    temps.remove((tmp, final, path, option))
                    if not existed:
                        created.append(final)
            except BaseException:
                for final in created:
                    with contextlib.suppress(OSError):
                        os.unlink(final)
                raise
    finally:
        for tmp, *_ in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_atomic(path: str, text: str | bytes, option: str = "") -> None:
    """Write ``text`` to ``path`` by the rules above (atomically for a regular file)."""
    write_all([(path, text, option)])


# ---------------------------------------------------------------------------------------------
# Text for a stream that cannot encode it (PYTHONIOENCODING=ascii, LANG=C with latin-1, …)

_ASCII = {
    "·": "-", "•": "*", "↑": "^", "↓": "v", "≥": ">=", "≤": "<=", "≠": "!=", "≈": "~", "…": "...",
    "χ": "chi", "²": "2", "³": "3", "¹": "1", "σ": "sigma", "Σ": "sum", "√": "sqrt", "‖": "||",
    "ε": "eps", "λ": "lambda", "×": "x", "−": "-", "–": "-", "—": "-", "±": "+/-", "ₖ": "k",
    "ᵢ": "i", "ᵀ": "T", "⁻": "-", "½": "1/2", "‘": "'", "’": "'", "“": '"', "”": '"',
    "\u00a0": " ", "\u202f": " ",
}


def _ascii_table() -> dict[int, str]:
    import unicodedata

    table = {ord(k): v for k, v in _ASCII.items()}
    for cp in range(0x2500, 0x2580):  # box drawing
        name = unicodedata.name(chr(cp), "")
        if "HORIZONTAL" in name and "VERTICAL" not in name and "AND" not in name:
            table[cp] = "-"
        elif "VERTICAL" in name and "HORIZONTAL" not in name and "AND" not in name:
            table[cp] = "|"
        else:
            table[cp] = "+"
    return table


def degrade(text: str, encoding: str | None) -> str:
    """``text`` unchanged if ``encoding`` can hold it, else with ``·``→``-``, ``↑``→``^``,
    ``≥``→``>=``, ``χ²``→``chi2``, ``…``→``...``, box lines → ``-|+``, accents dropped, and
    ``?`` for anything left: never an exception.

    >>> degrade("χ² ≥ 1 · ok…", "ascii")
    'chi2 >= 1 - ok...'
    """
    if not encoding:
        return text
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    except LookupError:
        return text
    import unicodedata

    out = text.translate(_ascii_table())
    try:
        out.encode(encoding)
        return out
    except UnicodeEncodeError:
        pass
    out = "".join(c for c in unicodedata.normalize("NFKD", out) if not unicodedata.combining(c))
    return out.encode(encoding, errors="replace").decode(encoding)
