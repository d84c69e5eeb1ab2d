#!/usr/bin/env python3
"""Executes every lesson notebook and saves its last figure as docs/img/notebooks/NN-name.png.

usage: PYTHONPATH=build/python python3 python/tools/notebook_figures.py [LESSON_DIR ...]
Run from the repository root after a build; the figures are the notebooks' own outputs.
"""
import base64
import glob
import os
import sys

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor


def last_png(nb):
    png = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data:
                png = data["image/png"]
    return png


def main(dirs):
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    out_dir = os.path.join("docs", "img", "notebooks")
    os.makedirs(out_dir, exist_ok=True)
    for path in dirs or sorted(glob.glob("lessons/*/lesson.ipynb")):
        if os.path.isdir(path):
            path = os.path.join(path, "lesson.ipynb")
        lesson = os.path.basename(os.path.dirname(path))
        nb = nbformat.read(path, as_version=4)
        ExecutePreprocessor(timeout=300).preprocess(nb, {"metadata": {"path": os.path.dirname(path)}})
        png = last_png(nb)
        if png is None:
            print(f"{path}: no figure", file=sys.stderr)
            return 1
        target = os.path.join(out_dir, f"{lesson}.png")
        with open(target, "wb") as f:
            f.write(base64.b64decode(png))
        print("wrote", target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
