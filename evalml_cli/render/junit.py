"""JUnit XML for CI dashboards: one test case per gate, a failure element for each failed one.

Layout (the subset of the common JUnit schema that GitHub, GitLab and Jenkins read)::

    <testsuites name="evalml" tests="3" failures="1" errors="0" time="0">
      <testsuite name="test-auc" tests="2" failures="1" errors="0" skipped="0" time="0">
        <testcase classname="test-auc" name="roc_auc&gt;=0.90" time="0"/>
        <testcase classname="test-auc" name="log_loss&lt;=0.35" time="0">
          <failure message="log_loss&lt;=0.35: got 0.3471" type="evalml.gate">value: 0.3471094622867752
    reason: got 0.3471</failure>
        </testcase>
      </testsuite>
    </testsuites>

One ``testsuite`` per evaluation (its ``name`` and every case's ``classname`` are the evaluation
name), one ``testcase`` per requirement (``name`` = the expression); a failure's ``message`` is the
FAILED line without "FAILED " (``EXPRESSION: REASON``), its text the full-precision value and
the reason. Text is escaped by
:mod:`xml.etree.ElementTree`; characters XML 1.0 cannot hold (control characters, lone
surrogates) are written as ``\\xNN`` / ``\\uNNNN`` escapes. ``time`` is always 0: the gates take
no measurable time and a constant keeps the file reproducible.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Sequence

# XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: Any) -> str:
    """``text`` as a string XML 1.0 can hold."""
    s = str(text)

    def esc(m: re.Match) -> str:
        c = ord(m.group())
        return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"

    return _NOT_XML.sub(esc, s)


def _value_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"
    return str(value)


def _short(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        v = float(value)
        return f"{v:.4f}" if v == 0 or 1e-3 <= abs(v) < 1e5 else f"{v:.4g}"
    return str(value)


def render_junit(suites: Iterable[tuple[str, Sequence[Any]]], name: str = "evalml") -> str:
    """JUnit XML for gate outcomes.

    Parameters
    ----------
    suites : (evaluation name, outcomes) pairs; an outcome has ``expression``, ``value``,
        ``passed`` and ``reason`` (:class:`evalml_cli.baseline.Outcome`, or the gates' record).
    name : the ``testsuites`` name.

    Returns
    -------
    str : an XML document (UTF-8 declaration, ending in a newline).

    Examples
    --------
    >>> from evalml_cli.baseline import Outcome
    >>> xml = render_junit([("a", [Outcome("roc_auc>=0.9", 0.95, True, "")])])
    >>> '<testcase classname="a" name="roc_auc&gt;=0.9" time="0" />' in xml
    True
    """
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name=_clean(name))
    total = total_failed = 0
    for suite_name, outcomes in suites:
        outcomes = list(outcomes)
        failed = sum(1 for o in outcomes if not o.passed)
        total += len(outcomes)
        total_failed += failed
        suite = ET.SubElement(root, "testsuite", name=_clean(suite_name), tests=str(len(outcomes)),
                              failures=str(failed), errors="0", skipped="0", time="0")
        for o in outcomes:
            case = ET.SubElement(suite, "testcase", classname=_clean(suite_name), name=_clean(o.expression), time="0")
            if not o.passed:
                message = f"{o.expression}: {o.reason or 'got ' + _short(o.value)}"
                failure = ET.SubElement(case, "failure", message=_clean(message), type="evalml.gate")
                failure.text = _clean(f"value: {_value_text(o.value)}\nreason: {o.reason or 'requirement not met'}")
    root.set("tests", str(total))
    root.set("failures", str(total_failed))
    root.set("errors", "0")
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
