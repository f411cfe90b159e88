"""LoRA supervised fine-tuning of the codeassist LLM: setup → train → save, top to bottom.

One script for a CPU smoke run, one GPU, or many through `accelerate launch`. The task is
read from the config; `docstring` trains (code without its docstring → the docstring's first
paragraph) on the mined pairs of training/data/mine_pairs.py, split by package, with the
exact prompt the product uses (codeassist.generate.docstrings.summary_prompt), so what is trained
is what runs. `review` trains CA501 answers (a numbered hunk → JSON naming the buggy line, or
`{"line": null}`) on the examples of training/data/mine_review.py, with the product's
prompt (codeassist.heads.llm_review.comments.review_prompt). Only the answer tokens carry loss.

Checkpoints (adapter + optimizer + scheduler + step) go to OUT/checkpoints/step-N; `--resume`
continues from the newest. The final adapter is saved with peft's `save_pretrained`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
import tomllib
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch: a shared CPU slows 4.5x otherwise
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
from accelerate import Accelerator  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402

DEFAULTS: dict[str, Any] = {
    "task": "docstring",
    "base_model": "smollm2",         # codeassist.llm.models.resolve: packaged default, path or hub id
    "data": "~/.cache/codeassist-data/pairs",
    "languages": ["python"],
    "max_train_examples": 2000,
    "max_dev_examples": 64,
    "max_code_chars": 1200,
    "max_seq_len": 384,
    "lora_r": 8,
    "lora_alpha": 16,
    "lora_dropout": 0.05,
    "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"],
    "learning_rate": 2e-4,
    "warmup_steps": 10,
    "batch_size": 4,
    "grad_accum": 1,
    "max_steps": 200,
    "eval_every": 50,
    "save_every": 50,
    "seed": 0,
    "out": "~/.cache/codeassist-data/runs/lora-docstring",
    "threads": 1,
}


def load_config(path: Path | None, overrides: dict[str, Any]) -> dict[str, Any]:
    """Merge defaults, the TOML file and overrides; unknown keys are an error.

    Args:
        path: The TOML config, or None.
        overrides: Values that win over the file (tests, command line).

    Returns:
        The settings.
    """
    config = dict(DEFAULTS)
    file_values = tomllib.loads(path.read_text()) if path else {}
    unknown = sorted(set(file_values) - set(DEFAULTS))
    if unknown:
        raise SystemExit(f"unknown config keys: {', '.join(unknown)}")
    config.update(file_values)
    config.update(overrides)
    return config


def build_examples(config: dict[str, Any], split: str, limit: int) -> list[dict[str, str]]:
    """Read one split of the mined pairs as (prompt, answer) examples.

    Args:
        config: The settings.
        split: "train", "dev" or "test".
        limit: The most examples, a deterministic sample.

    Returns:
        Examples with "prompt" and "answer".
    """
    from datasets import load_from_disk

    from codeassist.generate.docstrings import summary_prompt
    data = load_from_disk(str(Path(config["data"]).expanduser()))[split]
    if config["task"] == "review":
        # Rows of training/data/mine_review.py: a numbered hunk view and its JSON target,
        # in the product's prompt (codeassist.heads.llm_review.comments.review_prompt).
        from codeassist.heads.llm_review.comments import review_prompt
        rows = list(data)
        random.Random(config["seed"]).shuffle(rows)
        return [{"prompt": review_prompt(r["path"], r["view"]), "answer": r["answer"]} for r in rows[:limit]]
    rows = [r for r in data if r["language"] in config["languages"]]
    random.Random(config["seed"]).shuffle(rows)
    return [
        {"prompt": summary_prompt(r["code"][: config["max_code_chars"]], "function", r["language"]),
         "answer": r["doc"]}
        for r in rows[:limit]
    ]


def tokenize(example: dict[str, str], tokenizer: Any, max_len: int) -> dict[str, list[int]]:
    """Tokenise one example in the chat format; prompt tokens get label -100.

    Args:
        example: "prompt" and "answer".
        tokenizer: The base model's tokenizer.
        max_len: The most tokens; the prompt is cut from its end, never the answer.

    Returns:
        input_ids and labels.
    """
    from codeassist.llm import prompts
    messages = [{"role": "system", "content": prompts.SYSTEM}, {"role": "user", "content": example["prompt"]}]
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    answer_ids = tokenizer(example["answer"] + "<|im_end|>", add_special_tokens=False)["input_ids"][:96]
    keep = max_len - len(answer_ids)
    prompt_ids = prompt_ids[: keep - 8] + prompt_ids[-8:] if len(prompt_ids) > keep else prompt_ids
    return {"input_ids": prompt_ids + answer_ids, "labels": [-100] * len(prompt_ids) + answer_ids}


def collate(batch: list[dict[str, list[int]]], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pad a batch.

    Args:
        batch: Tokenised examples.
        pad_id: The padding token id.

    Returns:
        input_ids, attention_mask and labels tensors.
    """
    width = max(len(b["input_ids"]) for b in batch)
    ids = torch.full((len(batch), width), pad_id)
    labels = torch.full((len(batch), width), -100)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, b in enumerate(batch):
        n = len(b["input_ids"])
        ids[row, :n] = torch.tensor(b["input_ids"])
        labels[row, :n] = torch.tensor(b["labels"])
        mask[row, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


@torch.no_grad()
def evaluate(model: Any, batches: list[dict[str, torch.Tensor]], accelerator: Accelerator) -> float:
    """Return the mean answer-token loss over held-out batches.

    Args:
        model: The model being trained.
        batches: Collated dev batches.
        accelerator: For device placement.

    Returns:
        The mean loss.
    """
    model.eval()
    losses = [model(**{k: v.to(accelerator.device) for k, v in b.items()}).loss.item() for b in batches]
    model.train()
    return sum(losses) / max(len(losses), 1)


def main(argv: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
    """Run the recipe.

    Args:
        argv: Command-line arguments (--config FILE, --resume).
        **overrides: Settings that win over the config file (used by tests).

    Returns:
        A summary: steps, seconds, losses, example counts and the adapter directory.
    """
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--config", type=Path)
    cli.add_argument("--resume", action="store_true", help="continue from the newest checkpoint")
    args = cli.parse_args(argv)
    config = load_config(args.config, overrides)
    torch.set_num_threads(int(config["threads"]))
    torch.manual_seed(config["seed"])

    # --- setup ---------------------------------------------------------------------------
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict
    from transformers import AutoModelForCausalLM, AutoTokenizer, get_linear_schedule_with_warmup

    from codeassist.llm.generation import DEFAULT_BASE_ID
    from codeassist.llm.models import is_default, resolve
    accelerator = Accelerator(gradient_accumulation_steps=int(config["grad_accum"]))
    out = Path(config["out"]).expanduser()
    base = resolve(config["base_model"])
    tokenizer = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(str(base), dtype=torch.float32, local_files_only=True)
    lora = LoraConfig(r=config["lora_r"], lora_alpha=config["lora_alpha"], lora_dropout=config["lora_dropout"],
                      target_modules=list(config["target_modules"]), task_type="CAUSAL_LM")
    model = get_peft_model(model, lora)
    train = build_examples(config, "train", config["max_train_examples"])
    dev = build_examples(config, "dev", config["max_dev_examples"])
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    train_tok = [tokenize(e, tokenizer, config["max_seq_len"]) for e in train]
    dev_batches = [collate([tokenize(e, tokenizer, config["max_seq_len"]) for e in dev[i : i + 8]], pad)
                   for i in range(0, len(dev), 8)]
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config["learning_rate"])
    scheduler = get_linear_schedule_with_warmup(optimizer, config["warmup_steps"], config["max_steps"])
    model, optimizer, scheduler = accelerator.prepare(model, optimizer, scheduler)
    accelerator.print(f"train {len(train)} / dev {len(dev)} examples; "
                      f"{sum(p.numel() for p in model.parameters() if p.requires_grad):,} trainable parameters")

    step = 0
    checkpoints = out / "checkpoints"
    if args.resume and checkpoints.is_dir():
        newest = max(checkpoints.glob("step-*"), key=lambda p: int(p.name.split("-")[1]), default=None)
        if newest is not None:
            from safetensors.torch import load_file

            set_peft_model_state_dict(accelerator.unwrap_model(model), load_file(newest / "adapter.safetensors"))
            state = torch.load(newest / "trainer.pt", weights_only=False)
            optimizer.load_state_dict(state["optimizer"])
            scheduler.load_state_dict(state["scheduler"])
            step = state["step"]
            accelerator.print(f"resumed from {newest} at step {step}")

    # --- train ---------------------------------------------------------------------------
    # Batches are drawn from a seeded permutation per epoch, indexed by step, so a resumed
    # run sees exactly the batches the uninterrupted run would have seen.
    batch_size = int(config["batch_size"])
    per_epoch = max(len(train_tok) // batch_size, 1)
    log: list[dict[str, float]] = []
    last_dev = math.nan
    start = time.perf_counter()
    model.train()
    bar = tqdm(total=config["max_steps"], initial=step, desc="lora-sft", disable=not accelerator.is_main_process)
    while step < config["max_steps"]:
        epoch, index = divmod(step, per_epoch)
        order = list(range(len(train_tok)))
        random.Random(config["seed"] + epoch).shuffle(order)
        batch = collate([train_tok[i] for i in order[index * batch_size : (index + 1) * batch_size]], pad)
        with accelerator.accumulate(model):
            loss = model(**{k: v.to(accelerator.device) for k, v in batch.items()}).loss
            accelerator.backward(loss)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
        step += 1
        bar.update(1)
        bar.set_postfix(loss=f"{loss.item():.3f}")
        record = {"step": step, "loss": loss.item(), "seconds": time.perf_counter() - start}
        if step % config["eval_every"] == 0 or step == config["max_steps"]:
            record["dev_loss"] = last_dev = evaluate(model, dev_batches, accelerator)
            accelerator.print(f"step {step}: dev loss {record['dev_loss']:.3f}")
        log.append(record)
        if accelerator.is_main_process and (step % config["save_every"] == 0 or step == config["max_steps"]):
            from peft import get_peft_model_state_dict
            from safetensors.torch import save_file

            target = checkpoints / f"step-{step}"
            target.mkdir(parents=True, exist_ok=True)
            weights = get_peft_model_state_dict(accelerator.unwrap_model(model))
            save_file({k: v.contiguous() for k, v in weights.items()}, target / "adapter.safetensors")
            torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), "step": step},
                       target / "trainer.pt")
            with (out / "train_log.jsonl").open("a") as stream:
                stream.writelines(json.dumps(r) + "\n" for r in log)
            log.clear()
    bar.close()

    # --- save ----------------------------------------------------------------------------
    adapter = out / "adapter"
    if accelerator.is_main_process:
        unwrapped = accelerator.unwrap_model(model)
        if is_default(config["base_model"]):
            # The converted GGUF lives at a machine-specific cache path; record the public id.
            unwrapped.peft_config["default"].base_model_name_or_path = DEFAULT_BASE_ID
        unwrapped.save_pretrained(str(adapter))
    accelerator.wait_for_everyone()
    summary = {"steps": step, "seconds": round(time.perf_counter() - start, 1), "train_examples": len(train),
               "dev_examples": len(dev), "adapter": str(adapter),
               "final_dev_loss": last_dev}
    accelerator.print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
