#!/usr/bin/python3
"""PyTorch reference trajectories for the optimizer tests.

Run with Debian's torch (apt-get install python3-torch):

    /usr/bin/python3 tools/reference/generate.py

It writes test/fixtures/reference/{objectives,mlp,schedules}.json, which are committed, so the
unit tests (test/unit/engine/reference.test.ts) need no Python. Everything is float32, on the
CPU, single-tensor (foreach=False) code paths, deterministic. Optimizer settings are written in
the experiment file's vocabulary (name, learningRate, momentum, rho, ...), so the tests build
our optimizers from exactly what is stored here.
"""
import json
import warnings
import math
import os
import sys

import torch
import torch.nn.functional as F
from torch.optim import swa_utils

torch.set_default_dtype(torch.float32)
# SequentialLR calls step(0) on its children, which torch 1.13 warns about; the values are right.
warnings.filterwarnings('ignore', category=UserWarning, module='torch.optim.lr_scheduler')
torch.use_deterministic_algorithms(True)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'reference')


def f32(x):
    """Shortest decimal that round-trips a float32 (9 significant digits always do)."""
    return float(f'{float(x):.9g}')


# --- the 2-D objectives, written as src/engine/objectives.ts writes them -----------------------

def objective(name, theta, c=10.0):
    x, y = theta[0], theta[1]
    if name == 'rosenbrock':
        return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
    if name == 'beale':
        xy = x * y
        xy2 = xy * y
        xy3 = xy2 * y
        return (1.5 - x + xy) ** 2 + (2.25 - x + xy2) ** 2 + (2.625 - x + xy3) ** 2
    if name == 'quadratic':
        return 0.5 * (x ** 2 + c * y ** 2)
    if name == 'saddle':
        return x ** 2 - y ** 2
    if name == 'himmelblau':
        return (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2
    if name == 'sphere':
        return x ** 2 + y ** 2
    raise ValueError(name)


def torch_optimizer(spec, params):
    """Our experiment-file optimizer spec -> the torch.optim equivalent."""
    name, lr = spec['name'], spec['learningRate']
    if name == 'sgd':
        return torch.optim.SGD(params, lr=lr, foreach=False)
    if name in ('momentum', 'nesterov'):
        return torch.optim.SGD(params, lr=lr, momentum=spec['momentum'], nesterov=name == 'nesterov', foreach=False)
    if name == 'adagrad':
        return torch.optim.Adagrad(params, lr=lr, eps=spec['epsilon'], foreach=False)
    if name == 'rmsprop':
        return torch.optim.RMSprop(params, lr=lr, alpha=spec['rho'], eps=spec['epsilon'], momentum=spec.get('momentum', 0),
                                   centered=spec.get('centered', False), foreach=False)
    if name == 'adam':
        return torch.optim.Adam(params, lr=lr, betas=(spec['beta1'], spec['beta2']), eps=spec['epsilon'],
                                amsgrad=spec.get('amsgrad', False), foreach=False)
    raise ValueError(name)


def full_spec(spec):
    """Every hyperparameter explicit (our validator's defaults, PyTorch's where they differ by name)."""
    out = {'momentum': 0.9 if spec['name'] != 'rmsprop' else 0.0, 'beta1': 0.9, 'beta2': 0.999, 'rho': 0.99,
           'epsilon': 1e-10 if spec['name'] == 'adagrad' else 1e-8}
    out.update(spec)
    return out


def averager(spec, model):
    """torch.optim.swa_utils.AveragedModel: polyak (the default mean) or an EMA avg_fn."""
    avg = spec.get('averaging')
    if avg is None:
        return None
    if avg == 'polyak':
        return swa_utils.AveragedModel(model)
    d = avg['ema']
    return swa_utils.AveragedModel(model, avg_fn=lambda a, p, n: d * a + (1 - d) * p)


class Point(torch.nn.Module):
    def __init__(self, start):
        super().__init__()
        self.theta = torch.nn.Parameter(torch.tensor(start, dtype=torch.float32))


def objective_case(fn, start, spec, steps, condition=10.0):
    spec = full_spec(spec)
    model = Point(start)
    opt = torch_optimizer(spec, [model.theta])
    avg = averager(spec, model)
    points, losses, avg_losses = [], [], []
    for k in range(steps + 1):
        opt.zero_grad()
        loss = objective(fn, model.theta, condition)
        points.append([f32(v) for v in model.theta.detach()])
        losses.append(f32(loss.item()))
        if avg is not None:
            with torch.no_grad():
                # Before the first update the average is the start point (as our Averaged does).
                at = avg.module.theta if k > 0 else model.theta
                avg_losses.append(f32(objective(fn, at, condition).item()))
        if k == steps:
            break
        loss.backward()
        opt.step()
        if avg is not None:
            avg.update_parameters(model)
    case = {'objective': {'function': fn, 'start': start, 'condition': condition}, 'optimizer': spec, 'steps': steps,
            'points': points, 'losses': losses}
    if avg is not None:
        case['avgLosses'] = avg_losses
    return case


def objective_cases():
    cases = []
    add = lambda fn, start, spec, steps=120, c=10.0: cases.append(objective_case(fn, start, spec, steps, c))
    for fn, start in [('rosenbrock', [-1.5, 2.0]), ('quadratic', [10.0, 1.0]), ('beale', [1.0, 1.0]), ('himmelblau', [0.0, 0.0])]:
        lr_gd = {'rosenbrock': 1e-4, 'quadratic': 0.05, 'beale': 0.01, 'himmelblau': 0.01}[fn]
        add(fn, start, {'name': 'sgd', 'learningRate': lr_gd})
        add(fn, start, {'name': 'momentum', 'learningRate': lr_gd, 'momentum': 0.9})
        add(fn, start, {'name': 'nesterov', 'learningRate': lr_gd, 'momentum': 0.8})
        add(fn, start, {'name': 'adagrad', 'learningRate': 0.5})
        add(fn, start, {'name': 'rmsprop', 'learningRate': 0.01})
        add(fn, start, {'name': 'rmsprop', 'learningRate': 0.01, 'centered': True})
        add(fn, start, {'name': 'rmsprop', 'learningRate': 0.001, 'momentum': 0.9})
        add(fn, start, {'name': 'rmsprop', 'learningRate': 0.001, 'momentum': 0.5, 'centered': True, 'rho': 0.9})
        add(fn, start, {'name': 'adam', 'learningRate': 0.05})
        add(fn, start, {'name': 'adam', 'learningRate': 0.05, 'amsgrad': True, 'beta1': 0.8, 'beta2': 0.99})
    add('sphere', [10.0, 0.0], {'name': 'sgd', 'learningRate': 0.2}, 100)
    add('quadratic', [-3.0, 2.0], {'name': 'momentum', 'learningRate': 0.02, 'momentum': 0.95}, 150, 100.0)
    add('saddle', [1.0, 0.001], {'name': 'adam', 'learningRate': 0.01}, 100)
    add('quadratic', [4.0, -2.0], {'name': 'sgd', 'learningRate': 0.15, 'averaging': 'polyak'}, 100)
    add('rosenbrock', [-1.0, 1.5], {'name': 'adam', 'learningRate': 0.02, 'averaging': {'ema': 0.9}}, 150)
    return cases


# --- a small MLP with fixed weights and data -------------------------------------------------

def mlp_problem():
    g = torch.Generator().manual_seed(7)
    n, classes = 48, 3
    # Three noisy arms of a spiral-like set: enough structure that training makes progress.
    t = torch.rand(n, generator=g) * 3
    k = torch.arange(n) % classes
    angle = t + k.float() * (2 * math.pi / classes)
    x = torch.stack([t * torch.cos(angle), t * torch.sin(angle)], 1) / 3 + 0.05 * torch.randn(n, 2, generator=g)
    torch.manual_seed(3)
    l1, l2 = torch.nn.Linear(2, 6), torch.nn.Linear(6, classes)
    return x.float(), k, l1, l2


def mlp_case(spec, steps):
    spec = full_spec(spec)
    x, y, l1, l2 = mlp_problem()
    params = [l1.weight, l1.bias, l2.weight, l2.bias]
    opt = torch_optimizer(spec, params)
    losses = []
    for k in range(steps + 1):
        opt.zero_grad()
        loss = F.cross_entropy(l2(torch.tanh(l1(x))), y)
        losses.append(f32(loss.item()))
        if k == steps:
            break
        loss.backward()
        opt.step()
    final = [[f32(v) for v in p.detach().t().reshape(-1)] for p in params]
    return {'optimizer': spec, 'steps': steps, 'losses': losses, 'final': final}


def mlp_fixture():
    x, y, l1, l2 = mlp_problem()
    init = [[f32(v) for v in p.detach().t().reshape(-1)] for p in (l1.weight, l1.bias, l2.weight, l2.bias)]
    cases = [mlp_case(s, 100) for s in [
        {'name': 'sgd', 'learningRate': 0.5},
        {'name': 'momentum', 'learningRate': 0.1, 'momentum': 0.9},
        {'name': 'nesterov', 'learningRate': 0.1, 'momentum': 0.9},
        # Larger adaptive rates (adagrad 0.1, rmsprop 0.01) reach a step where g/√s jumps to ~8 and the
        # update overshoots a sharp direction: locally unstable for a few steps, which multiplies the
        # 1e-7 rounding differences between any two float32 implementations to ~1e-3.
        {'name': 'adagrad', 'learningRate': 0.05},
        {'name': 'rmsprop', 'learningRate': 0.003},
        {'name': 'rmsprop', 'learningRate': 0.005, 'centered': True, 'momentum': 0.9},
        {'name': 'adam', 'learningRate': 0.02},
        {'name': 'adam', 'learningRate': 0.02, 'amsgrad': True},
    ]]
    return {
        'about': 'MLP 2-6(tanh)-3, softmax cross-entropy (mean), full batch. Weights W are [in, out] row-major '
                 '(torch Linear.weight transposed), in the order W1, b1, W2, b2.',
        'x': [[f32(v) for v in row] for row in x], 'y': [int(v) for v in y], 'classes': 3,
        'layers': [{'units': 6, 'activation': 'tanh'}], 'init': init, 'cases': cases,
    }


# --- learning-rate schedules ---------------------------------------------------------------

def lr_sequence(make, epochs, lr0=0.1):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=lr0)
    sched = make(opt)
    out = []
    for _ in range(epochs):
        out.append(opt.param_groups[0]['lr'])
        opt.step()
        sched.step()
    return out


