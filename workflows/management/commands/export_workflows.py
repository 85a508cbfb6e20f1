"""manage.py export_workflows [FILE]: write workflows in the original YAML format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from workflows.models import Workflow
from workflows.specs import definition_from_workflow
from workflows.yaml_io import dump_documents


class Command(BaseCommand):
    help = "Export workflows (not archived unless --archived) as YAML, to FILE or stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--archived", action="store_true", help="include archived workflows")

    def handle(self, *args: Any, file: Path | None, archived: bool, **options: Any) -> None:
        rows = Workflow.objects.prefetch_related("conditions").order_by("name")
        if not archived:
            rows = rows.filter(archived_at__isnull=True)
        text = dump_documents([definition_from_workflow(row) for row in rows])
        if file is None:
            self.stdout.write(text, ending="")
            return
        tmp = file.with_suffix(file.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(file)
        self.stderr.write(f"wrote {len(rows)} workflows to {file}")
