"""PyTorch CPU reference for `npm run bench`: a persistent process so trials interleave with the
engine's. Reads one JSON command per line on stdin, answers one JSON line on stdout:
  {"workload": {...}, "budget": seconds, "maxSteps": n, "idx": {"images": path, "labels": path}}
  ->  {"steps": n, "seconds": s}
One thread, as the tfjs backends use one thread. With "idx" (the MNIST shapes) it trains on the
engine's own IDX files, pixels / 255 as the engine reads them; otherwise on random data.
`python3 bench/torch_ref.py --train IMAGES LABELS BATCH adam|momentum EPOCHS` trains on IDX files
and prints the loss per epoch and the first layer's dead units (a check that the data is learnable)."""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(0)

_cache = {}


def read_idx(images, labels):
    """IDX files as (float rows in [0, 1], int64 labels), as the engine's idx.ts reads them."""
    with open(images, "rb") as f:
        raw = f.read()
    n, h, w = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    x = torch.frombuffer(bytearray(raw[16:16 + n * h * w]), dtype=torch.uint8).reshape(n, h * w).float() / 255
    with open(labels, "rb") as f:
        raw = f.read()
    y = torch.frombuffer(bytearray(raw[8:8 + n]), dtype=torch.uint8).long()
    return x, y


def build(w, idx=None):
    key = json.dumps([w, idx], sort_keys=True)
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
    if idx:
        x, y = read_idx(idx["images"], idx["labels"])
        n = len(y)
        loss_fn = torch.nn.CrossEntropyLoss()
    elif sizes[-1] == 1:
        x = torch.rand(n, sizes[0])
        y = (torch.rand(n, 1) > 0.5).float()
        loss_fn = torch.nn.BCEWithLogitsLoss()
    else:
        x = torch.rand(n, sizes[0])
        y = torch.randint(0, sizes[-1], (n,))
        loss_fn = torch.nn.CrossEntropyLoss()
    batches = [(x[i:i + bs], y[i:i + bs]) for i in range(0, n - bs + 1, bs)]
    _cache[key] = (model, opt, loss_fn, batches)
    return _cache[key]


def trial(w, budget, max_steps, idx=None):
    model, opt, loss_fn, batches = build(w, idx)

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
        print(json.dumps(trial(cmd["workload"], cmd["budget"], cmd["maxSteps"], cmd.get("idx"))), flush=True)


def train(images, labels, batch, optimizer, epochs):
    w = {"sizes": [784, 128, 64, 10], "optimizer": optimizer, "batch": batch, "rows": 0}
    model, opt, loss_fn, batches = build(w, {"images": images, "labels": labels})
    first = model[0]
    for epoch in range(epochs):
        total, dead = 0.0, None
        for xb, yb in batches:
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item()
            # A hidden unit whose weights got exactly zero gradient on this batch did not fire on it.
            zero = (first.weight.grad == 0).all(dim=1)
            dead = zero if dead is None else dead & zero
        with torch.no_grad():
            acc = (model(torch.cat([b[0] for b in batches])).argmax(1) == torch.cat([b[1] for b in batches])).float().mean()
        print(f"epoch {epoch + 1}: mean loss {total / len(batches):.4f}, train accuracy {acc:.3f}, "
              f"first-layer units with zero gradient on every batch {int(dead.sum())}/{dead.numel()}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--train":
        train(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], int(sys.argv[6]))
    else:
        main()
