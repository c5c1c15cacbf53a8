#!/usr/bin/python3
"""Static INT8 quantization of Kanjian's YOLOv5 ONNX files as a QDQ graph.

Needs Debian's python3-onnx (and numpy) only; the calibration itself runs in
C++ on ONNX Runtime (`kanjian model calibrate`). Three steps, driven by
scripts/make_int8_models.sh:

  qdq.py augment [--quantize-head] FP32.onnx AUGMENTED.onnx
      the same graph with every activation to be quantized also a graph
      output, so one Run() over a photo returns all of them.
  kanjian model calibrate ... --model AUGMENTED.onnx --output RANGES.json
      min and max of every output over the calibration photos.
  qdq.py rewrite [--quantize-head] [--weight-bits 7|8] FP32.onnx RANGES.json INT8.onnx
      the QDQ graph: QuantizeLinear/DequantizeLinear around every quantized
      activation, int8 weights and int32 biases behind DequantizeLinear.

What is quantized and how, and why (docs/developers/int8.md):
  - activations uint8, asymmetric, from the calibrated min/max: ONNX
    Runtime's x64 kernels fuse u8 activations; s8 ones run slower than FP32;
  - every output of Conv, Sigmoid, Mul, Add, Concat, MaxPool and Resize and
    the image input: ONNX Runtime forms QLinearConv (and QLinearSigmoid,
    QLinearMul, QLinearAdd, QLinearConcat) only when an op's inputs and its
    output are all quantized;
  - the input of a SiLU (x * sigmoid(x), after every Conv here) is clipped
    below at -6: SiLU is above -0.015 there, under one step of its output,
    and the calibrated minimum (down to -44) would otherwise spend most of
    the 256 steps on values SiLU flattens (docs/developers/int8.md has the
    agreement figures with and without);
  - MaxPool and Resize outputs take their input's scale and zero point, so
    ONNX Runtime runs them on the uint8 tensor directly;
  - Conv weights int8 per output channel, symmetric, |q| <= 63 (7 bits) by
    default: the AVX2 u8*s8 kernels add pairs of products in 16 bits, which
    full 8-bit weights overflow; `--weight-bits 8` (|q| <= 127) is for a
    twin that only runs where VNNI sums into 32 bits. Biases int32 with
    scale input_scale * weight_scale;
  - the Detect head's decoding (everything after the 1x1 convs whose outputs
    are reshaped) and anything downstream of a non-quantized op stay FP32;
    those convs too unless --quantize-head. Quantized, their outputs (the
    raw logits) are clipped below at -10 (sigmoid 4.5e-5: nothing a score
    threshold or a box size can tell from lower), so that the calibrated
    minimum (about -20) does not double the step of the values that matter;
  - per-channel DequantizeLinear needs opset 13: the graph is moved from 12
    to 13; Unsqueeze's `axes` attribute becomes an input (the one op among
    these whose signature changed).

Deterministic: the same FP32 file and ranges give the same bytes (no
randomness, nodes in graph order, names derived from tensor names).
"""
import argparse
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

QUANTIZED_OPS = {'Conv', 'Sigmoid', 'Mul', 'Add', 'Concat', 'MaxPool', 'Resize'}
SHARES_INPUT_PARAMS = {'MaxPool', 'Resize'}
SILU_INPUT_FLOOR = -6.0  # see the module docstring
HEAD_OUTPUT_FLOOR = -10.0  # see the module docstring
TARGET_OPSET = 13


def consumers_of(graph):
    out = {}
    for node in graph.node:
        for name in node.input:
            out.setdefault(name, []).append(node)
    return out


def head_convs(graph):
    """The Detect head's convs: those whose output is reshaped for decoding."""
    consumers = consumers_of(graph)
    return [n for n in graph.node if n.op_type == 'Conv'
            and any(c.op_type == 'Reshape' for c in consumers.get(n.output[0], []))]


def fp32_nodes(graph, quantize_head):
    """The decode (everything downstream of the Detect head's convs), and
    the head's convs themselves unless quantize_head."""
    consumers = consumers_of(graph)
    stack = head_convs(graph)
    if quantize_head:
        stack = [c for n in stack for c in consumers.get(n.output[0], [])]
    seen = set()  # by first output: protobuf hands out a new wrapper per access
    while stack:
        node = stack.pop()
        if node.output[0] in seen:
            continue
        seen.add(node.output[0])
        for name in node.output:
            stack.extend(consumers.get(name, []))
    return seen


