"""manage.py import_workflows FILE [--check]: atomic upsert by name from the original YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.services import import_workflows
from workflows.yaml_io import YamlFormatError, read_documents


class Command(BaseCommand):
    help = "Import workflows from a YAML file (all or nothing; upsert by name)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--check", action="store_true", help="validate only, write nothing")

    def handle(self, *args: Any, file: Path, check: bool, **options: Any) -> None:
        try:
            raw = read_documents(file)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        except YamlFormatError as exc:
            raise CommandError(f"{file}: {exc}") from None
        report = import_workflows(raw=raw, check=check)
        for line in report.errors:
            self.stderr.write(f"error: {line}")
        if not report.ok:
            raise CommandError(f"{file}: {report.summary()}; nothing was written")
        if options["verbosity"] > 1:
            for label, names in (("created", report.created), ("updated", report.updated)):
                for name in names:
                    self.stdout.write(f"{label}: {name}")
        prefix = "check only, nothing written: " if check else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{report.summary()}"))
