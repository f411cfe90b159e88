"""Train the code encoder: a LoRA adapter on MiniLM, contrastively, against the doc encoder.

    python -m training.recipes.train_code_encoder --config training/configs/code_encoder.toml
    accelerate launch --num_processes 8 -m training.recipes.train_code_encoder --config ...

The documentation side is the frozen doc encoder (`codeassist.encoders.text`), so its vectors
are computed once, up front. Only the code side learns: MiniLM + LoRA reads the AST sequence
of each unit (`codeassist.parsing.ast_seq`) and InfoNCE pulls its vector towards the vector
of its own documentation and away from the others in the batch. Because the doc vectors are
frozen and precomputed, extra negatives cost nothing: every step also scores a random "bank"
of other training docs (`bank_negatives`), which a trainable two-tower setup could not afford.

The steps, in the order the functions below run:

1. Setup: read the config (`training/config.py`: the TOML is the whole config, `--set KEY=VALUE`
   changes a key it has); load the pairs and embed their docs once; MiniLM with a fresh LoRA
   adapter, AdamW and a warmup-cosine schedule; with `--resume`, the latest checkpoint.
2. Train: InfoNCE steps; every `eval_every` steps the dev MRR (the best adapter is kept in
   `output_dir/best`), every `checkpoint_every` steps a checkpoint (`accelerator.save_state`)
   from which `--resume` continues with the same data order.
3. Save: the final adapter in the peft format (`adapter_config.json` +
   `adapter_model.safetensors`) and a summary naming the adapter to ship (the best by dev MRR).

Runs on CPU, one GPU, or many through `accelerate launch` (each process takes its own batches;
in-batch negatives are per process).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path
from typing import Any, NamedTuple

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads: a shared CPU slows 4.5x otherwise

import numpy as np
import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from datasets import load_from_disk
from peft import LoraConfig, get_peft_model
from tqdm.auto import tqdm
from transformers import AutoModel, AutoTokenizer

from codeassist.encoders.text import MODEL_ID, MiniLM, model_dir, pool
from training.config import add_config_arguments, load_config, parse_set


class Pairs(NamedTuple):
    """The training pairs, with the frozen doc side already embedded."""

    docs: list[str]
    asts: list[str]
    targets: torch.Tensor   # doc vectors, one row per training pair
    doc_ids: torch.Tensor   # equal docs share an id, so they are never each other's negatives
    dev: Any                # the dev split (datasets.Dataset), for the MRR


def setup_data(config: dict[str, Any], out: Path, accelerator: Accelerator) -> Pairs:
    """Load the pairs and embed the training docs once.

    Args:
        config: The settings.
        out: The run directory (the doc vectors are cached there).
        accelerator: For the main process to embed while the others wait.

    Returns:
        The training pairs and the dev split.
    """
    data = load_from_disk(config["data"])
    train = data["train"]
    if config["max_train_pairs"]:
        train = train.shuffle(seed=config["seed"]).select(range(min(config["max_train_pairs"], len(train))))
    docs, asts = train["doc"], train["ast"]
    with accelerator.main_process_first():  # one process embeds, the others read its file
        targets = doc_vectors(docs, out, accelerator)
    doc_ids = torch.tensor(np.unique(docs, return_inverse=True)[1])
    return Pairs(docs, asts, targets, doc_ids, data["dev"])


def doc_vectors(docs: list[str], out: Path, accelerator: Accelerator) -> torch.Tensor:
    """Embed the documentation once with the frozen doc encoder (cached next to the output).

    Args:
        docs: The training docs.
        out: The run directory.
        accelerator: Only the main process writes the cache.

    Returns:
        One vector per doc.
    """
    cache = out / "doc_vectors.npy"
    if cache.exists() and np.load(cache, mmap_mode="r").shape[0] == len(docs):
        return torch.from_numpy(np.load(cache))
    vectors = MiniLM().encode(docs, batch_size=64)
    if accelerator.is_main_process:
        np.save(cache, vectors)
    return torch.from_numpy(vectors)


def setup_model(config: dict[str, Any]) -> tuple[Any, Any]:
    """Load MiniLM and its tokenizer, and wrap the model in a fresh LoRA adapter.

    Args:
        config: The settings (lora_r, lora_alpha, lora_dropout).

    Returns:
        The tokenizer and the peft model.
    """
    tokenizer = AutoTokenizer.from_pretrained(model_dir())
    model = get_peft_model(AutoModel.from_pretrained(model_dir()), LoraConfig(
        r=config["lora_r"], lora_alpha=config["lora_alpha"], lora_dropout=config["lora_dropout"],
        target_modules=["query", "key", "value", "dense"],
    ))
    # Record the base by its hub id, not by this machine's path to the packaged copy.
    model.peft_config["default"].base_model_name_or_path = MODEL_ID
    return tokenizer, model


def setup_optimizer(config: dict[str, Any], model: Any) -> tuple[torch.optim.Optimizer, Any]:
    """Make AdamW over the adapter's parameters and a linear-warmup cosine schedule.

    Args:
        config: The settings (learning_rate, weight_decay, max_steps, warmup_steps).
        model: The peft model.

    Returns:
        The optimizer and the scheduler.
    """
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad],
                                  lr=config["learning_rate"], weight_decay=config["weight_decay"])
    steps, warmup = config["max_steps"], config["warmup_steps"]
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / max(1, warmup))
                                                 * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    return optimizer, schedule


def resume(checkpoints: Path, accelerator: Accelerator) -> tuple[int, float]:
    """Restore the latest checkpoint, if there is one.

    Args:
        checkpoints: The run's checkpoint directory.
        accelerator: Holds the prepared model, optimizer and scheduler.

    Returns:
        The step to continue from and the best dev MRR so far (0 and -1 without a checkpoint).
    """
    if not checkpoints.exists() or not any(checkpoints.iterdir()):
        return 0, -1.0
    latest = max(checkpoints.iterdir(), key=lambda p: int(p.name.split("-")[1]))
    accelerator.load_state(str(latest))
    state = json.loads((latest / "progress.json").read_text())
    accelerator.print(f"resumed from {latest} at step {state['step']}")
    return state["step"], state["best_dev_mrr"]


def train(config: dict[str, Any], out: Path, accelerator: Accelerator, tokenizer: Any, model: Any,
          optimizer: torch.optim.Optimizer, schedule: Any, pairs: Pairs, *, start: int, best: float) -> float:
    """Run the InfoNCE steps from `start` to `max_steps`, evaluating and checkpointing on the way.

    Args:
        config: The settings.
        out: The run directory (train_log.jsonl, best/, checkpoints/).
        accelerator: The prepared run.
        tokenizer: MiniLM's tokenizer.
        model: The prepared peft model.
        optimizer: The prepared optimizer.
        schedule: The prepared scheduler.
        pairs: The training pairs and the dev split.
        start: The first step (after a resume, the checkpoint's).
        best: The best dev MRR so far.

    Returns:
        The best dev MRR.
    """
    device = accelerator.device
    targets, doc_ids = pairs.targets.to(device), pairs.doc_ids.to(device)
    rank, world = accelerator.process_index, accelerator.num_processes
    steps, temperature, bank = config["max_steps"], config["temperature"], config["bank_negatives"]
    # Seeded by the step too, so a resumed run does not replay the bank of its first steps.
    generator = np.random.default_rng(config["seed"] + 7919 * (start + 1) + rank)
    bar = tqdm(range(start, steps), initial=start, total=steps, desc="train",
               disable=not accelerator.is_local_main_process)
    began = time.time()
    model.train()
    with (out / "train_log.jsonl").open("a") as log:
        for step in bar:
            # Each process takes its own slice of a global batch.
            ids = batch_order(len(pairs.docs), config["batch_size"] * world, step, config["seed"])[rank::world]
            ids = torch.tensor(ids, device=device)
            extra = generator.choice(len(pairs.docs), size=min(bank, len(pairs.docs)), replace=False)
            candidates = torch.cat([ids, torch.from_numpy(extra).to(device)])
            code = encode(model, tokenizer, [pairs.asts[i] for i in ids.tolist()], config["max_tokens"], device)
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
                record["dev_mrr"] = mrr = dev_mrr(accelerator.unwrap_model(model), tokenizer, pairs.dev,
                                                 config["max_tokens"], device, config["dev_pool"])
                if mrr > best and accelerator.is_main_process:
                    best = mrr
                    accelerator.unwrap_model(model).save_pretrained(out / "best", save_embedding_layers=False)
                accelerator.print(f"step {done}: dev MRR {mrr:.4f} (best {best:.4f})")
            if accelerator.is_main_process:
                log.write(json.dumps(record) + "\n")
                log.flush()
            if done % config["checkpoint_every"] == 0 or done == steps:
                save_checkpoint(accelerator, out / "checkpoints" / f"step-{done}", done, best)
    bar.close()
    return best


def batch_order(n: int, batch_size: int, step: int, seed: int) -> list[int]:
    """Return the indices of batch `step`: epochs are seeded permutations, so resuming replays them.

    Args:
        n: The number of training pairs.
        batch_size: The global batch size (all processes).
        step: The step.
        seed: The run's seed.

    Returns:
        The pair indices of this step's batch.
    """
    per_epoch = max(1, n // batch_size)
    epoch, index = divmod(step, per_epoch)
    permutation = np.random.default_rng(seed + epoch).permutation(n)
    return permutation[index * batch_size : (index + 1) * batch_size].tolist()


def encode(model: Any, tokenizer: Any, texts: list[str], max_tokens: int, device: Any) -> torch.Tensor:
    """Return code vectors, with gradients (training) or without (under inference_mode).

    Args:
        model: The code encoder.
        tokenizer: Its tokenizer.
        texts: AST sequences.
        max_tokens: Longer sequences are cut.
        device: Where the model is.

    Returns:
        One pooled vector per text.
    """
    batch = tokenizer(texts, padding=True, truncation=True, max_length=max_tokens, return_tensors="pt").to(device)
    return pool(model(**batch).last_hidden_state, batch["attention_mask"])


@torch.inference_mode()
def dev_mrr(model: Any, tokenizer: Any, split: Any, max_tokens: int, device: Any, pool_size: int) -> float:
    """Return the MRR of doc → code retrieval on the first `pool_size` pairs of the dev split.

    Args:
        model: The code encoder (unwrapped).
        tokenizer: Its tokenizer.
        split: The dev split.
        max_tokens: As in training.
        device: Where the model is.
        pool_size: How many dev pairs compete.

    Returns:
        The mean reciprocal rank.
    """
    model.eval()
    rows = split.select(range(min(pool_size, len(split))))
    queries = torch.from_numpy(MiniLM().encode(rows["doc"]))
    codes = torch.cat([encode(model, tokenizer, rows["ast"][i : i + 64], max_tokens, device).cpu()
                       for i in range(0, len(rows), 64)])
    scores = queries @ codes.T
    ranks = (scores > scores.diagonal().unsqueeze(1)).sum(1) + 1
    model.train()
    return float((1.0 / ranks.float()).mean())


def save_checkpoint(accelerator: Accelerator, target: Path, step: int, best: float) -> None:
    """Save the whole training state, and the progress `resume` reads back.

    Args:
        accelerator: The prepared run.
        target: The checkpoint directory (checkpoints/step-N).
        step: Steps done.
        best: The best dev MRR so far.
    """
    accelerator.save_state(str(target))
    if accelerator.is_main_process:
        (target / "progress.json").write_text(json.dumps({"step": step, "best_dev_mrr": best}))


def save(config: dict[str, Any], out: Path, accelerator: Accelerator, model: Any, pairs: Pairs, *,
         best: float, seconds: float) -> None:
    """Save the final adapter and a summary that names the adapter to ship.

    Args:
        config: The settings (recorded in the summary).
        out: The run directory.
        accelerator: The prepared run.
        model: The prepared peft model.
        pairs: The training pairs (their count is recorded).
        best: The best dev MRR.
        seconds: How long this run trained.
    """
    accelerator.wait_for_everyone()
    if not accelerator.is_main_process:
        return
    final = out / "adapter"
    accelerator.unwrap_model(model).save_pretrained(final, save_embedding_layers=False)
    chosen = out / "best" if (out / "best").exists() else final
    summary = {"steps": config["max_steps"], "train_pairs": len(pairs.docs), "best_dev_mrr": best,
               "chosen": str(chosen), "seconds_this_run": round(seconds, 1), "device": str(accelerator.device),
               "processes": accelerator.num_processes, "config": config}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    accelerator.print(json.dumps({k: v for k, v in summary.items() if k != "config"}))


def main(argv: list[str] | None = None) -> int:
    """Setup, train, save, clean up.

    Args:
        argv: Command-line arguments (`--config FILE [--set KEY=VALUE] [--resume]`).

    Returns:
        0.
    """
    cli = argparse.ArgumentParser(description="Contrastive LoRA training of the code encoder")
    add_config_arguments(cli)
    cli.add_argument("--resume", action="store_true", help="continue from the latest checkpoint")
    args = cli.parse_args(argv)
    config = load_config(args.config, parse_set(args.overrides), paths=("data", "output_dir"),
                         shipped="code_encoder")
    out = Path(config["output_dir"])

    accelerator = Accelerator()
    set_seed(config["seed"])
    out.mkdir(parents=True, exist_ok=True)
    pairs = setup_data(config, out, accelerator)
    tokenizer, model = setup_model(config)
    optimizer, schedule = setup_optimizer(config, model)
    model, optimizer, schedule = accelerator.prepare(model, optimizer, schedule)
    start, best = resume(out / "checkpoints", accelerator) if args.resume else (0, -1.0)

    began = time.time()
    best = train(config, out, accelerator, tokenizer, model, optimizer, schedule, pairs, start=start, best=best)
    save(config, out, accelerator, model, pairs, best=best, seconds=time.time() - began)
    accelerator.end_training()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
