"""CA301's semantic half: README prose that describes changed code, through the real CLI.

The documentation encoder is the real packaged MiniLM; each `review` here loads it once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git

CLIENT = '''def fetch_page(url, timeout=10):
    """Download a web page and return its body, waiting at most `timeout` seconds."""
    return url, timeout


def parse_links(body):
    """Return the links found in a page body."""
    return [body]


def render_table(rows):
    return rows
'''
README = """# client

A tiny web client.

## Fetching pages

The fetch_page helper downloads a web page; its `timeout` says how many
seconds to wait for the server before giving up.

The client is released under the MIT licence, and contributions are welcome.

Each page of this manual covers one topic, with examples at the end.

Call `fetch_page(url, timeout=3)` when the server is slow.
"""
PROSE_LINE, LEXICAL_LINE = 7, 14


def review(repo: Path, cli) -> list[tuple[int, str]]:
    done = cli("review", "--format", "json", cwd=repo)
    assert done.returncode in (0, 1), done.stderr
    return [(f["line"], f["message"]) for f in json.loads(done.stdout)["findings"] if f["rule"] == "CA301"]


@pytest.fixture
def project(repo: Path) -> Path:
    (repo / "client.py").write_text(CLIENT)
    (repo / "README.md").write_text(README)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add the client")
    return repo


def test_renamed_parameter_flags_the_paragraph_that_describes_it(project: Path, cli):
    (project / "client.py").write_text(CLIENT.replace("timeout", "deadline"))
    git(project, "add", "-A")
    found = review(project, cli)
    # The prose paragraph (semantic) and the code span (lexical), each once; the paragraph
    # about the manual shares only the word "page" with `fetch_page` and stays quiet.
    assert [line for line, _ in found] == [PROSE_LINE, LEXICAL_LINE]
    prose = found[0][1]
    assert "seems to describe `fetch_page`" in prose
    assert "parameter `timeout` of `fetch_page` was renamed to `deadline`" in prose
    assert "(match 0." in prose


def test_removed_function_flags_its_description(project: Path, cli):
    (project / "client.py").write_text(CLIENT.split("\n\n\n", 1)[1])
    git(project, "add", "-A")
    found = review(project, cli)
    assert (PROSE_LINE, found[0][1]) == found[0] and "`fetch_page` was removed from client.py" in found[0][1]


def test_suppressed_by_a_comment_on_the_paragraph_line(project: Path, cli):
    lines = README.splitlines(keepends=True)
    lines[PROSE_LINE - 1] = lines[PROSE_LINE - 1].rstrip("\n") + " <!-- codeassist: ignore[CA301] -->\n"
    (project / "README.md").write_text("".join(lines))
    git(project, "commit", "-qam", "Suppress")
    (project / "client.py").write_text(CLIENT.replace("timeout", "deadline"))
    git(project, "add", "-A")
    assert [line for line, _ in review(project, cli)] == [LEXICAL_LINE]


def test_paragraph_edited_in_the_same_change_is_quiet(project: Path, cli):
    (project / "client.py").write_text(CLIENT.replace("timeout", "deadline"))
    (project / "README.md").write_text(README.replace("`timeout` says", "`deadline` says")
                                       .replace("timeout=3", "deadline=3"))
    git(project, "add", "-A")
    assert review(project, cli) == []


def test_unrelated_change_never_loads_the_encoder(project: Path):
    # A renamed parameter, but no paragraph shares a word with `render_table` or `rows`.
    (project / "client.py").write_text(CLIENT.replace("(rows)", "(cells)").replace("return rows", "return cells"))
    git(project, "add", "-A")
    script = (
        "import sys\nfrom codeassist.cli.main import main\n"
        "main(['review', '--format', 'json'])\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_flag_that_leaves_a_document_is_not_a_removed_flag(project: Path, cli):
    # Moving docs (click 8.2 moved docs/*.rst to .md) takes `"--verbose"` out of one
    # document; only code defines flags, so nothing was removed.
    (project / "old.md").write_text('```python\nparser.add_argument("--verbose")\n```\n')
    (project / "README.md").write_text(README + "\nRun `client --verbose` to see requests.\n")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "Document --verbose")
    (project / "old.md").unlink()
    git(project, "add", "-A")
    assert review(project, cli) == []


def test_changelogs_and_same_named_methods_of_other_classes_are_quiet(project: Path, cli):
    # Seen on werkzeug 2.3 → 3.0 (`BaseURL.join` removed, docs call `os.path.join`) and in
    # every CHANGES.rst, which names removed code on purpose.
    (project / "client.py").write_text(CLIENT + "\n\nclass Url:\n    def join(self, other):\n        return other\n")
    (project / "CHANGES.md").write_text("# Changes\n\n- Added `parse_links(body)` and `Url.join(other)`.\n")
    (project / "README.md").write_text(README + "\n```python\nos.path.join(root, 'cache')\n```\n")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "Add Url")
    (project / "client.py").write_text(CLIENT.replace('''def parse_links(body):
    """Return the links found in a page body."""
    return [body]


''', ""))
    git(project, "add", "-A")
    assert review(project, cli) == []
