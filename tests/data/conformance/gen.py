#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Small QDQ test models for axonc's conformance runner (same layout as
../shared/models/cases): a LayerNormalization decomposed into primitives, and
standalone ReduceMean / ReduceSum / ReduceMax. Reference outputs come from ONNX
Runtime with optimizations disabled (onnxruntime-node through its run.js).

usage: /usr/bin/python3 tests/data/conformance/gen.py [RUN_JS]
  RUN_JS: ../shared/models/tools/node/run.js (default; needs onnxruntime-node
  installed next to it, see ../shared/models/tools/scripts/setup.sh) or $ORT_RUNJS.
Needs python3-onnx and python3-numpy. Deterministic (fixed seeds)."""
import json, os, subprocess, sys, tempfile
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
RUNJS = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get('ORT_RUNJS') or
         os.path.join(HERE, '..', '..', '..', '..', 'shared', 'models', 'tools', 'node', 'run.js'))
OPSET = 13


def qdq(nodes, inits, x, name, scale, zp, out=None):
    """x (float) -> QuantizeLinear -> DequantizeLinear; returns the DQ output"""
    out = out or name + '_dq'
    inits += [numpy_helper.from_array(np.array(scale, np.float32), name + '_s'),
              numpy_helper.from_array(np.array(zp), name + '_z')]
    nodes += [helper.make_node('QuantizeLinear', [x, name + '_s', name + '_z'], [name + '_q'], name=name + '_Q'),
              helper.make_node('DequantizeLinear', [name + '_q', name + '_s', name + '_z'], [out], name=name + '_DQ')]
    return out


def zp_of(dt, v=None):
    return np.uint8(128 if v is None else v) if dt == 'u8' else np.int8(0 if v is None else v)


def model(name, shape, body, out_scale, dt, in_scale=0.05):
    nodes, inits = [], []
    x = qdq(nodes, inits, 'input', 'in', in_scale, zp_of(dt))
    y = body(nodes, inits, x)
    qdq(nodes, inits, y, 'out', out_scale, zp_of(dt), 'output')
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info('input', TensorProto.FLOAT, shape)],
                          [helper.make_tensor_value_info('output', TensorProto.FLOAT, None)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', OPSET)], producer_name='axon gen.py')
    m.ir_version = 7

    return m


def layernorm(nodes, inits, x, n, rng, eps=1e-5):
    g = rng.uniform(0.5, 1.5, n).astype(np.float32)
    b = rng.uniform(-0.5, 0.5, n).astype(np.float32)
    inits += [numpy_helper.from_array(g, 'gamma'), numpy_helper.from_array(b, 'beta'),
              numpy_helper.from_array(np.array(2.0, np.float32), 'two'),
              numpy_helper.from_array(np.array(eps, np.float32), 'eps')]
    mk = helper.make_node
    nodes += [mk('ReduceMean', [x], ['mean'], axes=[-1], name='ln/ReduceMean'),
              mk('Sub', [x, 'mean'], ['xc'], name='ln/Sub'),
              mk('Pow', ['xc', 'two'], ['sq'], name='ln/Pow'),
              mk('ReduceMean', ['sq'], ['var'], axes=[-1], name='ln/ReduceMean_1'),
              mk('Add', ['var', 'eps'], ['vareps'], name='ln/Add'),
              mk('Sqrt', ['vareps'], ['std'], name='ln/Sqrt'),
              mk('Div', ['xc', 'std'], ['norm'], name='ln/Div'),
              mk('Mul', ['norm', 'gamma'], ['scaled'], name='ln/Mul'),
              mk('Add', ['scaled', 'beta'], ['ln_out'], name='ln/Add_1')]
    return 'ln_out'


def reduce(op, axes, keep):
    def body(nodes, inits, x):
        if op == 'ReduceSum':
            inits.append(numpy_helper.from_array(np.array(axes, np.int64), 'axes'))
            nodes.append(helper.make_node(op, [x, 'axes'], ['r'], keepdims=keep, name=op))
        else:
            nodes.append(helper.make_node(op, [x], ['r'], axes=axes, keepdims=keep, name=op))
        return 'r'
    return body


def cases():
    rng = np.random.default_rng(7)
    yield ('ln_decomposed_qdq_u8', [1, 16, 64], lambda n, i, x: layernorm(n, i, x, 64, rng), 0.03, 'u8',
           lambda r: (r.standard_normal((1, 16, 64)) * 1.5 + r.uniform(-1, 1, (1, 16, 1))))
    rng2 = np.random.default_rng(8)
    yield ('ln_decomposed_qdq_s8', [1, 8, 128], lambda n, i, x: layernorm(n, i, x, 128, rng2), 0.03, 's8',
           lambda r: (r.standard_normal((1, 8, 128)) * 2.0))
    yield ('reduce_mean_qdq_u8', [1, 8, 8, 16], reduce('ReduceMean', [-1], 1), 0.02, 'u8',
           lambda r: r.uniform(-3, 3, (1, 8, 8, 16)))
    yield ('reduce_sum_qdq_s8', [1, 4, 6, 6], reduce('ReduceSum', [2, 3], 0), 0.5, 's8',
           lambda r: r.uniform(-2, 2, (1, 4, 6, 6)))
    yield ('reduce_max_qdq_u8', [2, 10, 12], reduce('ReduceMax', [1], 1), 0.05, 'u8',
           lambda r: r.uniform(-4, 4, (2, 10, 12)))


def tensor_pb(a, path):
    with open(path, 'wb') as f:
        f.write(numpy_helper.from_array(a).SerializeToString())


def main():
    for name, shape, body, oscale, dt, gen in cases():
        d = os.path.join(HERE, name)
        os.makedirs(d, exist_ok=True)
        m = model(name, shape, body, oscale, dt)
        onnx.save(m, os.path.join(d, 'model.onnx'))
        meta = {'source': 'tests/data/conformance/gen.py',
                'reference': 'onnxruntime-node, graphOptimizationLevel=disabled', 'sets': []}
        for k in range(2):
            x = gen(np.random.default_rng(100 + k)).astype(np.float32)
            sd = os.path.join(d, 'test_data_set_%d' % k)
            os.makedirs(sd, exist_ok=True)
            tensor_pb(x, os.path.join(sd, 'input_0.pb'))
            with tempfile.TemporaryDirectory() as t:
                os.makedirs(os.path.join(t, 'in'))
                np.save(os.path.join(t, 'in', 'input.npy'), x)
                r = subprocess.run(['node', RUNJS, os.path.join(d, 'model.onnx'), os.path.join(t, 'in'),
                                    os.path.join(t, 'out'), 'disabled'], capture_output=True, text=True)
                if r.returncode:
                    sys.exit('run.js failed: ' + r.stderr[-500:])
                y = np.load(os.path.join(t, 'out', 'output.npy'))
            tensor_pb(y, os.path.join(sd, 'output_0.pb'))
            meta['sets'].append({'output': 'output', 'shape': list(y.shape), 'output_scale': oscale,
                                 'fused_vs_unfused_max_lsb': 0.0})
        with open(os.path.join(d, 'meta.json'), 'w') as f:
            json.dump(meta, f, indent=1)
        print(name, 'ok')


if __name__ == '__main__':
    main()
