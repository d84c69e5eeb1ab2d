"""The homework as a notebook: hand it out, read the answers back, grade with the CLI's grader.

    flashsim.homework.notebook(seed=7, student="ada", path="homework-ada.ipynb")
    report = flashsim.homework.grade_notebook("homework-ada.ipynb")   # or, in a shell:
    python3 -m flashsim.homework grade homework-ada.ipynb

Each question has one answer cell (tagged "answer"), lines `KEY = VALUE`. The grader reads those
cells as text (Python's ast: literal values only) and never runs anything the student wrote;
the answers become the answer file `flashsim homework grade` reads, graded by the same grader.
"""
from __future__ import annotations

import argparse
import ast
import json
import sys

from . import _core
from .result import Result

_KIND_HINT = {"integer": "a whole number", "number": "a number", "boolean": "True or False", "choice": "one of"}


def _answer_cell_source(q: dict) -> str:
    lines = [f"# {q['id']}: your answers (literal values only: the grader reads, never runs, this cell)"]
    for f in q["fields"]:
        hint = _KIND_HINT[f["kind"]]
        if f["kind"] == "choice":
            hint += " " + ", ".join(repr(c) for c in f["choices"])
        unit = f", in {f['unit']}" if f["unit"] else ""
        lines.append(f"{f['key']} = None  # {hint}{unit}; {f['tolerance']}")
    return "\n".join(lines)


def notebook(seed: int, student: str, path: str) -> str:
    """Writes the student's problem set as a notebook; returns the path."""
    import nbformat

    ps = _core.problem_set(seed, student)
    template = json.loads(ps["template_json"])
    nb = nbformat.v4.new_notebook()
    nb.metadata["flashsim_homework"] = {k: v for k, v in template.items() if k != "answers"}
    nb.cells.append(nbformat.v4.new_markdown_cell(
        f"# flashsim homework: {student} (seed {seed})\n\n"
        "Work in any cell you like (`import flashsim` gives you the simulator). Write each final answer as a "
        "literal value in the question's answer cell (`q1_s_bytes = 1048576`, not a formula): the grader "
        "reads those cells as text and runs nothing you wrote. Keep the cells' tags and this notebook's "
        "metadata as they are."))
    nb.cells.append(nbformat.v4.new_code_cell("import flashsim"))
    for q in ps["questions"]:
        nb.cells.append(nbformat.v4.new_markdown_cell(f"## {q['id']}: {q['title']}\n\n{q['text']}"))
        nb.cells.append(nbformat.v4.new_code_cell("# your work\n"))
        cell = nbformat.v4.new_code_cell(_answer_cell_source(q))
        cell.metadata["tags"] = ["answer"]
        cell.metadata["flashsim_question"] = q["id"]
        nb.cells.append(cell)
    nbformat.write(nb, str(path))
    return str(path)


def answers_from_notebook(path: str) -> dict:
    """The answer file (as `flashsim homework generate` writes it) from a notebook's answer cells.

    Reads the cells' text only. A line that is not `KEY = LITERAL` raises ValueError naming it.
    """
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
    except OSError as e:
        raise ValueError(f"notebook '{path}' cannot be read: {e.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{path}: not a notebook ({e})") from None
    header = nb.get("metadata", {}).get("flashsim_homework")
    if not isinstance(header, dict):
        raise ValueError(f"{path}: no flashsim_homework metadata; hand out notebooks made by flashsim.homework.notebook")
    answers = {}
    for cell in nb.get("cells", []):
        if "answer" not in cell.get("metadata", {}).get("tags", []):
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        try:
            tree = ast.parse(src)
        except SyntaxError as e:
            raise ValueError(f"{path}: answer cell {cell['metadata'].get('flashsim_question', '?')}, line {e.lineno}: "
                             f"not Python ({e.msg})") from None
        for node in tree.body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                raise ValueError(f"{path}: answer cell line {node.lineno}: expected KEY = VALUE")
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                raise ValueError(f"{path}: {node.targets[0].id} (line {node.lineno}): the answer must be a literal "
                                 "value such as 1048576 or 'more'; the grader does not run code") from None
            answers[node.targets[0].id] = value
    return {**header, "answers": answers}


def grade_notebook(path: str) -> Result:
    """Grades a notebook's answers with the CLI's grader; the report by field, and .text for people."""
    submission = answers_from_notebook(path)
    return Result(_core.grade(json.dumps(submission), str(path)))


def grade_file(path: str) -> Result:
    """Grades an answer file (JSON) as `flashsim homework grade FILE` does."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ValueError(f"answer file '{path}' cannot be read: {e.strerror}") from None
    return Result(_core.grade(text, str(path)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m flashsim.homework",
                                 description="the homework as notebooks: generate one, grade one")
    sub = ap.add_subparsers(dest="action", required=True)
    g = sub.add_parser("notebook", help="write a student's problem set as a notebook")
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("--student", required=True)
    g.add_argument("--out", default=".", help="folder for homework-ID.ipynb")
    r = sub.add_parser("grade", help="grade a notebook's answer cells (nothing in it is run)")
    r.add_argument("file")
    a = ap.parse_args(argv)
    try:
        if a.action == "notebook":
            import os

            print("wrote", notebook(a.seed, a.student, os.path.join(a.out, f"homework-{a.student}.ipynb")))
        else:
            print(grade_notebook(a.file).text, end="")
    except (ValueError, OSError) as e:  # ConfigError is a ValueError
        print(f"flashsim: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
