"""The homework as a notebook: answer cells read back as text and graded by the CLI's grader."""
import json
import os
import subprocess
import sys

import nbformat
import pytest

import flashsim

SEED, STUDENT = 11, "ada"


def _fill(nb_path, answers, extra=None):
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if "answer" in cell.metadata.get("tags", []):
            lines = []
            for line in cell.source.splitlines():
                key = line.split("=")[0].strip()
                if key in answers:
                    line = f"{key} = {answers[key]!r}"
                lines.append(line)
            cell.source = "\n".join(lines + ([extra] if extra else []))
            extra = None
    nbformat.write(nb, nb_path)


@pytest.fixture
def key(cli, tmp_path):
    rc, out, err = cli(f"homework key --seed {SEED} --student {STUDENT} --json -")
    assert rc == 0, err
    return json.loads(out)


def test_a_notebook_holds_every_answer_field_empty(tmp_path, key):
    path = flashsim.homework.notebook(SEED, STUDENT, tmp_path / "hw.ipynb")
    sub = flashsim.homework.answers_from_notebook(path)
    assert set(sub["answers"]) == set(key["answers"])
    assert all(v is None for v in sub["answers"].values())
    assert (sub["seed"], sub["student"], sub["model"]) == (SEED, STUDENT, key["model"])


def test_the_key_scores_full_marks_and_matches_the_cli_grader(cli, tmp_path, key):
    path = flashsim.homework.notebook(SEED, STUDENT, tmp_path / "hw.ipynb")
    _fill(path, key["answers"])
    report = flashsim.homework.grade_notebook(path)
    assert report.score == report.max_score > 0
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(flashsim.homework.answers_from_notebook(path)))
    rc, out, _ = cli(f"homework grade {answers}")
    assert rc == 0 and out == flashsim.homework.grade_file(answers).text
    assert out.replace(str(answers), str(path)) == report.text


def test_a_wrong_answer_loses_its_points(tmp_path, key):
    path = flashsim.homework.notebook(SEED, STUDENT, tmp_path / "hw.ipynb")
    first = next(k for k, v in key["answers"].items() if isinstance(v, (int, float)) and not isinstance(v, bool))
    wrong = dict(key["answers"], **{first: key["answers"][first] * 3 + 1})
    _fill(path, wrong)
    report = flashsim.homework.grade_notebook(path)
    field = next(f for f in report.fields if f.key == first)
    assert not field.correct and field.points == 0
    assert report.score == report.max_score - field.max_points


def test_code_in_an_answer_cell_is_refused_and_never_run(tmp_path, key):
    marker = tmp_path / "ran"
    path = flashsim.homework.notebook(SEED, STUDENT, tmp_path / "hw.ipynb")
    first = next(iter(key["answers"]))
    _fill(path, {}, extra=f"{first} = __import__('os').system('touch {marker}')")
    with pytest.raises(ValueError, match="literal value"):
        flashsim.homework.grade_notebook(path)
    assert not marker.exists()


def test_the_command_line_grades_a_notebook(tmp_path, key):
    path = flashsim.homework.notebook(SEED, STUDENT, tmp_path / "hw.ipynb")
    _fill(path, key["answers"])
    p = subprocess.run([sys.executable, "-m", "flashsim.homework", "grade", str(path)], capture_output=True, text=True,
                       env=dict(os.environ))
    assert p.returncode == 0, p.stderr
    assert p.stdout == flashsim.homework.grade_notebook(path).text
    p = subprocess.run([sys.executable, "-m", "flashsim.homework", "grade", str(tmp_path / "missing.ipynb")],
                       capture_output=True, text=True)
    assert p.returncode == 2 and p.stderr.startswith("flashsim: error: ") and len(p.stderr.splitlines()) == 1
