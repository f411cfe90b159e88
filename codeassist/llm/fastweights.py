"""Weights prepared for the fast decoder: formats, merged LoRA adapters, one copy per state.

`Weights` reads a transformers Llama model (possibly a peft model) into the layout
`codeassist.llm.fastdecode` runs: fused QKV and gate-up projections, q/k rows permuted to the
interleaved RoPE layout (q·k unchanged), the attention scale folded into the q weights, in
one of FORMATS. An active LoRA adapter is merged into an fp32 copy of the projections it
changes (W + B@A·scale, what peft's `merge` computes); in the smaller formats it stays a
low-rank fp32 path beside the shared quantized base (x@A'@B'·scale, peft's unmerged forward),
so results match the peft model either way. `prepared` caches the weights per adapter state
and shares the base projections between states.

The output projection (`Head`) reads the whole vocabulary per token, the largest single read:
for a big vocabulary a 4-bit scan ranks it, and the scan's best CANDIDATES get exact fp32
logits, so the greedy token is fp32's unless the scan ranks it below them.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from typing import Any, Callable

import torch
import torch.nn.functional as F  # noqa: N812 - the usual alias

# Weight formats: "fp32" reproduces transformers' fp32 greedy tokens; "fp16" (fbgemm, fp32
# activations) and "bf16" move half the bytes, weight-only "int8" (a scale per row) a quarter,
# "int4" (groups of 32) an eighth; bf16, int8 and int4 compute with bf16 activations.
FORMATS = ("fp32", "fp16", "bf16", "int8", "int4")
_GROUP = 32  # int4 group size, as Q4_1's blocks
_STATIC_ROPE = ("default", "linear", "llama3")
_MERGEABLE = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "lm_head")
CANDIDATES = 64  # tokens whose logits the head recomputes in fp32 after its 4-bit scan
_SCAN_VOCABULARY = 4096  # smaller vocabularies are cheap to score exactly


def supported(model: Any, device: str) -> str | None:
    """Say why `model` cannot use this decoder, or None when it can.

    Args:
        model: A transformers causal LM, possibly wrapped by peft.
        device: Where it runs.

    Returns:
        None, or a short reason.
    """
    if os.environ.get("CODEASSIST_DECODER", "").lower() == "hf":
        return "CODEASSIST_DECODER=hf"
    if device != "cpu":
        return f"device {device}"
    base = _base_model(model)
    config = getattr(base, "config", None)
    if config is None or config.model_type != "llama":
        return "not a Llama-architecture model"
    rope = (getattr(config, "rope_parameters", None) or getattr(config, "rope_scaling", None) or {})
    if rope.get("rope_type", rope.get("type", "default")) not in _STATIC_ROPE:
        return "length-dependent RoPE"
    if config.attention_bias or getattr(config, "mlp_bias", False) or config.hidden_act != "silu":
        return "biases or a non-SiLU MLP"
    if getattr(config, "pretraining_tp", 1) != 1 or base.lm_head.weight.dtype != torch.float32:
        return "tensor-parallel or non-fp32 weights"
    for name, module in model.named_modules():
        if hasattr(module, "lora_A") and (name.rsplit(".", 1)[-1] not in _MERGEABLE
                                          or any(getattr(module, "use_dora", {}).values())):
            return f"an adapter on {name} that is not a plain LoRA on a projection"
    return None


def _base_model(model: Any) -> Any:
    get_base = getattr(model, "get_base_model", None)
    return get_base() if get_base is not None else model


def _weight(module: Any) -> torch.Tensor:
    """Return a Linear's effective weight, with the active LoRA adapters merged in."""
    base = getattr(module, "base_layer", None)
    if base is None:
        return module.weight.detach()
    weight = base.weight.detach()
    if getattr(module, "disable_adapters", False) or getattr(module, "merged", False):
        return weight
    for name in module.active_adapters:
        if name in module.lora_A:
            weight = weight + module.get_delta_weight(name).to(weight.dtype)
    return weight


def _base_weight(module: Any) -> torch.Tensor:
    """Return a Linear's weight without any adapter."""
    return getattr(module, "base_layer", module).weight.detach()


