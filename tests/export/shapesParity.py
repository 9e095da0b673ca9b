"""Runs the shapes and MIG code that exported scripts carry, for comparison with the browser's.

Usage: python shapesParity.py BLOCK.py INPUT.json
BLOCK.py is the Python block (standard library only); INPUT.json is {"mig": [{"codes", "factors", "sizes"}]}.
Prints JSON: the SHA-256 of each split's pixels and factor levels (one byte per level, image after image),
the seconds it took to draw both splits, and the MIG result of each case.
"""
import hashlib
import importlib.util
import json
import sys
import time


def load(path):
    spec = importlib.util.spec_from_file_location("shapes_block", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def split_digest(block, train):
    pixels, factors = block.shapes_split(train)
    levels = bytes(level for row in factors for level in row)
    return {
        "count": len(factors),
        "pixels": hashlib.sha256(pixels).hexdigest(),
        "factors": hashlib.sha256(levels).hexdigest(),
    }


def main(block_path, input_path):
    block = load(block_path)
    with open(input_path, encoding="utf-8") as f:
        cases = json.load(f)["mig"]
    start = time.perf_counter()
    test = split_digest(block, False)
    train = split_digest(block, True)
    seconds = time.perf_counter() - start
    mig = [block.mutual_information_gap(c["codes"], c["factors"], c["sizes"]) for c in cases]
    print(json.dumps({"test": test, "train": train, "seconds": seconds, "mig": mig}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
