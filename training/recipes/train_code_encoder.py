"""Train the code encoder: a LoRA adapter on MiniLM, contrastively, against the doc encoder.

    python -m training.recipes.train_code_encoder --config training/configs/code_encoder.toml
    accelerate launch --num_processes 8 -m training.recipes.train_code_encoder --config ...

The documentation side is the frozen doc encoder (`codeassist.encoders.text`), so its vectors
are computed once, up front. Only the code side learns: MiniLM + LoRA reads the AST sequence
of each unit (`codeassist.parsing.ast_seq`) and InfoNCE pulls its vector towards the vector
of its own documentation and away from the others in the batch. Because the doc vectors are
frozen and precomputed, extra negatives cost nothing: every step also scores a random "bank"
of other training docs (`bank_negatives`), which a trainable two-tower setup could not afford.

Setup → train → save, top to bottom. Runs on CPU, one GPU, or many through `accelerate
launch` (each process takes its own batches; in-batch negatives are per process). Checkpoints
every `checkpoint_every` steps (`accelerator.save_state`); `--resume` continues from the
latest one with the same data order. The adapter with the best dev MRR is saved in the peft
format (`adapter_config.json` + `adapter_model.safetensors`) to `output_dir`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
import tomllib
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads: see DESIGN.md

import numpy as np
import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from datasets import load_from_disk
from peft import LoraConfig, get_peft_model
from tqdm.auto import tqdm
from transformers import AutoModel, AutoTokenizer

from codeassist.encoders.text import MODEL_ID, MiniLM, model_dir, pool


def parse_args(argv: list[str] | None = None) -> tuple[dict, bool]:
    """Read the config file; command-line `--set key=value` pairs override it."""
    cli = argparse.ArgumentParser(description="Contrastive LoRA training of the code encoder")
    cli.add_argument("--config", type=Path, required=True)
    cli.add_argument("--resume", action="store_true", help="continue from the latest checkpoint")
    cli.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a config value (parsed as TOML), e.g. --set max_steps=10")
    args = cli.parse_args(argv)
    config = tomllib.loads(args.config.read_text("utf-8"))
    for item in args.set:
        key, value = item.split("=", 1)
        # A bare path is taken as a string; anything else is a TOML value (numbers, "strings").
        config[key] = value if value.startswith(("~", "/")) else tomllib.loads(f"v = {value}")["v"]
    for key in ("data", "output_dir"):
        config[key] = str(Path(config[key]).expanduser())
    return config, args.resume


def doc_vectors(docs: list[str], out: Path, accelerator: Accelerator) -> torch.Tensor:
    """Embed the documentation once with the frozen doc encoder (cached next to the output)."""
    cache = out / "doc_vectors.npy"
    if cache.exists() and np.load(cache, mmap_mode="r").shape[0] == len(docs):
        return torch.from_numpy(np.load(cache))
    vectors = MiniLM().encode(docs, batch_size=64)
    if accelerator.is_main_process:
        np.save(cache, vectors)
    return torch.from_numpy(vectors)


def batch_order(n: int, batch_size: int, step: int, seed: int) -> list[int]:
    """The indices of batch `step`: epochs are seeded permutations, so resuming replays them."""
    per_epoch = max(1, n // batch_size)
    epoch, index = divmod(step, per_epoch)
    permutation = np.random.default_rng(seed + epoch).permutation(n)
    return permutation[index * batch_size : (index + 1) * batch_size].tolist()


def encode(model, tokenizer, texts: list[str], max_tokens: int, device) -> torch.Tensor:  # noqa: ANN001
    """Code vectors with gradients (training) or without (under inference_mode)."""
    batch = tokenizer(texts, padding=True, truncation=True, max_length=max_tokens, return_tensors="pt").to(device)
    return pool(model(**batch).last_hidden_state, batch["attention_mask"])


@torch.inference_mode()
def dev_mrr(model, tokenizer, split, max_tokens: int, device, pool_size: int) -> float:  # noqa: ANN001
    """MRR of doc → code retrieval on (the first `pool_size` pairs of) the dev split."""
    model.eval()
    rows = split.select(range(min(pool_size, len(split))))
    queries = torch.from_numpy(MiniLM().encode(rows["doc"]))
    codes = torch.cat([encode(model, tokenizer, rows["ast"][i : i + 64], max_tokens, device).cpu()
                       for i in range(0, len(rows), 64)])
    scores = queries @ codes.T
    ranks = (scores > scores.diagonal().unsqueeze(1)).sum(1) + 1
    model.train()
    return float((1.0 / ranks.float()).mean())


def main(argv: list[str] | None = None) -> int:
    """Setup, train, save; returns the exit code."""
    config, resume = parse_args(argv)
    out = Path(config["output_dir"])
    # ---- setup -------------------------------------------------------------------------
    accelerator = Accelerator()
    set_seed(config["seed"])
    out.mkdir(parents=True, exist_ok=True)
    data = load_from_disk(config["data"])
    train = data["train"]
    if config.get("max_train_pairs"):
        train = train.shuffle(seed=config["seed"]).select(range(min(config["max_train_pairs"], len(train))))
    docs, asts = train["doc"], train["ast"]
    with accelerator.main_process_first():  # one process embeds, the others read its file
        targets = doc_vectors(docs, out, accelerator)
    doc_ids = torch.tensor(np.unique(docs, return_inverse=True)[1])  # equal docs are not negatives

    tokenizer = AutoTokenizer.from_pretrained(model_dir())
    model = get_peft_model(AutoModel.from_pretrained(model_dir()), LoraConfig(
        r=config["lora_r"], lora_alpha=config["lora_alpha"], lora_dropout=config["lora_dropout"],
        target_modules=["query", "key", "value", "dense"],
    ))
    # Record the base by its hub id, not by this machine's path to the packaged copy.
    model.peft_config["default"].base_model_name_or_path = MODEL_ID
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad],
                                  lr=config["learning_rate"], weight_decay=config["weight_decay"])
    steps, warmup = config["max_steps"], config["warmup_steps"]
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / max(1, warmup))
                                                 * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    model, optimizer, schedule = accelerator.prepare(model, optimizer, schedule)
    device = accelerator.device
    targets, doc_ids = targets.to(device), doc_ids.to(device)

    start, best = 0, -1.0
    checkpoints = out / "checkpoints"
    if resume and checkpoints.exists() and any(checkpoints.iterdir()):
        latest = max(checkpoints.iterdir(), key=lambda p: int(p.name.split("-")[1]))
        accelerator.load_state(str(latest))
        state = json.loads((latest / "progress.json").read_text())
        start, best = state["step"], state["best_dev_mrr"]
        accelerator.print(f"resumed from {latest} at step {start}")

    # ---- train -------------------------------------------------------------------------
    rank, world = accelerator.process_index, accelerator.num_processes
    temperature, bank = config["temperature"], config["bank_negatives"]
    generator = np.random.default_rng(config["seed"] + 7919 * (start + 1) + rank)
    log = (out / "train_log.jsonl").open("a")
    bar = tqdm(range(start, steps), initial=start, total=steps, desc="train",
               disable=not accelerator.is_local_main_process)
    began = time.time()
    model.train()
    for step in bar:
        # Each process takes its own slice of a global batch.
        ids = batch_order(len(docs), config["batch_size"] * world, step, config["seed"])[rank::world]
        ids = torch.tensor(ids, device=device)
        extra = torch.from_numpy(generator.choice(len(docs), size=min(bank, len(docs)), replace=False)).to(device)
        candidates = torch.cat([ids, extra])
        code = encode(model, tokenizer, [asts[i] for i in ids.tolist()], config["max_tokens"], device)
        logits = code @ targets[candidates].T / temperature
        labels = torch.arange(len(ids), device=device)
        # A candidate whose doc equals the positive's doc is not a negative: mask it out.
        same = doc_ids[ids].unsqueeze(1) == doc_ids[candidates].unsqueeze(0)
        same[labels, labels] = False
        logits = logits.masked_fill(same, float("-inf"))
        loss = torch.nn.functional.cross_entropy(logits, labels)
        # The reverse direction (doc → code, in-batch) trains the ranking the search uses.
        loss = 0.5 * (loss + torch.nn.functional.cross_entropy(logits[:, : len(ids)].T, labels))
        accelerator.backward(loss)
        accelerator.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        done = step + 1
        bar.set_postfix(loss=f"{loss.item():.3f}")
        record = {"step": done, "loss": round(loss.item(), 4), "lr": schedule.get_last_lr()[0],
                  "elapsed_s": round(time.time() - began, 1)}
        if done % config["eval_every"] == 0 or done == steps:
            record["dev_mrr"] = mrr = dev_mrr(accelerator.unwrap_model(model), tokenizer, data["dev"],
                                             config["max_tokens"], device, config["dev_pool"])
            if mrr > best and accelerator.is_main_process:
                best = mrr
                accelerator.unwrap_model(model).save_pretrained(out / "best", save_embedding_layers=False)
            accelerator.print(f"step {done}: dev MRR {mrr:.4f} (best {best:.4f})")
        if accelerator.is_main_process:
            log.write(json.dumps(record) + "\n")
            log.flush()
        if done % config["checkpoint_every"] == 0 or done == steps:
            target = checkpoints / f"step-{done}"
            accelerator.save_state(str(target))
            if accelerator.is_main_process:
                (target / "progress.json").write_text(json.dumps({"step": done, "best_dev_mrr": best}))
    bar.close()

    # ---- save --------------------------------------------------------------------------
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        final = out / "adapter"
        adapter = accelerator.unwrap_model(model)
        adapter.save_pretrained(final, save_embedding_layers=False)
        chosen = out / "best" if (out / "best").exists() else final
        summary = {"steps": steps, "train_pairs": len(docs), "best_dev_mrr": best, "chosen": str(chosen),
                   "seconds_this_run": round(time.time() - began, 1), "device": str(device),
                   "processes": world, "config": config}
        (out / "summary.json").write_text(json.dumps(summary, indent=2))
        accelerator.print(json.dumps({k: v for k, v in summary.items() if k != "config"}))
    log.close()
    accelerator.end_training()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
