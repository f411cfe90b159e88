"""Train the cross-encoder: MiniLM + LoRA reads (documentation, code) in one sequence.

    OMP_WAIT_POLICY=PASSIVE python -m training.recipes.train_cross_encoder --config training/configs/cross_encoder.toml

The model is `codeassist.heads.cross_encoder`: `[CLS] doc [SEP] code [SEP]` through MiniLM with a
fresh LoRA adapter, mean-pooled, and a logistic head; binary cross-entropy says whether the
documentation describes the code. Two kinds of examples teach it:

- relevance (for search and CA301): `relevance_per_language` mined pairs of each language
  (`training/configs/mine_pairs.toml`'s data), each with its own code (yes), the code of
  its package that BM25 ranks highest for its documentation (no: the hard negative) and a
  random unit of its language (no);
- consistency (for CA201; `kinds` names which of the two a run trains on): every drift example (`training/configs/mine_drift.toml`'s data)
  as (old doc, new code), yes unless the doc went stale, and (old doc, old code), yes.

The steps, in the order the functions below run:

1. Setup: read the config; build the examples (train) and the dev questions (dev splits of
   both datasets, packages never trained on); MiniLM with a fresh LoRA adapter and the head,
   AdamW, a warmup-cosine schedule.
2. Train: length-bucketed batches of shuffled examples; every `eval_every` steps the dev
   report (relevance AUC and MRR over `rerank_pool` BM25 candidates, drift AUC of the score's
   drop from old code to new code, and `score`, the mean of the MRR and the drift AUCs); the
   model with the best `select` figure is kept in `output_dir/best`, the last in `output_dir/final`.
3. Save: the best adapter and head (`save_head`, family "cross-encoder") to `ship` with
   metrics.json and MODEL_CARD.md (training/cards/cross-encoder.md).

A run stops at `max_steps` or after `--time-budget` seconds (the schedule is sized by
`max_steps`; a budget cut is reported in the card).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import time
from pathlib import Path
from typing import Any, NamedTuple

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads: a shared CPU slows 4.5x otherwise

import numpy as np
import torch
from datasets import load_from_disk
from peft import LoraConfig, get_peft_model
from tqdm.auto import tqdm
from transformers import AutoModel, AutoTokenizer

from codeassist.heads.cross_encoder import FAMILY, trained_on
from codeassist.encoders.lexical import BM25
from codeassist.encoders.text import MODEL_ID, model_dir
from codeassist.heads.asset import Head, save_head
from training import cards
from training.config import add_config_arguments, load_config, parse_set
from training.recipes.code_encoder_batches import bm25_neighbours


class Examples(NamedTuple):
    """Training examples: documentation, code, label (1: the doc describes the code), and kind."""

    docs: list[str]
    codes: list[str]
    labels: list[int]
    kinds: list[str]   # "relevance" or "drift"


class Dev(NamedTuple):
    """The dev questions: rerank pools (query, candidates, index of the right one) and drift rows."""

    pools: list[tuple[str, list[str], int]]
    drift: list[dict]


# --- setup -------------------------------------------------------------------------------

def relevance_examples(split: Any, per_language: int, seed: int) -> Examples:
    """Each sampled pair with its own code (1), its BM25 neighbour's code (0) and a random unit's (0).

    Args:
        split: A split of the mined pairs.
        per_language: Pairs sampled per language (TypeScript counts as its own language).
        seed: The sampling seed.

    Returns:
        Three examples per sampled pair.
    """
    rng = np.random.default_rng(seed)
    languages = np.array(split["language"])
    chosen = np.concatenate([rng.permutation(np.flatnonzero(languages == language))[:per_language]
                             for language in sorted(set(languages.tolist()))])
    rows = split.select(chosen.tolist())
    docs, codes, packages, langs = list(rows["doc"]), list(rows["code"]), list(rows["package"]), list(rows["language"])
    neighbours = bm25_neighbours(docs, codes, packages)
    out = Examples([], [], [], [])
    by_language: dict[str, list[int]] = {}
    for i, language in enumerate(langs):
        by_language.setdefault(language, []).append(i)
    for i, doc in enumerate(docs):
        others = by_language[langs[i]]
        random_other = others[int(rng.integers(len(others)))]
        for code_index, label in ((i, 1), (int(neighbours[i]), 0), (random_other, 0)):
            if label == 0 and (code_index == i or docs[code_index] == doc):
                continue  # no other unit to contrast with, or the same documentation
            out.docs.append(doc)
            out.codes.append(codes[code_index])
            out.labels.append(label)
            out.kinds.append("relevance")
    return out


def drift_examples(split: Any) -> Examples:
    """(old doc, new code): yes unless the doc went stale; (old doc, old code): yes, once per pair."""
    out = Examples([], [], [], [])
    seen: set[tuple[str, str]] = set()
    for row in split:
        for code, label in ((row["new_code"], 1 - int(row["label"])), (row["old_code"], 1)):
            if (row["old_doc"], code) in seen:
                continue
            seen.add((row["old_doc"], code))
            out.docs.append(row["old_doc"])
            out.codes.append(code)
            out.labels.append(label)
            out.kinds.append("drift")
    return out


def rerank_pools(split: Any, per_language: int, pool: int) -> list[tuple[str, list[str], int]]:
    """For the first dev pairs of each language: the query, the BM25 top `pool` of its language's codes.

    The right code is put in the pool when BM25 missed it, so the figure is the reranker's
    alone (how well it orders a pool that holds the answer).
    """
    languages = list(split["language"])
    pools = []
    for language in sorted(set(languages)):
        rows = split.select([i for i, lang in enumerate(languages) if lang == language][:per_language])
        docs, codes = list(rows["doc"]), list(rows["code"])
        index = BM25(codes)
        for i, doc in enumerate(docs):
            top = [int(j) for j in np.argsort(-index.scores(doc), kind="stable")[:pool]]
            if i not in top:
                top[-1] = i
            pools.append((doc, [codes[j] for j in top], top.index(i)))
    return pools


def setup_data(config: dict[str, Any]) -> tuple[Examples, Dev]:
    """Build the training examples of the configured `kinds` and the dev questions from the two datasets."""
    pairs, drift = load_from_disk(config["pairs"]), load_from_disk(config["drift"])
    parts = []
    if "relevance" in config["kinds"]:
        parts.append(relevance_examples(pairs["train"], config["relevance_per_language"], config["seed"]))
    if "drift" in config["kinds"]:
        parts.append(drift_examples(drift["train"]))
    examples = Examples(*([x for part in parts for x in part[field]] for field in range(len(Examples._fields))))
    dev = Dev(rerank_pools(pairs["dev"], config["dev_per_language"], config["rerank_pool"]), list(drift["dev"]))
    return examples, dev


class CrossModel(torch.nn.Module):
    """MiniLM with a LoRA adapter, mean pooling and a logistic head: one logit per pair."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self.encoder = get_peft_model(AutoModel.from_pretrained(model_dir()), LoraConfig(
            r=config["lora_r"], lora_alpha=config["lora_alpha"], lora_dropout=config["lora_dropout"],
            target_modules=["query", "key", "value", "dense"],
        ))
        # Record the base by its hub id, not by this machine's path to the packaged copy.
        self.encoder.peft_config["default"].base_model_name_or_path = MODEL_ID
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        hidden = self.encoder(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(pooled).squeeze(-1)


def setup_model(config: dict[str, Any]) -> tuple[Any, CrossModel, torch.optim.Optimizer, Any]:
    """The tokenizer, the model, AdamW over the adapter and the head, and a warmup-cosine schedule."""
    tokenizer = AutoTokenizer.from_pretrained(model_dir())
    model = CrossModel(config)
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=config["learning_rate"], weight_decay=config["weight_decay"])
    steps, warmup = config["max_steps"], config["warmup_steps"]
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / max(1, warmup))
                                                 * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    return tokenizer, model, optimizer, schedule