def _adapters(module: Any) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Return the (A, B·scale) factors of the adapters `_weight` would merge into `module`."""
    if not _merges_delta(module):
        return []
    return [(module.lora_A[name].weight.detach().float(),
             module.lora_B[name].weight.detach().float() * module.scaling[name])
            for name in module.active_adapters if name in module.lora_A]


def _interleave_rows(weight: torch.Tensor, heads: int, head_dim: int) -> torch.Tensor:
    # Row order (0, half, 1, half+1, ...) per head turns HF's rotate-half RoPE into a complex
    # multiply of consecutive pairs.
    half = head_dim // 2
    order = torch.stack([torch.arange(half), torch.arange(half) + half], dim=-1).flatten()
    return weight.view(heads, head_dim, -1)[:, order].reshape(heads * head_dim, -1)


class _Linear:
    """One projection in the chosen weight format."""

    def __init__(self, weight: torch.Tensor, fmt: str) -> None:
        self.fmt = fmt
        self.merged = False  # whether an adapter's delta is in the weight
        weight = weight.float().contiguous()
        if fmt == "fp16":  # fbgemm's packed fp16 weights; fp32 activations and accumulation
            self.weight = torch.ops.quantized.linear_prepack_fp16(weight, None)
        elif fmt == "int4":  # 4-bit groups of 32 with a scale and offset each, bf16 activations
            # The default model is a Q4_1 GGUF: its weights already are 16 levels per group of
            # 32, so min and max give those levels back (up to the scales' rounding to bf16).
            rows, cols = weight.shape
            groups = weight.view(rows, cols // _GROUP, _GROUP)
            low, high = groups.amin(-1), groups.amax(-1)
            step = ((high - low) / 15).clamp(min=1e-12)
            levels = torch.round((groups - low[..., None]) / step[..., None]).clamp(0, 15).to(torch.int32)
            self.weight = torch._convert_weight_to_int4pack_for_cpu(levels.view(rows, cols), 2)
            self.scales = torch.stack([step, low + 8 * step], -1).transpose(0, 1).contiguous().to(torch.bfloat16)
        elif fmt == "int8":  # weight-only: int8 rows with a scale each, bf16 activations
            scales = weight.abs().amax(dim=1).clamp(min=1e-8) / 127
            self.weight = torch.round(weight / scales[:, None]).to(torch.int8)
            self.scales = scales.to(torch.bfloat16)
        else:
            self.weight = weight.to(torch.bfloat16) if fmt == "bf16" else weight

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Project `x`; bf16, int8 and int4 take and return bf16 (other inputs are cast)."""
        if self.fmt == "fp32":
            return F.linear(x, self.weight)
        if self.fmt == "fp16":
            return torch.ops.quantized.linear_dynamic_fp16(x.float(), self.weight)
        x = x.to(torch.bfloat16)
        if self.fmt == "bf16":
            return F.linear(x, self.weight)
        if self.fmt == "int4":
            return torch._weight_int4pack_mm_for_cpu(x, self.weight, _GROUP, self.scales)
        return torch._weight_int8pack_mm(x, self.weight, self.scales)


