"""CA401's parts: patch parsing for the corpus, change summaries like git's, message features."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from codeassist.changes import gitdiff
from codeassist.heads.commit_message.summary import (
    DiffSummary,
    changed_names,
    context_names,
    summary_from_changeset,
    summary_from_files,
)
from codeassist.heads.commit_message.features import FEATURES, feature_rows, message_text
from tests.conftest import git
from training.data.mine_commits import parse_patch, split_of

FORMAT_PATCH = """From 1f2e3d4c5b6a Mon Sep 17 00:00:00 2001
From: Jane Dev
 <jane@example.org>
Date: Thu, 26 Mar 2020 01:57:09 +0100
Subject: [PATCH 2/3] Parse ISO week dates in parse_date, which used to
 reject them

Week dates such as 2020-W13-4 raised ValueError.

Signed-off-by: Jane Dev <jane@example.org>
---
 src/dates.py | 3 ++-
 1 file changed, 2 insertions(+), 1 deletion(-)

diff --git a/src/dates.py b/src/dates.py
index eca5dff..196abbe 100644
--- a/src/dates.py
+++ b/src/dates.py
@@ -10,3 +10,5 @@ def parse_date(text):
     if not text:
         return None
-    return datetime.strptime(text, "%Y-%m-%d")
+    if "-W" in text:
+        return datetime.strptime(text, "%G-W%V-%u")
+    return datetime.strptime(text, "%Y-%m-%d")
--
2.39.5
"""

DEP3 = """Description: Skip tests that need the network
 The build daemons have no network access, so the tests that fetch
 pages are marked to be skipped.
 .
 Debian-specific.
Author: Jane Dev <jane@example.org>
Forwarded: not-needed
Last-Update: 2023-01-02

Index: pkg/tests/test_fetch.py
===================================================================
--- pkg.orig/tests/test_fetch.py
+++ pkg/tests/test_fetch.py
@@ -1,3 +1,4 @@
 import pytest
+@pytest.mark.skip(reason="network")
 def test_fetch():
     pass
--- pkg.orig/README.md
+++ pkg/README.md
@@ -1 +1 @@
-old
+new
"""


def test_format_patch_message_and_diff():
    message, files = parse_patch(FORMAT_PATCH)
    assert message == ("Parse ISO week dates in parse_date, which used to reject them\n\n"
                       "Week dates such as 2020-W13-4 raised ValueError.")
    assert [f.path for f in files] == ["src/dates.py"]
    assert files[0].contexts == ["def parse_date(text):"]
    assert files[0].removed == ['    return datetime.strptime(text, "%Y-%m-%d")']
    assert len(files[0].added) == 3


def test_dep3_message_and_quilt_paths():
    message, files = parse_patch(DEP3)
    assert message.splitlines()[0] == "Skip tests that need the network"
    assert "Debian-specific." in message and "Author" not in message
    assert [f.path for f in files] == ["tests/test_fetch.py", "README.md"]


def test_patch_without_message():
    message, files = parse_patch("--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a = 1\n+a = 2\n")
    assert message == "" and files[0].added == ["a = 2"]


def test_split_is_by_package_and_stable():
    assert split_of("python-requests", 0.15, 0.2) == split_of("python-requests", 0.15, 0.2)
    splits = {split_of(f"pkg{i}", 0.15, 0.2) for i in range(200)}
    assert splits == {"train", "dev", "test"}


def test_summary_contexts_match_git_hunk_headers(repo: Path):
    """The function context CA401 computes from a ChangeSet is the one git prints after `@@`."""
    body = "\n".join(f"    value_{i} = {i}" for i in range(12))
    old = f"import os\n\n\nclass Store:\n    def load(self, path):\n{body}\n        return path\n\n\ndef save(path):\n{body}\n    return path\n"
    (repo / "store.py").write_text(old)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add the store")
    new = old.replace("    value_9 = 9\n", "    value_9 = 90\n", 1).replace("    return path\n", "    return os.fspath(path)\n")
    (repo / "store.py").write_text(new)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Change the store")
    headers = re.findall(r"^@@ [^@]+ @@ ?(.*)$", git(repo, "show", "-U3", "--format=", "HEAD"), re.M)
    summary = summary_from_changeset(gitdiff.commit(gitdiff.open_repo(repo), "HEAD"))
    assert list(summary.contexts) == [h.strip() for h in headers if h.strip()]
    assert summary.paths == ("store.py",)
    assert "    value_9 = 90" in summary.added and "    value_9 = 9" in summary.removed
    assert context_names(summary) == ["Store", "save"]


def test_summary_from_files_keeps_source_files():
    summary = summary_from_files([
        {"path": "a.py", "contexts": ["def f():"], "removed": ["x"], "added": ["y"]},
        {"path": "README.md", "contexts": [], "removed": ["old"], "added": ["new"]},
    ])
    assert summary == DiffSummary(("a.py",), ("def f():",), ("x",), ("y",))


def test_message_text_drops_comments_urls_and_trailers():
    text = message_text("Fix parse_date\n\nSee https://example.org/1 for details.\nBug: 12\n\nMore.\n# comment")
    assert text.startswith("Fix parse_date\nSee") and "https" not in text and "Bug:" not in text and "More" not in text


def test_features_tell_a_matching_message_from_another():
    summary = DiffSummary(("src/dates.py",), ("def parse_date(text):",),
                            ('    return datetime.strptime(text, "%Y-%m-%d")',),
                            ('    if "-W" in text:', '        return datetime.strptime(text, "%G-W%V-%u")'))

    def encode(texts: list[str]) -> np.ndarray:  # a bag-of-letters stand-in, enough for the lexical columns
        rows = np.array([[t.lower().count(c) for c in "abcdefghijklmnopqrstuvwxyz"] for t in texts], dtype=np.float32)
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)

    rows = feature_rows([("Parse ISO week dates in parse_date", summary),
                         ("Retry uploads on HTTP 503 with backoff", summary)], encode)
    assert rows.shape == (2, len(FEATURES))
    column = dict(zip(FEATURES, range(len(FEATURES))))
    assert rows[0, column["overlap"]] > rows[1, column["overlap"]] == 0
    assert rows[0, column["path_hit"]] == 1 and rows[1, column["path_hit"]] == 0


def test_changed_names_put_inserted_definitions_first():
    summary = DiffSummary(("cart.js",), ("export function addToCart(cart, item) {",),
                            (), ("export function clearCart(cart) {", "  cart.items = [];"))
    assert changed_names(summary) == ["clearCart", "addToCart"]