# --- train -------------------------------------------------------------------------------

def batch_order(examples: Examples, batch_size: int, steps: int, seed: int, bucket: int = 8) -> list[list[int]]:
    """Shuffled batches for `steps` steps, `bucket` batches at a time sorted by length (less padding)."""
    rng = np.random.default_rng(seed)
    lengths = np.array([len(d) + len(c) for d, c in zip(examples.docs, examples.codes)])
    batches: list[list[int]] = []
    while len(batches) < steps:
        order = rng.permutation(len(lengths))
        for start in range(0, len(order), batch_size * bucket):
            group = order[start : start + batch_size * bucket]
            group = group[np.argsort(lengths[group], kind="stable")]
            cut = [group[i : i + batch_size].tolist() for i in range(0, len(group), batch_size)]
            batches += [cut[i] for i in rng.permutation(len(cut))]
    return batches[:steps]


def tokenize(tokenizer: Any, docs: list[str], codes: list[str], max_tokens: int) -> dict[str, torch.Tensor]:
    """Pairs as the numpy scorer reads them: stripped, truncated longest first."""
    return tokenizer([d.strip() for d in docs], [c.strip() for c in codes], padding=True,
                     truncation="longest_first", max_length=max_tokens, return_tensors="pt")


@torch.inference_mode()
def probabilities(model: CrossModel, tokenizer: Any, docs: list[str], codes: list[str], max_tokens: int,
                  batch_size: int = 32, progress: str = "") -> np.ndarray:
    """The model's probability per pair (evaluation mode, length-sorted batches; a bar when `progress` names it)."""
    model.eval()
    out = np.zeros(len(docs), dtype=np.float32)
    order = np.argsort([len(d) + len(c) for d, c in zip(docs, codes)], kind="stable")
    for start in tqdm(range(0, len(order), batch_size), desc=progress, disable=not progress, mininterval=10):
        ids = order[start : start + batch_size]
        logits = model(tokenize(tokenizer, [docs[i] for i in ids], [codes[i] for i in ids], max_tokens))
        out[ids] = torch.sigmoid(logits).numpy()
    model.train()
    return out


