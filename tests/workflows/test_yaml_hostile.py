"""import_workflows refuses hostile YAML (SPEC §13): files over 1 MB, anchors and aliases
(billion laughs), non-UTF-8 bytes, duplicate keys, deep nesting, Python object tags: each
with one clear error line, fast, and nothing written."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from workflows.models import Workflow

pytestmark = pytest.mark.django_db

ONE = """- name: fine
  index: DAX.I
  cfd: GER40.I
  conditions:
  - indicator: {name: ma50, ut: h4}
    close: {direction: below, ut: h1}
"""
BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
)
HOSTILE = {
    "billion laughs": (BILLION_LAUGHS.encode(), "anchors (&a) are not allowed"),
    "alias into a workflow": (
        (ONE + "- name: copy\n  index: DAX.I\n  cfd: GER40.I\n  conditions: *c\n").encode(),
        "aliases (*c) are not allowed",
    ),
    "anchor only": (ONE.replace("conditions:", "conditions: &c").encode(), "anchors (&c)"),
    "duplicate key": (ONE.replace("  cfd: GER40.I\n", "  cfd: GER40.I\n  cfd: X\n").encode(),
                      "duplicate key 'cfd'"),
    "deep nesting (flow)": (b"- " + b"[" * 50_000 + b"]" * 50_000, "nested deeper than"),
    "deep nesting (block)": (
        "".join(f"{'  ' * n}k{n}:\n" for n in range(200)).encode(), "nested deeper than"
    ),
    "latin-1 bytes": (ONE.replace("fine", "caf\u00e9").encode("latin-1"), "not UTF-8"),
    "utf-16": (ONE.encode("utf-16"), "not UTF-8"),
    "over 1 MB": (ONE.encode() + b"#" * (1024 * 1024), "too large"),
    "python object tag": (b"- !!python/object/apply:os.system ['touch /tmp/pwned']\n",
                          "not valid YAML"),
}


def import_file(path: Path) -> None:
    call_command("import_workflows", str(path), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_yaml_is_refused_in_one_line_fast_and_nothing_is_written(tmp_path, case):
    data, message = HOSTILE[case]
    path = tmp_path / "hostile.yml"
    path.write_bytes(data)
    started = time.perf_counter()
    with pytest.raises(CommandError) as info:
        import_file(path)
    assert time.perf_counter() - started < 2
    text = str(info.value)
    assert message in text and "\n" not in text, text
    assert Workflow.objects.count() == 0


def test_a_plain_file_still_imports(tmp_path):
    path = tmp_path / "ok.yml"
    path.write_text(ONE)
    import_file(path)
    assert Workflow.objects.get().name == "fine"


def test_a_workflow_with_10000_conditions_is_refused(tmp_path):
    condition = "  - indicator: {name: ma50, ut: h4}\n    close: {direction: below, ut: h1}\n"
    head = ONE.split("  - indicator")[0]
    path = tmp_path / "many.yml"
    path.write_text(head + condition * 10_000)
    assert path.stat().st_size < 1024 * 1024
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_workflows", str(path), stdout=io.StringIO(), stderr=err)
    assert "at most 20" in err.getvalue()
    assert Workflow.objects.count() == 0
