"""A tiny stand-in for a Piper voice, made in the test: no real voice can be downloaded here.

The model is a real ONNX graph with Piper's inputs and output: it ignores which phonemes it
is given and plays a tone for twenty blocks of 64 samples per phoneme, times the length scale.
So Piper's own code (phonemes from espeak-ng, the ONNX session, the WAV writing) runs for real,
and the length follows ``--rate`` as a real voice's does.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def tiny_piper_voice(folder: Path) -> Path:
    """Write ``nl_BE-proef-x_low.onnx`` and its ``.onnx.json`` into ``folder``."""
    import onnx
    from onnx import TensorProto, helper

    pattern = (0.5 * np.sin(2 * np.pi * np.arange(64) / 64)).astype(np.float32).reshape(1, 1, 64)
    nodes = [
        helper.make_node("Shape", ["input"], ["shape"]),
        helper.make_node("Gather", ["shape", "one"], ["n"], axis=0),
        helper.make_node("Cast", ["n"], ["n_f"], to=TensorProto.FLOAT),
        helper.make_node("Gather", ["scales", "one"], ["length_scale"], axis=0),
        helper.make_node("Mul", ["n_f", "length_scale"], ["scaled"]),
        helper.make_node("Mul", ["scaled", "per_phoneme"], ["blocks_f"]),
        helper.make_node("Cast", ["blocks_f"], ["blocks"], to=TensorProto.INT64),
        helper.make_node("Reshape", ["blocks", "one_shape"], ["blocks_1"]),
        helper.make_node("Concat", ["ones2", "blocks_1"], ["repeats"], axis=0),
        helper.make_node("Tile", ["pattern", "repeats"], ["output"]),
    ]
    inits = [
        helper.make_tensor("one", TensorProto.INT64, [], [1]),
        helper.make_tensor("one_shape", TensorProto.INT64, [1], [1]),
        helper.make_tensor("ones2", TensorProto.INT64, [2], [1, 1]),
        helper.make_tensor("per_phoneme", TensorProto.FLOAT, [], [20.0]),
        helper.make_tensor("pattern", TensorProto.FLOAT, [1, 1, 64], pattern.flatten().tolist()),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [
            helper.make_tensor_value_info("input", TensorProto.INT64, [1, None]),
            helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
            helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        ],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, None])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = folder / "nl_BE-proef-x_low.onnx"
    onnx.save(model, path)
    ids = {"_": [0], "^": [1], "$": [2], " ": [3]}
    for i, ch in enumerate("abdefhijklmnoprstuvwxyzøɛəɪɑɔʏœʋɣχŋɲʃʒɵːˈˌ.,:;!?"):
        ids[ch] = [4 + i]
    config = {
        "audio": {"sample_rate": 22050},
        "espeak": {"voice": "nl"},
        "num_symbols": 64,
        "num_speakers": 1,
        "phoneme_id_map": ids,
        "inference": {"length_scale": 1},
    }
    path.with_name(path.name + ".json").write_text(json.dumps(config), encoding="utf-8")
    return path