def constant_names(graph):
    names = {i.name for i in graph.initializer}
    names.update(n.output[0] for n in graph.node if n.op_type == 'Constant')
    return names


def quantized_tensors(model, quantize_head):
    """Ordered list of (tensor, node that produced it or None for an input)."""
    graph = model.graph
    fp32 = fp32_nodes(graph, quantize_head)
    constants = constant_names(graph)
    out = [(i.name, None) for i in graph.input
           if i.type.tensor_type.elem_type == TensorProto.FLOAT and i.name not in constants]
    quantized = {name for name, _ in out}
    for node in graph.node:
        if node.output[0] in fp32 or node.op_type not in QUANTIZED_OPS:
            continue
        # The activations a quantized op reads must all be quantized (else
        # ONNX Runtime cannot fuse it); its constants are weights (Conv) or
        # Resize's roi and scales.
        for k, name in enumerate(node.input):
            if not name:
                continue
            if node.op_type == 'Conv' and k > 0 or node.op_type == 'Resize' and k > 0:
                continue
            if name in constants or name not in quantized:
                raise SystemExit(f'qdq: {node.op_type} {node.name} reads {name}, which is '
                                 'not a quantized activation')
        out.append((node.output[0], node))
        quantized.add(node.output[0])
    return out


def augment(src, dst, quantize_head):
    model = onnx.load(src)
    graph = model.graph
    existing = {o.name for o in graph.output}
    for name, node in quantized_tensors(model, quantize_head):
        if node is not None and node.op_type in SHARES_INPUT_PARAMS:
            continue
        if name not in existing:
            graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    onnx.save(model, dst)


def uint8_params(lo, hi):
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if hi - lo < 1e-12:
        return np.float32(1.0), np.uint8(0)
    scale = np.float32((hi - lo) / 255.0)
    zero_point = int(round(-lo / float(scale)))
    return scale, np.uint8(min(255, max(0, zero_point)))


def bump_opset(model):
    for opset in model.opset_import:
        if opset.domain in ('', 'ai.onnx'):
            opset.version = max(opset.version, TARGET_OPSET)
    for node in model.graph.node:
        if node.op_type in ('Unsqueeze', 'Squeeze'):
            axes = [a for a in node.attribute if a.name == 'axes']
            if axes:
                name = node.output[0] + '_axes'
                model.graph.initializer.append(
                    numpy_helper.from_array(np.array(axes[0].ints, dtype=np.int64), name))
                node.attribute.remove(axes[0])
                node.input.append(name)