def _low_rank(modules: tuple, fuse: Callable[[Callable[[Any], torch.Tensor]], torch.Tensor]
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack the adapters of fused modules into one low-rank pair (down, up).

    Each module's A rows are stacked into `down`; its B·scale columns sit in the matching
    columns of its own rows of `up`, which `fuse` then lays out as it lays out the weights.
    """
    adapters = {module: _adapters(module) for module in modules}
    down = torch.cat([a for pairs in adapters.values() for a, _ in pairs])
    ups, column = {}, 0
    for module, pairs in adapters.items():
        ups[module] = torch.zeros(_base_weight(module).shape[0], down.shape[0])
        for a, b in pairs:
            ups[module][:, column:column + a.shape[0]] = b
            column += a.shape[0]
    return down, fuse(ups.__getitem__)


class _Adapted:
    """A quantized base projection plus the active adapters as an fp32 low-rank path."""

    def __init__(self, base: _Linear, down: torch.Tensor, up: torch.Tensor) -> None:
        self.base, self.down, self.up = base, down, up
        self.fmt = base.fmt

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x.float() @ self.down.T) @ self.up.T


class Head:
    """The output projection: exact fp32 logits, or a 4-bit scan plus exact rescoring."""

    def __init__(self, weight: torch.Tensor, *, merged: bool = False) -> None:
        """Prepare the head.

        Args:
            weight: The effective output weight (vocabulary × hidden).
            merged: Whether an adapter's delta is in it.
        """
        self.weight = weight.float().contiguous()
        self.scan = _Linear(self.weight, "int4") if self.weight.shape[0] >= _SCAN_VOCABULARY else None
        self.merged = merged

    def logits(self, hidden: torch.Tensor, scan: bool = True) -> torch.Tensor:
        """Return the logits of one position (1-D): the scan's approximation, or exact ones."""
        if self.scan is None or not scan:
            return F.linear(hidden, self.weight)[0]
        return self.scan(hidden)[0].float()  # fp32, so the exact candidates' logits fit in

    def exact(self, hidden: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """Return the exact fp32 logits of the tokens `ids` at one position."""
        return self.weight[ids] @ hidden[0]


@dataclass
class _Layer:
    attn_norm: torch.Tensor
    qkv: _Linear | _Adapted
    o: _Linear | _Adapted
    mlp_norm: torch.Tensor
    gate_up: _Linear | _Adapted
    down: _Linear | _Adapted


class Weights:
    """A Llama model's weights prepared for decoding: fused, permuted, in one format."""

    def __init__(self, model: Any, fmt: str = "fp32", *, reuse: Weights | None = None) -> None:
        """Prepare the weights.

        Args:
            model: A supported model, possibly a PeftModel.
            fmt: One of FORMATS.
            reuse: Weights of the same model and format under another adapter state: the
                projections it shares with this state are not prepared again.
        """
        if fmt not in FORMATS:
            raise ValueError(f"unknown weight format {fmt}: use one of {FORMATS}")
        base = _base_model(model)
        config = base.config
        self.heads, self.kv_heads = config.num_attention_heads, config.num_key_value_heads
        self.head_dim = getattr(config, "head_dim", None) or config.hidden_size // self.heads
        self.eps = config.rms_norm_eps
        self.embed = base.model.embed_tokens.weight.detach()
        self.final_norm = base.model.norm.weight.detach()

        def linear(modules: tuple, fuse: Callable[[Callable[[Any], torch.Tensor]], torch.Tensor],
                   shared: _Linear | _Adapted | None) -> _Linear | _Adapted:
            # `fuse(get)` lays out the fused projection from each module's rows `get(module)`.
            adapted = any(_adapters(module) for module in modules)
            if fmt == "fp32":  # adapters merged into a copy, as peft's merge
                if not adapted and shared is not None and not shared.merged:
                    return shared
                prepared = _Linear(fuse(_weight if adapted else _base_weight), fmt)
                prepared.merged = adapted
                return prepared
            bare = getattr(shared, "base", shared) or _Linear(fuse(_base_weight), fmt)
            return _Adapted(bare, *_low_rank(modules, fuse)) if adapted else bare

        head = base.lm_head
        if reuse is not None and not _merges_delta(head) and not reuse.lm_head.merged:
            self.lm_head = reuse.lm_head
        else:
            self.lm_head = Head(_weight(head), merged=_merges_delta(head))
        self.rotary = base.model.rotary_emb
        scale = self.head_dim ** -0.5
        self.layers = []
        for index, layer in enumerate(base.model.layers):
            attn, mlp = layer.self_attn, layer.mlp
            old = reuse.layers[index] if reuse is not None else None

            def qkv(get: Callable[[Any], torch.Tensor], attn: Any = attn) -> torch.Tensor:
                q = _interleave_rows(get(attn.q_proj), self.heads, self.head_dim) * scale
                k = _interleave_rows(get(attn.k_proj), self.kv_heads, self.head_dim)
                return torch.cat([q, k, get(attn.v_proj)])

            self.layers.append(_Layer(
                attn_norm=layer.input_layernorm.weight.detach(),
                qkv=linear((attn.q_proj, attn.k_proj, attn.v_proj), qkv, old and old.qkv),
                o=linear((attn.o_proj,), lambda get, attn=attn: get(attn.o_proj), old and old.o),
                mlp_norm=layer.post_attention_layernorm.weight.detach(),
                gate_up=linear((mlp.gate_proj, mlp.up_proj),
                               lambda get, mlp=mlp: torch.cat([get(mlp.gate_proj), get(mlp.up_proj)]),
                               old and old.gate_up),
                down=linear((mlp.down_proj,), lambda get, mlp=mlp: get(mlp.down_proj), old and old.down),
            ))
        self._rope = torch.empty(0, self.head_dim // 2, dtype=torch.complex64)

    def rope(self, length: int) -> torch.Tensor:
        """Return the rotations of positions [0, length) as complex numbers (grown on demand)."""
        if self._rope.shape[0] < length:
            size = max(length, 2 * self._rope.shape[0], 256)
            positions = torch.arange(size)[None]
            cos, sin = self.rotary(self.embed[:1], positions)
            half = self.head_dim // 2
            self._rope = torch.complex(cos[0, :, :half].float(), sin[0, :, :half].float())
        return self._rope


def _merges_delta(module: Any) -> bool:
    """Whether `_weight(module)` adds an adapter's delta to the base weight."""
    return (hasattr(module, "lora_A") and not getattr(module, "disable_adapters", False)
            and not getattr(module, "merged", False) and any(a in module.lora_A for a in module.active_adapters))


def adapter_state(model: Any) -> tuple[str, ...]:
    """Return the adapters in effect (the prepared weights are cached by it).

    Args:
        model: The model, possibly a PeftModel.

    Returns:
        The active adapters' names; () for a bare model or inside `disable_adapter()`.
    """
    if getattr(model, "peft_config", None) is None:
        return ()
    layers = [m for m in model.modules() if hasattr(m, "lora_A")]
    if not layers or any(getattr(m, "disable_adapters", False) for m in layers):
        return ()
    merged = ("merged",) if any(getattr(m, "merged", False) for m in layers) else ()
    return merged + tuple(layers[0].active_adapters)


def default_format(model: Any = None) -> str:
    """Return the weight format to decode `model` with.

    int4 when the model's weights already are 4-bit levels in groups of 32 (the default model,
    a Q4_1 GGUF): the format then holds them without loss, and decodes ~2.4× faster than fp32,
    as fast as llama.cpp on the same file; its bf16 activations change some answers, fewer than
    llama.cpp's 8-bit ones do (benchmarks/README.md). fp32 otherwise: it gives transformers'
    tokens exactly, and 4 bits would round another model's weights.

    Args:
        model: The model to decode, possibly a PeftModel; None gives fp32.

    Returns:
        "int4" or "fp32", or what CODEASSIST_DECODER (fp32|fp16|bf16|int8|int4) names.
    """
    chosen = os.environ.get("CODEASSIST_DECODER", "").lower()
    if chosen in FORMATS:
        return chosen
    return "int4" if model is not None and _four_bit_levels(model) else "fp32"


def _four_bit_levels(model: Any) -> bool:
    """Whether the first projection's weights are 16 evenly spaced levels per group of 32."""
    base = _base_model(model)
    weight = _base_weight(base.model.layers[0].self_attn.q_proj).float()
    if weight.shape[1] % _GROUP:
        return False
    groups = weight.view(weight.shape[0], -1, _GROUP)
    low = groups.amin(-1, keepdim=True)
    step = ((groups.amax(-1, keepdim=True) - low) / 15).clamp(min=1e-12)
    levels = (groups - low) / step
    return bool((levels - levels.round()).abs().max() < 1e-3)


_PREPARED: weakref.WeakKeyDictionary[Any, dict[tuple, Weights]] = weakref.WeakKeyDictionary()


def prepared(model: Any, fmt: str) -> Weights:
    """Return `model`'s weights prepared in `fmt` for its current adapter state, once per state.

    Args:
        model: The model, possibly a PeftModel.
        fmt: A weight format.

    Returns:
        The cached or newly prepared weights.
    """
    per_model = _PREPARED.setdefault(_base_model(model), {})
    key = (adapter_state(model), fmt)
    if key not in per_model:
        same_format = [weights for (_, other), weights in per_model.items() if other == fmt]
        per_model[key] = Weights(model, fmt, reuse=same_format[0] if same_format else None)
    return per_model[key]
