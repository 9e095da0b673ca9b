#!/usr/bin/env python3
"""The PyTorch side of `npm run bench`: times training steps of a graph's exported PyTorch script.

It imports the script the studio exported for the graph (its Model, loss and optimizer settings, unchanged),
feeds it the same images the browser trains on (raw float32, channels last, written by the bench), and times
the script's own training step: forward, backward, optimizer step. Prints one JSON object.

  python3 benchTorch.py SCRIPT IMAGES.f32 N H W C --steps 40 --threads 1 [--device cpu]
"""

import argparse
import importlib.util
import json
import os
import time


def load_script(path):
    """Imports the exported script as a module (it runs nothing at import)."""
    spec = importlib.util.spec_from_file_location("exported_graph", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def blas_library():
    """Which BLAS the system's torch links (Debian switches it with update-alternatives)."""
    for link in ("/etc/alternatives/libblas.so.3-x86_64-linux-gnu", "/etc/alternatives/libblas.so.3-aarch64-linux-gnu"):
        if os.path.islink(link):
            return os.path.realpath(link)
    return "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("script")
    parser.add_argument("images")
    parser.add_argument("shape", nargs=4, type=int, help="N H W C")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    script = load_script(args.script)
    n, h, w, c = args.shape
    with open(args.images, "rb") as f:
        raw = f.read()
    images = torch.frombuffer(bytearray(raw), dtype=torch.float32).reshape(n, h, w, c).permute(0, 3, 1, 2).contiguous()
    device = torch.device(args.device)
    torch.manual_seed(script.SEED)
    model = script.Model().to(device)
    if script.OPTIMIZER == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=script.LEARNING_RATE, eps=1e-7)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=script.LEARNING_RATE)
    batch_size = script.BATCH_SIZE
    batches = max(1, n // batch_size)
    images = images.to(device)

    def step(i):
        batch = images[(i % batches) * batch_size:(i % batches + 1) * batch_size]
        terms = model(batch, i)
        optimizer.zero_grad()
        terms["objective"].backward()
        optimizer.step()
        return terms["objective"]

    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    start = time.perf_counter()
    first = step(0).item()
    first_ms = (time.perf_counter() - start) * 1000
    for i in range(1, args.warmup):
        step(i)
    sync()
    start = time.perf_counter()
    for i in range(args.steps):
        last = step(args.warmup + i)
    last = last.item()
    sync()
    seconds = time.perf_counter() - start
    print(json.dumps({
        "torch": torch.__version__,
        "device": str(device),
        "threads": torch.get_num_threads(),
        "blas": blas_library(),
        "batchSize": batch_size,
        "steps": args.steps,
        "samplesPerSecond": round(args.steps * batch_size / seconds, 1),
        "msPerStep": round(seconds * 1000 / args.steps, 3),
        "firstStepMs": round(first_ms, 1),
        "firstLoss": round(first, 3),
        "lastLoss": round(last, 3),
    }))


if __name__ == "__main__":
    main()