def rewrite(src, ranges_file, dst, quantize_head, weight_qmax):
    model = onnx.load(src)
    with open(ranges_file) as f:
        ranges = json.load(f)['ranges']
    graph = model.graph
    tensors = quantized_tensors(model, quantize_head)
    head_outputs = {n.output[0] for n in head_convs(graph)}
    inits = {i.name: i for i in graph.initializer}

    consumers = consumers_of(graph)
    params = {}  # tensor -> (scale, zero point)
    for name, node in tensors:
        if node is not None and node.op_type in SHARES_INPUT_PARAMS:
            params[name] = params[node.input[0]]
            continue
        if name not in ranges:
            raise SystemExit(f'qdq: no calibrated range for {name}')
        lo, hi = ranges[name]
        if sorted(c.op_type for c in consumers.get(name, [])) == ['Mul', 'Sigmoid']:
            lo = max(lo, SILU_INPUT_FLOOR)
        if name in head_outputs:
            lo = max(lo, HEAD_OUTPUT_FLOOR)
        params[name] = uint8_params(lo, hi)

    new_inits = []
    pre_nodes = []    # weight and bias DequantizeLinear, at the top
    after = {}        # producer output -> [Q, DQ]
    renamed = {}      # activation -> its dequantized twin

    def scalar(name, value, dtype):
        new_inits.append(numpy_helper.from_array(np.array(value, dtype=dtype), name))
        return name

    for name, _ in tensors:
        scale, zp = params[name]
        s = scalar(name + '_scale', scale, np.float32)
        z = scalar(name + '_zero_point', zp, np.uint8)
        q = helper.make_node('QuantizeLinear', [name, s, z], [name + '_quantized'],
                             name=name + '_QuantizeLinear')
        dq = helper.make_node('DequantizeLinear', [name + '_quantized', s, z],
                              [name + '_dequantized'], name=name + '_DequantizeLinear')
        after[name] = [q, dq]
        renamed[name] = name + '_dequantized'

    fp32 = fp32_nodes(graph, quantize_head)
    dropped = set()
    for node in graph.node:
        if node.op_type != 'Conv' or node.output[0] in fp32:
            continue
        w = numpy_helper.to_array(inits[node.input[1]]).astype(np.float64)
        w_scale = np.abs(w.reshape(w.shape[0], -1)).max(axis=1) / weight_qmax
        w_scale = np.where(w_scale > 0, w_scale, 1.0).astype(np.float32)
        shape = (-1,) + (1,) * (w.ndim - 1)
        w_q = np.clip(np.round(w / w_scale.reshape(shape)), -weight_qmax, weight_qmax)
        base = node.input[1]
        new_inits.append(numpy_helper.from_array(w_q.astype(np.int8), base + '_quantized'))
        new_inits.append(numpy_helper.from_array(w_scale, base + '_scale'))
        new_inits.append(numpy_helper.from_array(np.zeros(w.shape[0], np.int8),
                                                 base + '_zero_point'))
        pre_nodes.append(helper.make_node(
            'DequantizeLinear', [base + '_quantized', base + '_scale', base + '_zero_point'],
            [base + '_dequantized'], name=base + '_DequantizeLinear', axis=0))
        dropped.add(base)
        node.input[1] = base + '_dequantized'
        if len(node.input) > 2 and node.input[2]:
            b = numpy_helper.to_array(inits[node.input[2]]).astype(np.float64)
            x_scale = float(params[node.input[0]][0])
            b_scale = (np.float64(x_scale) * w_scale.astype(np.float64)).astype(np.float32)
            b_q = np.round(b / b_scale.astype(np.float64))
            bias = node.input[2]
            new_inits.append(numpy_helper.from_array(
                np.clip(b_q, -2**31, 2**31 - 1).astype(np.int32), bias + '_quantized'))
            new_inits.append(numpy_helper.from_array(b_scale, bias + '_scale'))
            new_inits.append(numpy_helper.from_array(np.zeros(b.shape[0], np.int32),
                                                     bias + '_zero_point'))
            pre_nodes.append(helper.make_node(
                'DequantizeLinear', [bias + '_quantized', bias + '_scale', bias + '_zero_point'],
                [bias + '_dequantized'], name=bias + '_DequantizeLinear', axis=0))
            dropped.add(bias)
            node.input[2] = bias + '_dequantized'

    # Consumers read the dequantized twin of every quantized activation.
    for node in graph.node:
        for k, name in enumerate(node.input):
            if name in renamed:
                node.input[k] = renamed[name]
    for o in graph.output:
        if o.name in renamed:
            raise SystemExit(f'qdq: graph output {o.name} would be quantized')

    nodes = list(pre_nodes)
    for i in graph.input:
        nodes.extend(after.get(i.name, []))
    for node in graph.node:
        nodes.append(node)
        for name in node.output:
            nodes.extend(after.get(name, []))
    del graph.node[:]
    graph.node.extend(nodes)
    kept = [i for i in graph.initializer if i.name not in dropped]
    del graph.initializer[:]
    graph.initializer.extend(kept + new_inits)
    del graph.value_info[:]
    bump_opset(model)
    onnx.checker.check_model(model)
    with open(dst, 'wb') as f:
        f.write(model.SerializeToString(deterministic=True))


def main(argv):
    parser = argparse.ArgumentParser(prog='qdq.py')
    sub = parser.add_subparsers(dest='command', required=True)
    a = sub.add_parser('augment')
    r = sub.add_parser('rewrite')
    for p in (a, r):
        p.add_argument('--quantize-head', action='store_true',
                       help="quantize the Detect head's convs too (the decode stays FP32)")
    r.add_argument('--weight-bits', type=int, choices=(7, 8), default=7)
    a.add_argument('fp32')
    a.add_argument('augmented')
    r.add_argument('fp32')
    r.add_argument('ranges')
    r.add_argument('int8')
    args = parser.parse_args(argv[1:])
    if args.command == 'augment':
        augment(args.fp32, args.augmented, args.quantize_head)
    else:
        rewrite(args.fp32, args.ranges, args.int8, args.quantize_head,
                2 ** (args.weight_bits - 1) - 1)


if __name__ == '__main__':
    main(sys.argv)
