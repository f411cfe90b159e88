"""Tests for the report formats: text, json, sarif, github and rdjsonl."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest

import codeassist
from codeassist.report import FORMATS, github, jsonfmt, rdjsonl, render, sarif, text
from codeassist.review.rules.base import Rule
from codeassist.records import CheckResult, Finding, Skipped

# Every character some format has to escape or encode, in one message.
TRICKY = "100% sure: `x`, y\nnext line\r\nparamètre «ñ» — 名前 ✓"


def make_rule(rule_id: str, name: str, severity: str) -> Rule:
    """Build a rule with a full doc page.

    Args:
        rule_id: The rule id, e.g. "CA101".
        name: The kebab-case name.
        severity: The default severity.

    Returns:
        The rule.
    """
    return Rule(
        id=rule_id,
        name=name,
        severity=severity,
        summary=f"Reports {name}.",
        what=f"Checks for {name}.",
        why="Readers trust the docs.",
        example="def f(a):\n    '''Args:\n        b: gone.'''",
        instead="def f(a):\n    '''Args:\n        a: here.'''",
    )


def make_finding(
    rule: str = "CA101",
    *,
    path: str = "pkg/mod.py",
    line: int = 3,
    column: int = 5,
    message: str = "`b` is documented but not a parameter",
    severity: str = "error",
    name: str = "doc-param-not-in-signature",
) -> Finding:
    """Build a finding one line long, with a fingerprint derived from its fields.

    Args:
        rule: The rule id.
        path: The repository-relative path.
        line: The 1-based start line.
        column: The 1-based start column.
        message: The message.
        severity: The effective severity.
        name: The rule name.

    Returns:
        The finding.
    """
    return Finding(
        rule=rule,
        name=name,
        severity=severity,
        path=path,
        line=line,
        column=column,
        end_line=line,
        end_column=column + 4,
        message=message,
        symbol="f",
        fingerprint=f"fp-{rule}-{path}-{line}",
    )


@pytest.fixture
def rules() -> dict[str, Rule]:
    """Two rules of different default severities, keyed by id in unsorted order."""
    return {
        "CA201": make_rule("CA201", "missing-returns", "warning"),
        "CA101": make_rule("CA101", "doc-param-not-in-signature", "error"),
    }


@pytest.fixture
def result() -> CheckResult:
    """Three findings in two files, given out of order, plus one skipped file."""
    return CheckResult(
        findings=[
            make_finding("CA201", path="pkg/b.py", line=2, column=1,
                         severity="info", name="missing-returns", message=TRICKY),
            make_finding("CA201", path="pkg/a.py", line=9, column=1,
                         severity="warning", name="missing-returns"),
            make_finding("CA101", path="pkg/a.py", line=2, column=7),
        ],
        skipped=[Skipped(path="pkg/broken.py", reason="syntax error at 4:2")],
        suppressed=1,
        files_checked=4,
    )


@pytest.fixture
def empty() -> CheckResult:
    """A clean run over four files."""
    return CheckResult(files_checked=4)


# The team's shared/ folder sits beside the checkout (CI lays it beside its clone too).
_SCHEMA_CANDIDATES = [
    Path(__file__).resolve().parents[3] / "shared" / "schemas" / "sarif-schema-2.1.0.json",
    Path("/work/shared/schemas/sarif-schema-2.1.0.json"),
]
SCHEMA_PATH = next((p for p in _SCHEMA_CANDIDATES if p.is_file()), _SCHEMA_CANDIDATES[0])


def sarif_validator() -> jsonschema.protocols.Validator:
    """Return a validator for the shared SARIF 2.1.0 schema, picked by its `$schema`."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    if "properties" not in schema and "Root" in schema.get("definitions", {}):
        # This copy keeps the log object's rules under definitions/Root with nothing at the
        # top level, so as-is it accepts any JSON. Point the root at them; draft-07 resolves
        # the sibling `$ref` against this same document.
        schema = {**schema, "$ref": "#/definitions/Root"}
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def github_unescape(text: str, *, is_property: bool) -> str:
    """Undo workflow-command escaping the way the Actions runner does.

    Args:
        text: The escaped text.
        is_property: Whether it is a property value, which also has `:` and `,` encoded.

    Returns:
        The original text.
    """
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if is_property:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for encoded, raw in pairs:
        text = text.replace(encoded, raw)
    # `%25` last, so an escaped "%0A" in the original is not decoded twice.
    return text.replace("%25", "%")


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Split a workflow command into its name, unescaped properties and unescaped message.

    Args:
        line: One `::name props::message` line.

    Returns:
        The command name, the properties and the message.
    """
    assert line.startswith("::")
    head, message = line[2:].split("::", 1)
    name, _, props = head.partition(" ")
    properties = {}
    for item in filter(None, props.split(",")):
        key, value = item.split("=", 1)
        properties[key] = github_unescape(value, is_property=True)
    return name, properties, github_unescape(message, is_property=False)


# --- registry -------------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_every_format_renders_through_the_registry(
    format_name: str, result: CheckResult, rules: dict[str, Rule]
) -> None:
    output = render(format_name, result, rules)
    assert output.endswith("\n")
    assert "pkg/a.py" in output


@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_every_format_renders_an_empty_result(
    format_name: str, empty: CheckResult, rules: dict[str, Rule]
) -> None:
    output = render(format_name, empty, rules)
    assert isinstance(output, str)
    assert output == "" or output.endswith("\n")


# --- text -----------------------------------------------------------------------------------


def test_text_lists_findings_in_order_then_skips_then_summary(
    result: CheckResult, rules: dict[str, Rule]
) -> None:
    lines = text.render(result, rules).split("\n")
    assert lines[0] == "pkg/a.py:2:7: CA101 `b` is documented but not a parameter"
    assert lines[1] == "pkg/a.py:9:1: CA201 `b` is documented but not a parameter"
    assert lines[2].startswith("pkg/b.py:2:1: CA201 100% sure")
    assert "pkg/broken.py: skipped (syntax error at 4:2)" in lines
    assert lines[-2] == "Found 3 findings in 2 files (1 suppressed); 4 files checked, 1 skipped."
    assert lines[-1] == ""


def test_text_orders_by_rule_on_the_same_position(rules: dict[str, Rule]) -> None:
    findings = [make_finding("CA201"), make_finding("CA101")]
    lines = text.render(CheckResult(findings=findings, files_checked=1), rules).splitlines()
    assert [line.split()[1] for line in lines[:2]] == ["CA101", "CA201"]
    assert lines[-1] == "Found 2 findings in 1 file; 1 file checked."


def test_text_empty(empty: CheckResult, rules: dict[str, Rule]) -> None:
    assert text.render(empty, rules) == "No findings; 4 files checked.\n"


def test_text_empty_with_suppressed_and_skipped(rules: dict[str, Rule]) -> None:
    clean = CheckResult(skipped=[Skipped("x.py", "too large")], suppressed=2, files_checked=1)
    assert text.render(clean, rules) == (
        "x.py: skipped (too large)\nNo findings (2 suppressed); 1 file checked, 1 skipped.\n"
    )


# --- json -----------------------------------------------------------------------------------


def test_json_shape(result: CheckResult, rules: dict[str, Rule]) -> None:
    document = json.loads(jsonfmt.render(result, rules))
    assert list(document) == ["findings", "skipped", "summary"]
    assert [list(item) for item in document["findings"]] == [
        [
            "rule", "name", "severity", "path", "line", "column",
            "end_line", "end_column", "message", "fingerprint",
        ]
    ] * 3
    assert document["findings"][0] == {
        "rule": "CA101",
        "name": "doc-param-not-in-signature",
        "severity": "error",
        "path": "pkg/a.py",
        "line": 2,
        "column": 7,
        "end_line": 2,
        "end_column": 11,
        "message": "`b` is documented but not a parameter",
        "fingerprint": "fp-CA101-pkg/a.py-2",
    }
    assert [(f["path"], f["line"]) for f in document["findings"]] == [
        ("pkg/a.py", 2), ("pkg/a.py", 9), ("pkg/b.py", 2)
    ]
    assert document["findings"][2]["message"] == TRICKY
    assert document["skipped"] == [{"path": "pkg/broken.py", "reason": "syntax error at 4:2"}]
    assert document["summary"] == {"findings": 3, "suppressed": 1, "files_checked": 4}


def test_json_is_indented_and_keeps_unicode(result: CheckResult, rules: dict[str, Rule]) -> None:
    output = jsonfmt.render(result, rules)
    assert output.startswith('{\n  "findings": [\n    {\n      "rule"')
    assert "名前" in output


def test_json_empty(empty: CheckResult, rules: dict[str, Rule]) -> None:
    assert json.loads(jsonfmt.render(empty, rules)) == {
        "findings": [],
        "skipped": [],
        "summary": {"findings": 0, "suppressed": 0, "files_checked": 4},
    }


# --- sarif ----------------------------------------------------------------------------------


def test_sarif_validates_against_the_shared_schema(
    result: CheckResult, rules: dict[str, Rule]
) -> None:
    log = json.loads(sarif.render(result, rules))
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, "\n".join(str(error) for error in errors)


def test_sarif_empty_validates(empty: CheckResult, rules: dict[str, Rule]) -> None:
    log = json.loads(sarif.render(empty, rules))
    sarif_validator().validate(log)
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == 2


def test_sarif_validator_rejects_a_broken_log(result: CheckResult, rules: dict[str, Rule]) -> None:
    # Guards the test above: a validator that accepted anything would prove nothing.
    log = json.loads(sarif.render(result, rules))
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    assert len(list(sarif_validator().iter_errors(log))) >= 2


def test_sarif_header_and_driver(result: CheckResult, rules: dict[str, Rule]) -> None:
    log = json.loads(sarif.render(result, rules))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "codeassist"
    assert driver["version"] == codeassist.__version__
    assert driver["informationUri"] == "https://pypi.org/project/codeassist/"
    assert [rule["id"] for rule in driver["rules"]] == ["CA101", "CA201"]
    ca201 = driver["rules"][1]
    assert ca201["name"] == "missing-returns"
    assert ca201["shortDescription"]["text"] == rules["CA201"].summary
    assert ca201["fullDescription"]["text"] == rules["CA201"].what
    assert ca201["help"] == {"text": rules["CA201"].page(), "markdown": rules["CA201"].page()}
    assert ca201["defaultConfiguration"] == {"level": "warning"}
    assert "uri" not in log["runs"][0].get("originalUriBaseIds", {}).get("%SRCROOT%", {})


def test_sarif_results_point_at_their_rules(result: CheckResult, rules: dict[str, Rule]) -> None:
    run = json.loads(sarif.render(result, rules))["runs"][0]
    descriptors = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == 3
    for item in run["results"]:
        assert descriptors[item["ruleIndex"]]["id"] == item["ruleId"]
        assert item["partialFingerprints"]["codeassist/v1"].startswith(f"fp-{item['ruleId']}-")
    assert [item["level"] for item in run["results"]] == ["error", "warning", "note"]
    assert run["results"][2]["message"]["text"] == TRICKY


def test_sarif_location(result: CheckResult, rules: dict[str, Rule]) -> None:
    run = json.loads(sarif.render(result, rules))["runs"][0]
    assert run["results"][0]["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "pkg/a.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 2, "startColumn": 7, "endLine": 2, "endColumn": 11},
            }
        }
    ]


def test_sarif_level_follows_the_finding_not_the_rule_default(rules: dict[str, Rule]) -> None:
    overridden = make_finding("CA101", severity="info")
    run = json.loads(sarif.render(CheckResult(findings=[overridden]), rules))["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] == "error"
    assert run["results"][0]["level"] == "note"


def test_sarif_skipped_files_become_notifications(
    result: CheckResult, rules: dict[str, Rule]
) -> None:
    invocation = json.loads(sarif.render(result, rules))["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "note",
            "message": {"text": "skipped: syntax error at 4:2"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "pkg/broken.py", "uriBaseId": "%SRCROOT%"}
                    }
                }
            ],
        }
    ]


def test_sarif_encodes_awkward_paths_as_uri_references(rules: dict[str, Rule]) -> None:
    finding = make_finding(path="src/my dir/100%/ünï:code.py")
    run = json.loads(sarif.render(CheckResult(findings=[finding]), rules))["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "src/my%20dir/100%25/%C3%BCn%C3%AF%3Acode.py"
    assert unquote(location["uri"]) == finding.path


def test_sarif_unknown_rule_has_no_index(rules: dict[str, Rule]) -> None:
    stray = make_finding("CA999", name="from-a-plugin")
    log = json.loads(sarif.render(CheckResult(findings=[stray]), rules))
    sarif_validator().validate(log)
    assert "ruleIndex" not in log["runs"][0]["results"][0]
    assert log["runs"][0]["results"][0]["ruleId"] == "CA999"


def test_sarif_drops_an_end_before_the_start(rules: dict[str, Rule]) -> None:
    backwards = dataclasses.replace(make_finding(line=5, column=3), end_line=4, end_column=1)
    log = json.loads(sarif.render(CheckResult(findings=[backwards]), rules))
    sarif_validator().validate(log)
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 5, "startColumn": 3}


# --- github ---------------------------------------------------------------------------------


def test_github_commands(result: CheckResult, rules: dict[str, Rule]) -> None:
    lines = github.render(result, rules).splitlines()
    assert lines[0] == (
        "::error file=pkg/a.py,line=2,col=7,endLine=2,endColumn=11,"
        "title=CA101 doc-param-not-in-signature::`b` is documented but not a parameter"
    )
    assert [line.split(" ", 1)[0] for line in lines[:3]] == ["::error", "::warning", "::notice"]
    assert lines[-1] == "codeassist: 3 findings, 1 skipped file"
    assert len(lines) == 4


def test_github_escaping_round_trips(rules: dict[str, Rule]) -> None:
    finding = make_finding(path="dir,with:odd%/name\n.py", message=TRICKY)
    line = github.render(CheckResult(findings=[finding]), rules).splitlines()[0]
    # Anything unescaped here would end the command early or split a property.
    assert "\n" not in line and "\r" not in line
    name, properties, message = parse_command(line)
    assert name == "error"
    assert message == TRICKY
    assert properties["file"] == finding.path
    assert properties["title"] == "CA101 doc-param-not-in-signature"
    assert properties["line"] == "3"
    assert "%3A" not in line.split("::")[2]


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("50%", "50%25", "50%25"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("one\r\ntwo", "one%0D%0Atwo", "one%0D%0Atwo"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_github_escape_table(raw: str, data: str, prop: str) -> None:
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop
    assert github_unescape(prop, is_property=True) == raw


def test_github_no_overflow_notice_at_the_limit(rules: dict[str, Rule]) -> None:
    findings = [make_finding(line=n) for n in range(1, 11)]
    findings += [make_finding(line=n, severity="info") for n in range(1, 11)]
    lines = github.render(CheckResult(findings=findings), rules).splitlines()
    assert len(lines) == 21
    assert not any(line.startswith("::notice::") for line in lines)


def test_github_overflow_notice(rules: dict[str, Rule]) -> None:
    findings = [make_finding(line=n) for n in range(1, 14)]
    findings += [make_finding(line=n, severity="warning") for n in range(1, 5)]
    findings += [make_finding(line=n, severity="info") for n in range(1, 11)]
    lines = github.render(CheckResult(findings=findings), rules).splitlines()
    notices = [line for line in lines if line.startswith("::notice::")]
    assert len(notices) == 1
    # The notice takes a notice slot itself, so with ten info findings one of those drops.
    assert "3 errors and 1 notice will not be shown" in notices[0]
    assert "warning" not in notices[0]
    assert "sarif" in notices[0]
    # It must come before the other notices, or GitHub would drop it with them.
    assert lines.index(notices[0]) < min(
        index for index, line in enumerate(lines) if line.startswith("::notice ")
    )
    assert lines[-1] == "codeassist: 27 findings, 0 skipped files"


def test_github_empty(empty: CheckResult, rules: dict[str, Rule]) -> None:
    assert github.render(empty, rules) == "codeassist: 0 findings, 0 skipped files\n"


# --- rdjsonl --------------------------------------------------------------------------------


def test_rdjsonl_lines(result: CheckResult, rules: dict[str, Rule]) -> None:
    output = rdjsonl.render(result, rules)
    assert output.endswith("\n")
    lines = output.splitlines()
    assert len(lines) == 3
    diagnostics = [json.loads(line) for line in lines]
    assert diagnostics[0] == {
        "message": "`b` is documented but not a parameter",
        "location": {
            "path": "pkg/a.py",
            "range": {"start": {"line": 2, "column": 7}, "end": {"line": 2, "column": 11}},
        },
        "severity": "ERROR",
        "source": {"name": "codeassist"},
        "code": {"value": "CA101"},
    }
    assert [d["severity"] for d in diagnostics] == ["ERROR", "WARNING", "INFO"]
    assert diagnostics[2]["message"] == TRICKY
    assert ": " not in lines[0] and ", " not in lines[0]


def test_rdjsonl_empty(empty: CheckResult, rules: dict[str, Rule]) -> None:
    assert rdjsonl.render(empty, rules) == ""
