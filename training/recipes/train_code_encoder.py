"""Train the code encoder: a LoRA adapter on MiniLM, contrastively, against the doc encoder.

    python -m training.recipes.train_code_encoder --config training/configs/code_encoder.toml
    accelerate launch --num_processes 8 -m training.recipes.train_code_encoder --config ...

MiniLM + LoRA reads the AST sequence of each unit (`codeassist.parsing.ast_seq`) and InfoNCE
pulls its vector towards the vector of its own documentation and away from the others in the
batch. The documentation side (`doc_tower`) is either the frozen doc encoder
(`codeassist.encoders.text`: its vectors are computed once, up front, so every step also
scores a free random "bank" of other training docs, `bank_negatives`) or a second MiniLM with
its own LoRA adapter, trained too (in-batch negatives only: embedding a 480-doc bank with the
training doc tower every step costs ~50 s a step on two cores, 30× the step itself).
Which pairs share a batch (random with length bucketing, same-package, or BM25 neighbours) and
how the languages are balanced is `code_encoder_batches.Batches`, a pure function of the step.

The steps, in the order the functions below run:

1. Setup: read the config (`training/config.py`: the TOML is the whole config, `--set KEY=VALUE`
   changes a key it has); load the pairs and embed their docs once; MiniLM with a fresh LoRA
   adapter, AdamW and a warmup-cosine schedule; with `--resume`, the latest checkpoint.
2. Train: InfoNCE steps; every `eval_every` steps the dev MRR (the best adapter is kept in
   `output_dir/best`), every `checkpoint_every` steps a checkpoint (`accelerator.save_state`)
   from which `--resume` continues exactly (same batches, bank, dropout: the same next loss).
3. Save: the final adapter in the peft format (`adapter_config.json` +
   `adapter_model.safetensors`; the doc tower's, when trained, in `doc/` beside it) and a summary
   naming the adapter to ship (the best by dev MRR, the mean over the dev split's languages).

Runs on CPU, one GPU, or many through `accelerate launch` (each process takes its own batches;
in-batch negatives are per process).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
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
from training.config import ConfigError, add_config_arguments, load_config, parse_set
from training.recipes.code_encoder_batches import NEGATIVES, Batches, bm25_neighbours

DOC_TOWERS = ("frozen", "lora")


class Pairs(NamedTuple):
    """The training pairs, with the frozen doc side already embedded."""

    docs: list[str]
    asts: list[str]
    targets: torch.Tensor | None  # frozen doc vectors, one row per pair (None when the doc tower trains)
    doc_ids: torch.Tensor   # equal docs share an id, so they are never each other's negatives
    batches: Batches        # which pairs each step takes
    dev: Any                # the dev split (datasets.Dataset), for the MRR


class Stop(NamedTuple):
    """When a run stops before its schedule ends (0: never), to be continued with --resume."""

    steps: int = 0
    seconds: float = 0.0

    def due(self, steps: int, seconds: float) -> bool:
        """Whether a run that has done `steps` steps in `seconds` should stop now."""
        return bool(self.steps and steps >= self.steps) or bool(self.seconds and seconds >= self.seconds)


class Towers(NamedTuple):
    """The two sides: the code encoder always learns; the doc side learns when `doc` is set."""

    code: Any
    doc: Any | None


def setup_data(config: dict[str, Any], out: Path, accelerator: Accelerator, tokenizer: Any) -> Pairs:
    """Load the pairs, embed the training docs once (frozen doc tower) and plan the batches.

    Args:
        config: The settings.
        out: The run directory (doc vectors, lengths and BM25 neighbours are cached there).
        accelerator: For the main process to embed while the others wait.
        tokenizer: MiniLM's tokenizer (the code lengths for bucketing).

    Returns:
        The training pairs and the dev split.
    """
    data = load_from_disk(config["data"])
    train = data["train"]
    if config["max_train_pairs"]:
        train = train.shuffle(seed=config["seed"]).select(range(min(config["max_train_pairs"], len(train))))
    docs, asts = list(train["doc"]), list(train["ast"])
    with accelerator.main_process_first():  # one process embeds, the others read its files
        targets = doc_vectors(docs, out, accelerator) if config["doc_tower"] == "frozen" else None
        lengths = cached(out / "lengths.npy", len(asts), accelerator, lambda: np.array(
            [len(ids) for ids in tokenizer(asts, truncation=True, max_length=config["max_tokens"])["input_ids"]]))
        neighbours = None
        if config["negatives"] == "bm25":
            neighbours = cached(out / "bm25_neighbours.npy", len(asts), accelerator,
                                lambda: bm25_neighbours(docs, list(train["code"]), list(train["package"])))
    batches = Batches(languages=list(train["language"]), packages=list(train["package"]), lengths=lengths,
                      batch_size=config["batch_size"] * accelerator.num_processes, seed=config["seed"],
                      negatives=config["negatives"], per_language=config["max_pairs_per_language"],
                      batch_packages=config["batch_packages"], neighbours=neighbours)
    doc_ids = torch.tensor(np.unique(docs, return_inverse=True)[1])
    return Pairs(docs, asts, targets, doc_ids, batches, data["dev"])


def cached(path: Path, rows: int, accelerator: Accelerator, compute: Any) -> np.ndarray:
    """Return an array cached in the run directory, computing (and, on the main process, saving) it.

    Args:
        path: The .npy file.
        rows: The expected first dimension (a cache of other data is recomputed).
        accelerator: Only the main process writes.
        compute: Makes the array.

    Returns:
        The array.
    """
    if path.exists() and np.load(path, mmap_mode="r").shape[0] == rows:
        return np.load(path)
    array = compute()
    if accelerator.is_main_process:
        np.save(path, array)
    return array


def doc_vectors(docs: list[str], out: Path, accelerator: Accelerator) -> torch.Tensor:
    """Embed the documentation once with the frozen doc encoder (cached next to the output).

    Args:
        docs: The training docs.
        out: The run directory.
        accelerator: Only the main process writes the cache.

    Returns:
        One vector per doc.
    """
    def embed() -> np.ndarray:
        encoder, chunk = MiniLM(), 4096  # chunks only for the progress bar (300k docs: ~15 min on 2 cores)
        parts = [encoder.encode(docs[i : i + chunk], batch_size=64)
                 for i in tqdm(range(0, len(docs), chunk), desc="doc vectors", unit_scale=chunk,
                               disable=not accelerator.is_main_process)]
        return np.concatenate(parts) if parts else np.zeros((0, 384), dtype=np.float32)

    return torch.from_numpy(cached(out / "doc_vectors.npy", len(docs), accelerator, embed))


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


def setup_optimizer(config: dict[str, Any], towers: Towers) -> tuple[torch.optim.Optimizer, Any]:
    """Make AdamW over the adapters' parameters and a linear-warmup cosine schedule.

    Args:
        config: The settings (learning_rate, weight_decay, max_steps, warmup_steps).
        towers: The peft models.

    Returns:
        The optimizer and the scheduler.
    """
    parameters = [p for tower in towers if tower is not None for p in tower.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=config["learning_rate"], weight_decay=config["weight_decay"])
    steps, warmup = config["max_steps"], config["warmup_steps"]
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / max(1, warmup))
                                                 * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))
    return optimizer, schedule


def resume(checkpoints: Path, accelerator: Accelerator, models: list[torch.nn.Module]) -> tuple[int, float]:
    """Restore the latest checkpoint, if there is one.

    Args:
        checkpoints: The run's checkpoint directory.
        accelerator: Holds the prepared model, optimizer and scheduler.
        models: The prepared models, in `prepare`'s order.

    Returns:
        The step to continue from and the best dev MRR so far (0 and -1 without a checkpoint).
    """
    if not checkpoints.exists() or not any(checkpoints.iterdir()):
        return 0, -1.0
    latest = max(checkpoints.iterdir(), key=lambda p: int(p.name.split("-")[1]))
    missing = missing_trainable(latest, models)
    if missing:
        raise ConfigError(f"{latest} lacks {len(missing)} trained weights ({missing[0]}, ...): it was written "
                          "by another recipe or config; start without --resume or point output_dir elsewhere")
    accelerator.load_state(str(latest), strict=False)  # the frozen base is not in it: see trainable_only
    state = json.loads((latest / "progress.json").read_text())
    accelerator.print(f"resumed from {latest} at step {state['step']}")
    return state["step"], state["best_dev_mrr"]


def step_loss(config: dict[str, Any], step: int, accelerator: Accelerator, tokenizer: Any, towers: Towers,
              pairs: Pairs) -> torch.Tensor:
    """Return the symmetric InfoNCE loss of one step's batch (this process's share of it).

    Args:
        config: The settings.
        step: The step (its batch and its bank are functions of the seed and the step).
        accelerator: The prepared run.
        tokenizer: MiniLM's tokenizer.
        towers: The prepared models.
        pairs: The training pairs.

    Returns:
        The loss, with gradients.
    """
    device, rank, world = accelerator.device, accelerator.process_index, accelerator.num_processes
    ids = torch.tensor(pairs.batches.at(step)[rank::world], device=device)
    bank = min(config["bank_negatives"], len(pairs.docs))  # 0 with a trained doc tower (main checks)
    extra = np.random.default_rng([config["seed"], step, rank, 3]).choice(len(pairs.docs), size=bank, replace=False)
    candidates = torch.cat([ids, torch.from_numpy(extra).to(device)])
    code = encode(towers.code, tokenizer, [pairs.asts[i] for i in ids.tolist()], config["max_tokens"], device)
    if towers.doc is None:
        targets = pairs.targets.to(device)[candidates]
    else:
        targets = encode(towers.doc, tokenizer, [pairs.docs[i] for i in ids.tolist()], config["max_tokens"], device)
    logits = code @ targets.T / config["temperature"]
    labels = torch.arange(len(ids), device=device)
    # A candidate whose doc equals the positive's doc is not a negative: mask it out.
    doc_ids = pairs.doc_ids.to(device)
    same = doc_ids[ids].unsqueeze(1) == doc_ids[candidates].unsqueeze(0)
    same[labels, labels] = False
    logits = logits.masked_fill(same, float("-inf"))
    loss = torch.nn.functional.cross_entropy(logits, labels)
    # The reverse direction (doc → code, in-batch) trains the ranking the search uses.
    return 0.5 * (loss + torch.nn.functional.cross_entropy(logits[:, : len(ids)].T, labels))


def train(config: dict[str, Any], out: Path, accelerator: Accelerator, tokenizer: Any, towers: Towers,
          optimizer: torch.optim.Optimizer, schedule: Any, pairs: Pairs, *, start: int, best: float,
          stop: Stop) -> tuple[float, int]:
    """Run the InfoNCE steps from `start` to `max_steps`, evaluating and checkpointing on the way.

    Args:
        config: The settings.
        out: The run directory (train_log.jsonl, best/, checkpoints/).
        accelerator: The prepared run.
        tokenizer: MiniLM's tokenizer.
        towers: The prepared models.
        optimizer: The prepared optimizer.
        schedule: The prepared scheduler.
        pairs: The training pairs and the dev split.
        start: The first step (after a resume, the checkpoint's).
        best: The best dev MRR so far.
        stop: When to stop before `max_steps` (a checkpoint is saved there).

    Returns:
        The best dev MRR and the steps done.
    """
    steps = config["max_steps"]
    done = start
    bar = tqdm(range(start, steps), initial=start, total=steps, desc="train",
               disable=not accelerator.is_local_main_process)
    began = time.time()
    for tower in towers:
        if tower is not None:
            tower.train()
    with (out / "train_log.jsonl").open("a") as log:
        if start == 0 and accelerator.is_main_process:  # a fresh LoRA adapter is the raw model: the baseline
            log.write(json.dumps({"step": 0, "dev_mrr_by_language": dev_mrr(
                unwrapped(accelerator, towers), tokenizer,
                pairs.dev, config["max_tokens"], accelerator.device, config["dev_pool"])}) + "\n")
        for step in bar:
            loss = step_loss(config, step, accelerator, tokenizer, towers, pairs)
            accelerator.backward(loss)
            accelerator.clip_grad_norm_([p for group in optimizer.param_groups for p in group["params"]], 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            done = step + 1
            bar.set_postfix(loss=f"{loss.item():.3f}")
            record = {"step": done, "loss": round(loss.item(), 6), "lr": schedule.get_last_lr()[0],
                      "elapsed_s": round(time.time() - began, 1)}
            if done % config["eval_every"] == 0 or done == steps:
                plain = unwrapped(accelerator, towers)
                per_language = dev_mrr(plain, tokenizer, pairs.dev, config["max_tokens"], accelerator.device,
                                       config["dev_pool"])
                record["dev_mrr"] = mrr = float(np.mean(list(per_language.values())))
                record["dev_mrr_by_language"] = per_language
                if mrr > best and accelerator.is_main_process:
                    best = mrr
                    save_adapters(plain, out / "best")
                accelerator.print(f"step {done}: dev MRR {mrr:.4f} (best {best:.4f}) {per_language}")
            if accelerator.is_main_process:
                log.write(json.dumps(record) + "\n")
                log.flush()
            halt = stop.due(done - start, time.time() - began)
            if done % config["checkpoint_every"] == 0 or done == steps or halt:
                save_checkpoint(accelerator, out / "checkpoints" / f"step-{done}", done, best,
                                keep=config["keep_checkpoints"])
            if halt:
                break
    bar.close()
    return best, done


def unwrapped(accelerator: Accelerator, towers: Towers) -> Towers:
    """Return the towers without their accelerate wrappers (for evaluating and saving)."""
    return Towers(*(accelerator.unwrap_model(t) if t is not None else None for t in towers))


def save_adapters(towers: Towers, target: Path) -> None:
    """Save the code adapter in `target` and the doc adapter, when trained, in `target/doc`.

    Args:
        towers: The unwrapped models.
        target: The directory.
    """
    towers.code.save_pretrained(target, save_embedding_layers=False)
    if towers.doc is not None:
        towers.doc.save_pretrained(target / "doc", save_embedding_layers=False)


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
def dev_mrr(towers: Towers, tokenizer: Any, split: Any, max_tokens: int, device: Any,
            pool_size: int) -> dict[str, float]:
    """Return the MRR of doc → code retrieval per language of the dev split.

    Args:
        towers: The unwrapped models (the doc side is the frozen doc encoder when not trained).
        tokenizer: Their tokenizer.
        split: The dev split.
        max_tokens: As in training.
        device: Where the models are.
        pool_size: How many dev pairs of each language compete (its first ones, by package).

    Returns:
        The mean reciprocal rank of each language (TypeScript counted with JavaScript).
    """
    found: dict[str, float] = {}
    languages = ["javascript" if language in ("typescript", "tsx") else language for language in list(split["language"])]
    for language in sorted(set(languages)):
        rows = split.select([i for i, lang in enumerate(languages) if lang == language][:pool_size])
        queries = torch.cat([encode(towers.doc, tokenizer, list(rows["doc"][i : i + 64]), max_tokens, device).cpu()
                             for i in range(0, len(rows), 64)]) if towers.doc is not None \
            else torch.from_numpy(MiniLM().encode(list(rows["doc"])))
        codes = torch.cat([encode(towers.code, tokenizer, list(rows["ast"][i : i + 64]), max_tokens, device).cpu()
                           for i in range(0, len(rows), 64)])
        scores = queries @ codes.T
        ranks = (scores > scores.diagonal().unsqueeze(1)).sum(1) + 1
        found[language] = round(float((1.0 / ranks.float()).mean()), 4)
    for tower in towers:
        if tower is not None:
            tower.train()
    return found


def _trainable(model: torch.nn.Module) -> set[str]:
    return {name for name, parameter in model.named_parameters() if parameter.requires_grad}


def trainable_only(models: list[torch.nn.Module], weights: list[dict[str, torch.Tensor]], _: str) -> None:
    """`save_state`'s pre-hook: checkpoint the trained weights only (the LoRA adapters).

    The frozen MiniLM base is the packaged model, loaded the same way on resume, so leaving it
    out loses nothing and shrinks a checkpoint from 90 MB to a few: small enough to commit
    when a run must outlive its machine.
    """
    for model, state in zip(models, weights):
        keep = _trainable(model)
        for name in [name for name in state if name not in keep]:
            del state[name]


def missing_trainable(checkpoint: Path, models: list[torch.nn.Module]) -> list[str]:
    """The trained weights of the prepared models (in `prepare`'s order) that a checkpoint lacks."""
    from safetensors import safe_open

    missing = []
    for index, model in enumerate(models):  # save_state names them in prepare's order
        path = checkpoint / ("model.safetensors" if index == 0 else f"model_{index}.safetensors")
        if not path.exists():
            return [path.name]
        with safe_open(str(path), framework="pt") as saved:
            missing += sorted(_trainable(model) - set(saved.keys()))
    return missing


def save_checkpoint(accelerator: Accelerator, target: Path, step: int, best: float, *, keep: int) -> None:
    """Save the whole training state and the progress `resume` reads back; drop the oldest ones.

    Args:
        accelerator: The prepared run.
        target: The checkpoint directory (checkpoints/step-N).
        step: Steps done.
        best: The best dev MRR so far.
        keep: How many checkpoints to keep (0: all).
    """
    accelerator.save_state(str(target))
    if not accelerator.is_main_process:
        return
    (target / "progress.json").write_text(json.dumps({"step": step, "best_dev_mrr": best}))
    older = sorted(target.parent.iterdir(), key=lambda p: int(p.name.split("-")[1]))[:-keep] if keep else []
    for old in older:
        shutil.rmtree(old)


def save(config: dict[str, Any], out: Path, accelerator: Accelerator, towers: Towers, pairs: Pairs, *,
         best: float, seconds: float) -> None:
    """Save the final adapter(s) and a summary that names the adapter to ship.

    Args:
        config: The settings (recorded in the summary).
        out: The run directory.
        accelerator: The prepared run.
        towers: The prepared models.
        pairs: The training pairs (their count is recorded).
        best: The best dev MRR.
        seconds: How long this run trained.
    """
    accelerator.wait_for_everyone()
    if not accelerator.is_main_process:
        return
    final = out / "adapter"
    save_adapters(unwrapped(accelerator, towers), final)
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
    cli.add_argument("--stop-after", type=int, metavar="STEPS", default=0,
                     help="stop (with a checkpoint) after this many steps of this run; --resume goes on")
    cli.add_argument("--time-budget", type=float, metavar="SECONDS", default=0,
                     help="stop (with a checkpoint) once this run has trained this long; --resume goes on")
    args = cli.parse_args(argv)
    config = load_config(args.config, parse_set(args.overrides), paths=("data", "output_dir"),
                         shipped="code_encoder")

    if config["doc_tower"] not in DOC_TOWERS:
        raise ConfigError(f"doc_tower must be one of {', '.join(DOC_TOWERS)}, not {config['doc_tower']!r}")
    if config["doc_tower"] == "lora" and config["bank_negatives"]:
        raise ConfigError("bank_negatives needs doc_tower = \"frozen\" (a trained doc tower would embed "
                          "the bank every step); set bank_negatives = 0 with doc_tower = \"lora\"")
    if config["negatives"] not in NEGATIVES:
        raise ConfigError(f"negatives must be one of {', '.join(NEGATIVES)}, not {config['negatives']!r}")
    out = Path(config["output_dir"])

    accelerator = Accelerator()
    set_seed(config["seed"])
    out.mkdir(parents=True, exist_ok=True)
    tokenizer, code = setup_model(config)
    pairs = setup_data(config, out, accelerator, tokenizer)
    towers = Towers(code, setup_model(config)[1] if config["doc_tower"] == "lora" else None)
    optimizer, schedule = setup_optimizer(config, towers)
    *models, optimizer, schedule = accelerator.prepare(*(t for t in towers if t is not None), optimizer, schedule)
    towers = Towers(models[0], models[1] if len(models) > 1 else None)
    accelerator.register_save_state_pre_hook(trainable_only)
    start, best = resume(out / "checkpoints", accelerator, models) if args.resume else (0, -1.0)

    began = time.time()
    stop = Stop(steps=args.stop_after, seconds=args.time_budget)
    best, done = train(config, out, accelerator, tokenizer, towers, optimizer, schedule, pairs,
                       start=start, best=best, stop=stop)
    if done < config["max_steps"]:
        accelerator.print(f"stopped at step {done} of {config['max_steps']}; continue with --resume")
        accelerator.end_training()
        return 0
    save(config, out, accelerator, towers, pairs, best=best, seconds=time.time() - began)
    accelerator.end_training()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
