"""What ingest tells the curator: one line per seed that changed (every seed with -v), the lines
that go with it (review notes, a diff, a hint), and a one-line summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from digest.files import shown_path


@dataclass
class SeedResult:
    """What happened to one seed: created, updated, unchanged, kept (edited), merged, duplicate,
    rejected, seed gone or failed. `changed` results are shown by default, the others with -v."""

    seed: str
    status: str
    path: Path | None = None
    review: list[str] = field(default_factory=list)
    error: str | None = None
    changed: bool = True
    detail: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    results: list[SeedResult] = field(default_factory=list)
    gone: list[SeedResult] = field(default_factory=list)  # seeds deleted whose article is kept

    @property
    def failed(self) -> list[SeedResult]:
        return [r for r in self.results if r.status == "failed"]

    def lines(self, root: Path, verbose: bool = False) -> list[str]:
        out = []
        for result in [*self.results, *self.gone]:
            if result.changed or verbose:
                out += result_lines(result, root, notes=result.changed or result.status != "unchanged")
        return out + [self.summary()]

    def summary(self) -> str:
        counts = Counter(result.status for result in self.results)
        parts = [f"{counts[status]} {status}" for status in sorted(counts)]
        gone = [f"{len(self.gone)} seed(s) gone"] if self.gone else []
        return f"ingest: {len(self.results)} seeds: {', '.join(parts + gone) or 'nothing to do'}"


def result_lines(result: SeedResult, root: Path, notes: bool) -> list[str]:
    if result.error:
        return [f"{result.status:<14} {result.error}"]
    where = shown_path(result.path, root)
    arrow = f"{result.seed} -> {where}" if where and result.status != "seed gone" else result.seed
    if result.status == "seed gone":
        arrow = f"{result.seed}: {where} kept"
    line = f"{result.status:<14} {arrow}" + (f" {result.detail}" if result.detail else "")
    extra = [f"{'':<15}review: {note}" for note in result.review] if notes else []
    return [line, *extra, *(f"{'':<15}{note}" if "\n" not in note else note for note in result.notes)]
