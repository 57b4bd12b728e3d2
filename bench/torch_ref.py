"""PyTorch CPU reference for `npm run bench`: a persistent process so trials interleave with the
engine's. Reads one JSON command per line on stdin, answers one JSON line on stdout:
  {"workload": {...}, "budget": seconds, "maxSteps": n}  ->  {"steps": n, "seconds": s}
One thread, as the tfjs backends use one thread. Data is random (timing only)."""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(0)

_cache = {}


def build(w):
    key = json.dumps(w, sort_keys=True)
    if key in _cache:
        return _cache[key]
    sizes = w["sizes"]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    if w["optimizer"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    n, bs = w["rows"], w["batch"]
    x = torch.rand(n, sizes[0])
    if sizes[-1] == 1:
        y = (torch.rand(n, 1) > 0.5).float()
        loss_fn = torch.nn.BCEWithLogitsLoss()
    else:
        y = torch.randint(0, sizes[-1], (n,))
        loss_fn = torch.nn.CrossEntropyLoss()
    batches = [(x[i:i + bs], y[i:i + bs]) for i in range(0, n - bs + 1, bs)]
    _cache[key] = (model, opt, loss_fn, batches)
    return _cache[key]


def trial(w, budget, max_steps):
    model, opt, loss_fn, batches = build(w)

    def step(i):
        xb, yb = batches[i % len(batches)]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(5):
        step(i)
    t0 = time.perf_counter()
    steps = 0
    while steps < max_steps and (steps < 5 or time.perf_counter() - t0 < budget):
        step(steps)
        steps += 1
    return {"steps": steps, "seconds": time.perf_counter() - t0}


def main():
    print(json.dumps({"ready": True, "torch": torch.__version__,
                      "blas": "openblas" if "openblas" in torch.__config__.show().lower()
                      or os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3").find("openblas") >= 0
                      else "reference"}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        print(json.dumps(trial(cmd["workload"], cmd["budget"], cmd["maxSteps"])), flush=True)


if __name__ == "__main__":
    main()
