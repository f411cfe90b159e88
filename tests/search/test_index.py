"""`codeassist index` and `codeassist search` end to end, plus rank fusion."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from codeassist.encoders.lexical import BM25, lexical_tokens, ranks, rrf

FILES = {
    "store/cache.py": '''
def evict_oldest(entries, limit):
    """Drop the least recently used entries until at most `limit` remain."""
    while len(entries) > limit:
        entries.popitem(last=False)
    return entries


def checksum(data):
    """Return the SHA-256 hex digest of some bytes."""
    import hashlib
    return hashlib.sha256(data).hexdigest()
''',
    "web/client.js": '''
/** Fetch a URL and parse the JSON body of the response. */
async function fetchJson(url) {
  const response = await fetch(url);
  return response.json();
}
''',
}


def _env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CACHE_HOME": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}


def test_index_then_search_text_and_json(repo: Path, cli, tmp_path: Path):
    for rel, text in FILES.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    done = cli("index", cwd=repo, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "indexed 3 units in 2 files (2 re-embedded)" in done.stderr
    assert (repo / ".codeassist" / "index" / ".gitignore").read_text() == "*\n"

    done = cli("search", "hash of bytes", "-k", "2", "--json", cwd=repo, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    assert len(hits) == 2 and hits[0]["qualname"] == "checksum" and hits[0]["path"] == "store/cache.py"

    done = cli("search", "download json from a url", cwd=repo / "web", env=_env(tmp_path))
    assert done.stdout.splitlines()[0].startswith("web/client.js:3: function fetchJson")

    # Incremental: one changed file is re-embedded, the other kept.
    (repo / "web" / "client.js").write_text(FILES["web/client.js"] + "\nfunction two() {\n  return 2;\n}\n")
    done = cli("index", ".", cwd=repo, env=_env(tmp_path))
    assert "indexed 4 units in 2 files (1 re-embedded)" in done.stderr


def test_search_without_an_index_names_the_fix(repo: Path, cli, tmp_path: Path):
    done = cli("search", "anything", cwd=repo, env=_env(tmp_path))
    assert done.returncode == 2
    assert "run `codeassist index` first" in done.stderr


def test_rrf_rewards_agreement():
    lexical = np.array([3.0, 2.0, 1.0, 0.0])
    dense = np.array([0.1, 0.9, 0.8, 0.0])
    np.testing.assert_array_equal(ranks(dense), [3, 1, 2, 4])
    fused = rrf(lexical, dense)
    assert fused.argmax() == 1 and fused.argmin() == 3


def test_bm25_splits_identifiers():
    assert lexical_tokens("parseHttpResponse(self, raw_data)") == ["parse", "http", "response", "raw", "data"]
    scores = BM25(["def parse_http_response(raw): ...", "def sort_items(xs): ..."]).scores("parse the HTTP response")
    assert scores[0] > scores[1] == 0


def test_rerank_reorders_the_best_candidates_with_the_cross_encoder(repo: Path, cli, tmp_path: Path, monkeypatch):
    import torch

    from codeassist.heads import cross_encoder as cross
    from codeassist.encoders.code import encoder_id
    from codeassist.search import index
    from training.recipes.train_cross_encoder import CrossModel, save_model

    for rel, text in FILES.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    assert cli("index", cwd=repo, env=_env(tmp_path)).returncode == 0
    torch.manual_seed(0)
    save_model(CrossModel({"lora_r": 4, "lora_alpha": 8, "lora_dropout": 0.0}), tmp_path / "cross")
    monkeypatch.setattr(cross, "shipped_dir", lambda: tmp_path / "cross")
    cross.shipped.cache_clear()
    try:
        fused = index.search(repo, "hash of bytes", k=3)
        reranked = index.search(repo, "hash of bytes", k=3, rerank=2)
        model = cross.shipped()
    finally:
        cross.shipped.cache_clear()
    # The first two are the fused top two, reordered by RRF of the cross-encoder with the fused
    # order, and scored by it; the third keeps its fused place and score.
    assert reranked[2] == fused[2]
    texts = {u.qualname: u.text for u in index._load(index.index_dir(repo), encoder_id())[0]}
    probability = model.scores(["hash of bytes"] * 2, [texts[h.qualname] for h in fused[:2]])
    agreed = rrf(probability, np.array([h.score for h in fused[:2]]))
    expected = [fused[i].qualname for i in np.argsort(-agreed, kind="stable")]
    assert [h.qualname for h in reranked[:2]] == expected
    assert [h.score for h in reranked[:2]] == pytest.approx(sorted(agreed.tolist(), reverse=True))


def test_rerank_must_not_be_negative(repo: Path, cli, tmp_path: Path):
    done = cli("search", "anything", "--rerank", "-1", cwd=repo, env=_env(tmp_path))
    assert done.returncode == 2 and "--rerank must be 0 or more" in done.stderr