def evaluate(model: CrossModel, tokenizer: Any, dev: Dev, max_tokens: int) -> dict[str, float]:
    """Dev report: rerank MRR and relevance AUC over the pools, drift AUC (old − new score) by source."""
    from sklearn.metrics import roc_auc_score

    docs = [q for q, candidates, _ in dev.pools for _ in candidates]
    codes = [c for _, candidates, _ in dev.pools for c in candidates]
    scores = probabilities(model, tokenizer, docs, codes, max_tokens)
    reciprocal, truth, flat, start = [], [], [], 0
    for _, candidates, right in dev.pools:
        part = scores[start : start + len(candidates)]
        start += len(candidates)
        reciprocal.append(1.0 / (1 + int((part > part[right]).sum())))
        truth += [int(i == right) for i in range(len(candidates))]
        flat += part.tolist()
    old = probabilities(model, tokenizer, [r["old_doc"] for r in dev.drift], [r["old_code"] for r in dev.drift], max_tokens)
    new = probabilities(model, tokenizer, [r["old_doc"] for r in dev.drift], [r["new_code"] for r in dev.drift], max_tokens)
    labels, sources = np.array([int(r["label"]) for r in dev.drift]), np.array([r["source"] for r in dev.drift])
    report = {"rerank_mrr": float(np.mean(reciprocal)), "relevance_auc": float(roc_auc_score(truth, flat))}
    for source in ("history", "mutation"):
        mask = sources == source
        report[f"drift_auc_{source}"] = float(roc_auc_score(labels[mask], (old - new)[mask]))
    report["score"] = float(np.mean([report["rerank_mrr"], report["drift_auc_history"], report["drift_auc_mutation"]]))
    return {k: round(v, 4) for k, v in report.items()}


def train(config: dict[str, Any], out: Path, tokenizer: Any, model: CrossModel, optimizer: torch.optim.Optimizer,
          schedule: Any, examples: Examples, dev: Dev, budget: float) -> dict[str, Any]:
    """BCE steps with dev reports every `eval_every`; the model with the best `select` figure is
    saved to `out/best`, the last one to `out/final`.

    Returns:
        The best dev report, its step, the steps done and the seconds spent.
    """
    steps = config["max_steps"]
    batches = batch_order(examples, config["batch_size"], steps, config["seed"])
    labels = torch.tensor(examples.labels, dtype=torch.float32)
    best: dict[str, Any] = {"step": 0, "dev": evaluate(model, tokenizer, dev, config["max_tokens"])}
    save_model(model, out / "best")
    log = (out / "train_log.jsonl").open("w")
    log.write(json.dumps({"step": 0, "dev": best["dev"]}) + "\n")
    began, done = time.time(), 0
    model.train()
    for step, ids in enumerate(tqdm(batches, desc="train", mininterval=10), start=1):
        batch = tokenize(tokenizer, [examples.docs[i] for i in ids], [examples.codes[i] for i in ids],
                         config["max_tokens"])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(batch), labels[ids])
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        done = step
        record: dict[str, Any] = {"step": step, "loss": round(loss.item(), 5), "elapsed_s": round(time.time() - began, 1)}
        halt = bool(budget) and time.time() - began >= budget
        if step % config["eval_every"] == 0 or step == steps or halt:
            record["dev"] = report = evaluate(model, tokenizer, dev, config["max_tokens"])
            print(f"step {step}: {report}", flush=True)
            if report[config["select"]] > best["dev"][config["select"]]:
                best = {"step": step, "dev": report}
                save_model(model, out / "best")
        log.write(json.dumps(record) + "\n")
        log.flush()
        if halt:
            break
    log.close()
    save_model(model, out / "final")
    return {**best, "steps_done": done, "seconds": round(time.time() - began),
            "examples_seen": done * config["batch_size"]}


