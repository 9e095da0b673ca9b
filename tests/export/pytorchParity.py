"""Runs exported PyTorch scripts for the parity tests, all in one process.

Reads a manifest (JSON) with two lists:
  parity: [{script, input}] - loads the script as a module (its training only
          starts under __main__), copies the browser's weights into its Model
          (transposed from the browser's channels-last layouts), runs the graph
          on a batch with z = mean (and the batch's class labels, for a script
          whose model takes them), and reports the terms; given noise eps, also
          the script's importance-weighted estimate of log p(x) with z = μ + σ·eps.
  train:  [{script, args}]  - runs the script as __main__ with those arguments
          and reports what it printed.
Prints {script: result} as JSON.
Usage: python pytorchParity.py MANIFEST_JSON
"""
import contextlib
import importlib.util
import inspect
import io
import json
import runpy
import sys
import traceback

import numpy as np
import torch


def load_script(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parity(script, inputs, index):
    module = load_script(script, f"exported_graph_{index}")
    with open(inputs, encoding="utf-8") as f:
        data = json.load(f)
    torch.manual_seed(0)
    model = module.Model()
    params = dict(model.named_parameters())
    count = sum(p.numel() for p in model.parameters())
    with torch.no_grad():
        for link in data["weights"]:
            w = data["values"][link["browser"]]
            arr = np.array(w["values"], dtype=np.float32).reshape(w["shape"])
            if link["layout"] == "dense":
                arr = arr.T
            elif link["layout"] in ("conv", "deconv"):
                arr = arr.transpose(3, 2, 0, 1)
            target = params.pop(link["python"])
            if tuple(target.shape) != arr.shape:
                raise ValueError(f"{link['python']}: shape {tuple(target.shape)} but the browser's is {arr.shape}")
            target.copy_(torch.from_numpy(arr.copy()))
    if params:
        raise ValueError(f"parameters with no browser weight: {sorted(params)}")
    x = torch.tensor(data["x"], dtype=torch.float32).reshape(data["shape"]).permute(0, 3, 1, 2)
    # a graph that reads the labels (a conditional VAE) takes them after the images
    reads_labels = "labels" in inspect.signature(model.forward).parameters
    inputs = (x, torch.tensor(data["labels"], dtype=torch.long)) if reads_labels else (x,)
    model.eval()
    with torch.no_grad():
        terms = model(*inputs, data["step"], sample=False)
    result = {"count": count, **{k: float(v) for k, v in terms.items() if k != "importance"}}
    if "eps" in data:
        eps = torch.tensor(data["eps"], dtype=torch.float32).reshape(-1, data["latent"])
        module.reparameterize = lambda mean, log_var: mean + torch.exp(0.5 * log_var) * eps
        k = data["k"]
        result["iw"] = module.importance_weighted_log_px(model, *inputs, k, data["step"], "cpu")
    return result


def train(script, args):
    out = io.StringIO()
    saved = sys.argv
    sys.argv = [script, *args]
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(script, run_name="__main__")
        return {"status": 0, "stdout": out.getvalue()}
    except SystemExit as e:
        return {"status": e.code if isinstance(e.code, int) else 1, "stdout": out.getvalue(), "error": str(e)}
    finally:
        sys.argv = saved


def main(manifest):
    with open(manifest, encoding="utf-8") as f:
        jobs = json.load(f)
    results = {}
    for i, job in enumerate(jobs.get("parity", [])):
        try:
            results[job["script"]] = parity(job["script"], job["input"], i)
        except Exception:
            results[job["script"]] = {"error": traceback.format_exc()}
    for job in jobs.get("train", []):
        try:
            results[job["script"]] = train(job["script"], job["args"])
        except Exception:
            results[job["script"]] = {"status": 1, "error": traceback.format_exc()}
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1])
