"""JUnit XML: counts, structure allowed by the common JUnit schema, escaping that survives parsing."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from junitparser import JUnitXml

from evalml_cli.baseline import Outcome
from evalml_cli.render.junit import render_junit

# Elements and attributes of the JUnit schema CI dashboards read (Jenkins' junit-10.xsd, which
# GitLab and the GitHub JUnit actions follow), restricted to what evalml writes.
SCHEMA = {
    "testsuites": ({"name", "time", "tests", "failures", "errors", "disabled"}, {"testsuite"}),
    "testsuite": ({"name", "tests", "failures", "errors", "skipped", "time", "timestamp", "hostname", "id",
                   "package", "disabled"}, {"testcase", "properties", "system-out", "system-err"}),
    "testcase": ({"name", "classname", "time", "assertions", "status"},
                 {"failure", "error", "skipped", "system-out", "system-err"}),
    "failure": ({"message", "type"}, set()),
}
REQUIRED = {"testsuite": {"name", "tests"}, "testcase": {"name"}}


def assert_schema(elem: ET.Element) -> None:
    attrs, children = SCHEMA[elem.tag]
    assert set(elem.attrib) <= attrs, (elem.tag, set(elem.attrib) - attrs)
    assert REQUIRED.get(elem.tag, set()) <= set(elem.attrib), elem.tag
    for key in ("tests", "failures", "errors", "skipped"):
        if key in elem.attrib:
            assert int(elem.attrib[key]) >= 0
    if "time" in elem.attrib:
        float(elem.attrib["time"])
    for child in elem:
        assert child.tag in children, (elem.tag, child.tag)
        assert_schema(child)


SUITES = [
    ("test-auc", [Outcome("roc_auc>=0.90", 0.9501049107142857, True, ""),
                  Outcome("log_loss<=0.30", 0.3471094622867752, False, "")]),
    ("fit", [Outcome("--max-rise chi2_per_ndof=0.1", 0.25, False, "chi2_per_ndof rose by 0.2500 (1.0000 → 1.2500), more than 0.1"),
             Outcome("p_value>=0.05", None, False, "got null (metric is undefined on this data)"),
             Outcome("r2>=0.9", 0.99, True, "")]),
    ("nothing-required", []),
]


def parse(xml: str, tmp_path) -> JUnitXml:
    path = tmp_path / "junit.xml"
    path.write_text(xml, encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def test_counts_per_suite_and_in_total_with_junitparser(tmp_path):
    xml = parse(render_junit(SUITES), tmp_path)
    assert (xml.tests, xml.failures, xml.errors) == (5, 3, 0)
    suites = list(xml)
    assert [(s.name, s.tests, s.failures, s.errors) for s in suites] == [
        ("test-auc", 2, 1, 0), ("fit", 3, 2, 0), ("nothing-required", 0, 0, 0),
    ]
    cases = [(c.classname, c.name, c.is_passed) for s in suites for c in s]
    assert cases == [
        ("test-auc", "roc_auc>=0.90", True), ("test-auc", "log_loss<=0.30", False),
        ("fit", "--max-rise chi2_per_ndof=0.1", False), ("fit", "p_value>=0.05", False), ("fit", "r2>=0.9", True),
    ]


def test_failure_carries_value_and_reason(tmp_path):
    suites = list(parse(render_junit(SUITES), tmp_path))
    (failure,) = list(suites[0])[1].result
    assert failure.type == "evalml.gate"
    assert failure.message == "log_loss<=0.30: got 0.3471"
    assert failure.text == "value: 0.3471094622867752\nreason: requirement not met"
    (failure,) = list(suites[1])[1].result
    assert failure.message == "p_value>=0.05: got null (metric is undefined on this data)"
    assert failure.text.startswith("value: null\n")
    (failure,) = list(suites[1])[0].result
    assert failure.message == "--max-rise chi2_per_ndof=0.1: chi2_per_ndof rose by 0.2500 (1.0000 → 1.2500), more than 0.1"
    assert failure.text.startswith("value: 0.25\n")


def test_structure_is_allowed_by_the_junit_schema():
    root = ET.fromstring(render_junit(SUITES).encode("utf-8"))
    assert root.tag == "testsuites"
    assert_schema(root)
    for suite in root:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert all(c.get("classname") == suite.get("name") and c.get("time") == "0" for c in cases)


def test_document_starts_with_a_utf8_declaration_and_ends_with_a_newline():
    xml = render_junit(SUITES)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n') and xml.endswith("</testsuites>\n")


@pytest.mark.parametrize(
    "text",
    ['roc_auc[<e>]>=0.9 & "x"', "it's > 1 & < 2", "Λ→μμ ≥ 0.9 ✓ 日本 🚀", "line\nbreak\ttab", "]]> <!-- -->"],
)
def test_special_characters_survive_parsing(tmp_path, text):
    outcome = Outcome(text, 0.5, False, f"reason with {text}")
    xml = render_junit([(f"eval {text}", [outcome])])
    root = ET.fromstring(xml.encode("utf-8"))
    case = root.find("testsuite/testcase")
    assert root.find("testsuite").get("name") == f"eval {text}"
    assert case.get("classname") == f"eval {text}" and case.get("name") == text
    assert case.find("failure").get("message") == f"{text}: reason with {text}"
    assert case.find("failure").text == f"value: 0.5\nreason: reason with {text}"
    (jcase,) = list(list(parse(xml, tmp_path))[0])
    assert jcase.name == text


def test_characters_xml_cannot_hold_are_escaped_not_dropped():
    xml = render_junit([("e\x00v", [Outcome("a\x1bb\ud800c", None, False, "bell\x07")])])
    root = ET.fromstring(xml.encode("utf-8"))  # would raise on a raw control character
    assert root.find("testsuite").get("name") == "e\\x00v"
    case = root.find("testsuite/testcase")
    assert case.get("name") == "a\\x1bb\\ud800c"
    assert case.find("failure").text.endswith("reason: bell\\x07")


def test_no_suites_is_a_valid_empty_document(tmp_path):
    xml = parse(render_junit([]), tmp_path)
    assert (xml.tests, xml.failures) == (0, 0) and list(xml) == []
