"""benchmarks/ca501_fixes.py: which patches count as bug fixes, and the two views of a fix's hunk."""

from __future__ import annotations

import pytest

from tests.benchmarks.conftest import load_benchmark

PATCH = """\
From 1234 Mon Sep 17 00:00:00 2001
Subject: [PATCH] Fix crash when items is empty

---
 pkg/util.py | 5 +++--
diff --git a/pkg/util.py b/pkg/util.py
--- a/pkg/util.py
+++ b/pkg/util.py
@@ -10,4 +10,6 @@ def last(items):
 def last(items):
-    return items[len(items)]
+    if not items:
+        return None
+    return items[len(items) - 1]
 
 
@@ -30 +31 @@ def first(items):
-    return items[1]
+    return items[0]
\\ No newline at end of file
diff --git a/tests/test_util.py b/tests/test_util.py
--- a/tests/test_util.py
+++ b/tests/test_util.py
@@ -1 +1 @@
-assert last([]) == 0
+assert last([]) is None
"""


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("ca501_fixes")


@pytest.mark.parametrize(("message", "name", "kept"), [
    ("Fix crash when x is None", "0001-fix.patch", True),
    ("Fixed #33282 -- Fixed a crash when OR'ing subquery and aggregation lookups.", "0009.patch", True),
    ("[4.2.x] Fixed CVE-2024-41991 -- Prevented potential ReDoS in urlize().", "0018.patch", True),
    ("", "fix-incorrect-identity-comparison.patch", True),
    ("Reject non-ascii digits in Range header", "CVE-2025-69225.patch", True),
    ("Fix build with setuptools 70", "0002-build.patch", False),
    ("Fix FTBFS with python 3.11", "56_python311.diff", False),
    ("Fix tests with new Python", "fix-tests.patch", False),
    ("fixes spelling errors", "spelling.patch", False),
    ("Disable flaky test", "0003.patch", False),
    ("Remove usage of distutils", "0021.patch", False),
    ("Use system ca certificates, not the bundled ones", "0001.patch", False),
])
def test_message_filter_keeps_bug_fixes_only(bench, message, name, kept):
    assert bench.says_it_fixes_a_bug(message, name) is kept


def test_hunks_keep_context_and_both_views_number_their_sides(bench):
    found = bench.hunks(PATCH)
    assert [(h.path, h.old_start, h.new_start) for h in found] == [
        ("pkg/util.py", 10, 10), ("pkg/util.py", 30, 31), ("tests/test_util.py", 1, 1)]
    assert [bench.is_source(h.path) for h in found] == [True, True, False]
    assert found[1].lines == (("-", "    return items[1]"), ("+", "    return items[0]"))  # "\ No newline" skipped

    buggy, fixed = bench.views(found[0])
    assert (buggy.kind, sorted(buggy.added), fixed.kind, sorted(fixed.added)) == ("buggy", [11], "fixed", [11, 12, 13])
    assert "   11 +     return items[len(items)]" in buggy.text.splitlines()
    assert fixed.text.splitlines()[-3:] == ["   13 +     return items[len(items) - 1]", "   14   ", "   15   "]
    assert [sorted(v.added) for v in bench.views(found[1])] == [[30], [31]]
    assert bench.is_small(found[0], max_removed=6, max_added=6)
    assert not bench.is_small(found[0], max_removed=6, max_added=2)


def test_score_counts_fixed_side_comments_as_false_positives(bench):
    buggy, fixed = bench.views(bench.hunks(PATCH)[0])
    metrics = bench.score([(buggy, (11, "Index out of range.", "")), (fixed, (12, "Not a bug.", "")),
                           (buggy, None), (fixed, None)])
    assert (metrics["tp"], metrics["fp"], metrics["buggy_views"], metrics["added_lines"]) == (1, 1, 2, 8)
    assert metrics["precision"] == pytest.approx(0.5) and metrics["recall"] == pytest.approx(0.5)
    assert metrics["fp_per_1000_lines"] == pytest.approx(1000 / 8)