def schedules_fixture():
    S = torch.optim.lr_scheduler
    E = 40
    return {'lr0': 0.1, 'epochs': E, 'cases': [
        {'torch': 'ExponentialLR(gamma=0.9)', 'schedule': {'name': 'exponential', 'gamma': 0.9},
         'lrs': lr_sequence(lambda o: S.ExponentialLR(o, gamma=0.9), E)},
        {'torch': 'StepLR(step_size=7, gamma=0.5)', 'schedule': {'name': 'step', 'every': 7, 'factor': 2},
         'lrs': lr_sequence(lambda o: S.StepLR(o, step_size=7, gamma=0.5), E)},
        {'torch': 'StepLR(step_size=10, gamma=0.1)', 'schedule': {'name': 'step', 'every': 10, 'factor': 10},
         'lrs': lr_sequence(lambda o: S.StepLR(o, step_size=10, gamma=0.1), E)},
        {'torch': 'LambdaLR(lambda e: 1 / (1 + 0.5 e))', 'schedule': {'name': 'inverseTime', 'decay': 0.5},
         'lrs': lr_sequence(lambda o: S.LambdaLR(o, lambda e: 1 / (1 + 0.5 * e)), E)},
        {'torch': 'CosineAnnealingLR(T_max=40, eta_min=0.001)', 'schedule': {'name': 'warmupCosine', 'warmup': 0, 'floor': 0.001},
         'lrs': lr_sequence(lambda o: S.CosineAnnealingLR(o, T_max=E, eta_min=0.001), E)},
        {'torch': 'SequentialLR([LinearLR(start_factor=1/5, total_iters=4), CosineAnnealingLR(T_max=35)], milestones=[5])',
         'schedule': {'name': 'warmupCosine', 'warmup': 5, 'floor': 0},
         'lrs': lr_sequence(lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=1 / 5, total_iters=4),
                                                         S.CosineAnnealingLR(o, T_max=E - 5)], milestones=[5]), E)},
    ]}


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = {'generator': 'tools/reference/generate.py', 'torch': torch.__version__, 'python': sys.version.split()[0]}
    for name, data in [('objectives', {'cases': objective_cases()}), ('mlp', mlp_fixture()), ('schedules', schedules_fixture())]:
        path = os.path.join(OUT, f'{name}.json')
        with open(path, 'w') as fh:
            json.dump({**meta, **data}, fh, separators=(',', ':'))
            fh.write('\n')
        print(f'{path}: {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    main()
