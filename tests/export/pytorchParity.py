"""Runs one pass of an exported PyTorch script with the browser's weights.

Loads the script as a module (its training only starts under __main__), copies
the browser's weights into its Model (transposed from the browser's channels-last
layouts), runs the graph on a batch with z = μ, and prints the terms as JSON.
Usage: python pytorchParity.py SCRIPT INPUT_JSON
"""
import importlib.util
import json
import sys

import numpy as np
import torch


def load_script(path):
    spec = importlib.util.spec_from_file_location("exported_graph", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(script, inputs):
    module = load_script(script)
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
                raise SystemExit(f"{link['python']}: shape {tuple(target.shape)} but the browser's is {arr.shape}")
            target.copy_(torch.from_numpy(arr.copy()))
    if params:
        raise SystemExit(f"parameters with no browser weight: {sorted(params)}")
    x = torch.tensor(data["x"], dtype=torch.float32).reshape(data["shape"]).permute(0, 3, 1, 2)
    model.eval()
    with torch.no_grad():
        terms = model(x, data["step"], sample=False)
    print(json.dumps({"count": count, **{k: float(v) for k, v in terms.items()}}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
