"""import_workflows / export_workflows: atomic upsert by name, clear errors, stable round trip."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from workflows.models import Workflow
from workflows.services import import_workflows
from workflows.yaml_io import load_documents

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample" / "workflows.yml"

GOOD = """
- name: sell zone daily itp
  index: ITP:xpar
  cfd: ITP:xpar
  enable: true
  end_date: 2030-01-31
  conditions:
  - indicator: {name: zone, ut: daily, value: 29, zone_value: 27}
    close: {direction: below, ut: h1, spread: 1}
- name: buy bbb h1 dax
  index: DAX.I
  cfd: GER40.I
  enable: true
  dry_run: true
  end_date: 2030/02/28
  conditions:
  - indicator: {name: BBB, ut: H1}
    close: {direction: above, ut: h1, spread: 20}
  trigger: {ut: h1, signal: breakout, location: higher, order_direction: buy, quantity: 0.5}
"""

BAD = """
- name: fine one
  index: DAX.I
  cfd: GER40.I
  enable: true
  conditions:
  - indicator: {name: ma50, ut: h1}
    close: {direction: below, ut: h1}
- name: broken one
  index: DAX.I
  cfd: GER40.I
  enable: true
  end_date: 2024-13-01
  conditions:
  - indicator: {name: supertrend, ut: h1}
    close: {direction: below, ut: h1}
- name: broken zone
  index: ITP:xpar
  cfd: ITP:xpar
  enable: true
  conditions:
  - indicator: {name: zone, ut: h1, value: 3}
    close: {direction: below, ut: h1}
"""


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str, name: str = "wf.yml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.django_db
def test_import_creates_then_reports_unchanged(tmp_path):
    path = write(tmp_path, GOOD)
    assert "2 created, 0 updated, 0 unchanged, 0 errors" in run("import_workflows", str(path))[0]
    assert "0 created, 0 updated, 2 unchanged" in run("import_workflows", str(path))[0]
    zone = Workflow.objects.get(name="sell zone daily itp")
    condition = zone.conditions.get()
    assert (condition.value, condition.zone_value) == (27, 29)
    assert zone.trigger_order_direction == "sell" and zone.trigger_location == "lower"
    assert str(zone.end_date) == "2030-01-31"


@pytest.mark.django_db
def test_import_updates_a_changed_workflow_by_name(tmp_path):
    run("import_workflows", str(write(tmp_path, GOOD)))
    original_id = Workflow.objects.get(name="buy bbb h1 dax").id
    changed = GOOD.replace("quantity: 0.5", "quantity: 2")
    out, _ = run("import_workflows", str(write(tmp_path, changed, "v2.yml")))
    assert "0 created, 1 updated, 1 unchanged" in out
    workflow = Workflow.objects.get(name="buy bbb h1 dax")
    assert workflow.id == original_id and workflow.trigger_quantity == 2


@pytest.mark.django_db
def test_a_bad_file_is_rejected_with_one_line_per_error_and_nothing_written(tmp_path):
    run("import_workflows", str(write(tmp_path, GOOD)))
    before = list(Workflow.objects.values_list("name", "updated_at"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_workflows", str(write(tmp_path, BAD, "bad.yml")), stderr=err)
    lines = [line for line in err.getvalue().splitlines() if line.startswith("error:")]
    assert len(lines) == 3
    assert any("'broken one': end_date: '2024-13-01' is not a real date" in line for line in lines)
    assert any("'broken one': conditions[0].indicator.name" in line and "supertrend" in line
               for line in lines)
    assert any("'broken zone': conditions[0].indicator: zone_value is required" in line
               for line in lines)
    assert list(Workflow.objects.values_list("name", "updated_at")) == before


@pytest.mark.django_db
def test_check_only_validates_and_writes_nothing(tmp_path):
    out, _ = run("import_workflows", str(write(tmp_path, GOOD)), "--check")
    assert "check only" in out and "2 created" in out
    assert Workflow.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_names_in_one_file_are_an_error():
    raw = load_documents(GOOD) + load_documents(GOOD)[:1]
    report = import_workflows(raw=raw)
    assert not report.ok and "duplicate" in report.errors[0]
    assert Workflow.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [("name: [unclosed", "not valid YAML"), ("name: x", "top-level list")],
)
@pytest.mark.django_db
def test_unreadable_files_get_a_clear_error(tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        run("import_workflows", str(write(tmp_path, text)))


@pytest.mark.django_db
def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("import_workflows", str(tmp_path / "nope.yml"))


@pytest.mark.django_db
def test_sample_workflows_import_export_import_is_stable(tmp_path):
    out, _ = run("import_workflows", str(SAMPLE))
    assert "13 created" in out
    exported = tmp_path / "exported.yml"
    run("export_workflows", str(exported))
    out, _ = run("import_workflows", str(exported))
    assert "0 created, 0 updated, 13 unchanged, 0 errors" in out
    again = tmp_path / "again.yml"
    run("export_workflows", str(again))
    assert again.read_text() == exported.read_text()


@pytest.mark.django_db
def test_export_keeps_offsets_points_and_dates():
    run("import_workflows", str(SAMPLE))
    text, _ = run("export_workflows")
    assert "offset: 0.05" in text
    assert "x: '2026-09-01'" in text
    assert "end_date: 2099/12/31" in text


@pytest.mark.django_db
def test_the_reference_configuration_imports_48_workflows_with_default_triggers():
    from tests.shared import shared_file

    path = shared_file("reference", "workflows.yml")
    assert "48 created, 0 updated, 0 unchanged, 0 errors" in run("import_workflows", str(path))[0]
    assert "0 created, 0 updated, 48 unchanged" in run("import_workflows", str(path))[0]
    below = Workflow.objects.filter(conditions__close_direction="below")
    assert set(below.values_list("trigger_location", flat=True)) == {"lower"}
    # A Decimal: a float 0.1 becomes 0.1000000000000000055… and PostgreSQL compares exactly.
    assert Workflow.objects.filter(trigger_quantity=Decimal("0.1")).count() == 48
