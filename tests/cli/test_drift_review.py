"""CA201 doc drift with the shipped encoders and fusion head, through the API and `review`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git

DOC = '''"""Look up a user.

    Args:
        name: The user's login.

    Returns:
        The user record.

    Raises:
        KeyError: When no user has that login.
    """'''
OLD = f'''USERS = {{}}


def lookup(name):
    {DOC}
    if name not in USERS:
        raise KeyError(name)
    return USERS[name]
'''
CHANGES = {
    "raise removed": (OLD.replace("        raise KeyError(name)\n", "        return None\n"), True),
    "return dropped": (OLD.replace("    return USERS[name]\n", "    USERS[name]\n"), True),
    "annotations only": (OLD.replace("def lookup(name):", "def lookup(name: str) -> dict:"), False),
    "refactor": (OLD.replace("if name not in USERS:", "if USERS.get(name) is None:"), False),
}


@pytest.mark.parametrize("case", CHANGES, ids=list(CHANGES))
def test_drift_score_api(case):
    import codeassist
    from codeassist.parsing.parse import parse_source
    new, stale = CHANGES[case]
    old_unit = parse_source(OLD, "python").units[0]
    new_unit = parse_source(new, "python").units[0]
    score = codeassist.drift_score(old_unit.doc.text, old_unit.code_without_doc(), new_unit.code_without_doc())
    assert 0.0 <= score <= 1.0
    assert (score >= 0.5) is stale


def test_review_reports_drift_with_an_explanation(repo: Path, cli):
    (repo / "users.py").write_text(OLD)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add lookup")
    (repo / "users.py").write_text(CHANGES["raise removed"][0])
    git(repo, "add", "-A")
    done = cli("review", "--format", "json", cwd=repo)
    assert done.returncode == 1, done.stderr
    [finding] = json.loads(done.stdout)["findings"]
    assert (finding["rule"], finding["line"]) == ("CA201", 5)
    assert "raises `KeyError`, which the code no longer raises" in finding["message"]


def test_review_is_quiet_when_the_doc_still_holds_or_was_updated(repo: Path, cli):
    (repo / "users.py").write_text(OLD)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add lookup")
    (repo / "users.py").write_text(CHANGES["annotations only"][0])
    git(repo, "add", "-A")
    assert json.loads(cli("review", "--format", "json", cwd=repo).stdout)["findings"] == []
    updated = CHANGES["raise removed"][0].replace(
        "\n    Raises:\n        KeyError: When no user has that login.\n", "\n"
    )
    (repo / "users.py").write_text(updated)
    git(repo, "add", "-A")
    assert json.loads(cli("review", "--format", "json", cwd=repo).stdout)["findings"] == []


JS_OLD = """/**
 * Get the visible options.
 *
 * @param {Command} cmd
 * @returns {Option[]}
 */
function visibleOptions(cmd) {
  const found = cmd.options.filter(option => !option.hidden);
  return found.concat([helpOption(cmd, 'help', {short: true, long: true})]);
}
"""
# What prettier made of it in a real release (commander 11 → 12): layout only.
JS_FORMATTED = """/**
 * Get the visible options.
 *
 * @param {Command} cmd
 * @returns {Option[]}
 */
function visibleOptions(cmd) {
  // Built-in help option.
  const found = cmd.options.filter((option) => !option.hidden);
  return found.concat([
    helpOption(cmd, "help", { short: true, long: true, }),
  ]);
}
"""


def test_a_formatter_pass_is_not_drift():
    from codeassist.parsing.parse import parse_source
    from codeassist.review.rules.doc_drift import formatting_only
    old, new = (parse_source(text, "javascript").units[0] for text in (JS_OLD, JS_FORMATTED))
    assert formatting_only(old.code_without_doc(), new.code_without_doc())
    changed = JS_FORMATTED.replace("!option.hidden", "option.hidden")
    assert not formatting_only(old.code_without_doc(), parse_source(changed, "javascript").units[0].code_without_doc())


def test_review_skips_a_reformatted_unit(repo: Path, cli):
    (repo / "help.js").write_text(JS_OLD)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add help")
    (repo / "help.js").write_text(JS_FORMATTED)
    git(repo, "add", "-A")
    done = cli("review", "--format", "json", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["findings"] == []