# --- save --------------------------------------------------------------------------------

def save_model(model: CrossModel, target: Path) -> None:
    """The adapter in the peft format and the head in the one head format, side by side."""
    model.encoder.save_pretrained(target, save_embedding_layers=False)
    width = model.head.in_features
    save_head(target, Head(
        family=FAMILY, kind="logistic", trained_on=trained_on(), threshold=0.5,
        mean=np.zeros(width, np.float32), scale=np.ones(width, np.float32),
        weights=(model.head.weight.detach().numpy().T.astype(np.float32),),
        biases=(model.head.bias.detach().numpy().astype(np.float32),),
        date=time.strftime("%Y-%m-%d"), command="python -m training.recipes.train_cross_encoder",
    ))


def load_model(directory: Path) -> CrossModel:
    """Read a saved cross-encoder back into torch (benchmarks score in bulk with it; same scores as numpy)."""
    from peft import PeftModel
    from safetensors.numpy import load_file

    model = CrossModel({"lora_r": 1, "lora_alpha": 1, "lora_dropout": 0.0})
    model.encoder = PeftModel.from_pretrained(AutoModel.from_pretrained(model_dir()), directory).merge_and_unload()
    arrays = load_file(str(directory / "head.safetensors"))
    with torch.no_grad():
        model.head.weight.copy_(torch.from_numpy(arrays["weight.0"].T.copy()))
        model.head.bias.copy_(torch.from_numpy(arrays["bias.0"]))
    return model.eval()


def ship(config: dict[str, Any], out: Path, result: dict[str, Any], examples: Examples, command: str) -> Path:
    """Copy the best model to `ship` with metrics.json and the model card."""
    target = Path(config["ship"])
    target.mkdir(parents=True, exist_ok=True)
    for name in ("adapter_config.json", "adapter_model.safetensors", "head.json", "head.safetensors"):
        shutil.copy2(out / "best" / name, target / name)
    counts = {kind: {"examples": examples.kinds.count(kind),
                     "positive": sum(l for l, k in zip(examples.labels, examples.kinds) if k == kind)}
              for kind in ("relevance", "drift")}
    summary = {**result, "counts": counts, "config": config, "command": command}
    text = json.dumps(summary, indent=2) + "\n"
    (out / "metrics.json").write_text(text)
    (target / "metrics.json").write_text(text)
    (target / "MODEL_CARD.md").write_text(cards.render(
        FAMILY, date=time.strftime("%Y-%m-%d"), command=command, machine=platform.machine(), cores=os.cpu_count(),
        threads=torch.get_num_threads(), seconds=result["seconds"], steps=result["steps_done"],
        max_steps=config["max_steps"], best_step=result["step"], examples_seen=result["examples_seen"],
        relevance=counts["relevance"]["examples"], drift=counts["drift"]["examples"],
        dev=json.dumps(result["dev"])))
    return target


def main(argv: list[str] | None = None) -> int:
    """Setup, train, ship.

    Args:
        argv: `--config FILE [--set KEY=VALUE] [--time-budget SECONDS]`.

    Returns:
        0.
    """
    import shlex
    import sys

    argv = list(sys.argv[1:] if argv is None else argv)
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(cli)
    cli.add_argument("--time-budget", type=float, metavar="SECONDS", default=0,
                     help="stop training after this long (the best dev model so far ships)")
    args = cli.parse_args(argv)
    config = load_config(args.config, parse_set(args.overrides), paths=("pairs", "drift", "output_dir", "ship"),
                         shipped="cross_encoder")
    command = shlex.join(["python", "-m", "training.recipes.train_cross_encoder", *argv])
    torch.manual_seed(config["seed"])
    out = Path(config["output_dir"])
    out.mkdir(parents=True, exist_ok=True)

    examples, dev = setup_data(config)
    tokenizer, model, optimizer, schedule = setup_model(config)
    result = train(config, out, tokenizer, model, optimizer, schedule, examples, dev, args.time_budget)
    target = ship(config, out, result, examples, command)
    print(json.dumps({k: v for k, v in result.items()}), f"shipped to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
