#!/usr/bin/env python3
"""How well ingest cleans real scraped pages: tests/realworld/ scored against a careful editor's notes.

    python bench/cleaning.py [--part dev|test|all] [--verbose] [--write-results]

The pages (tests/realworld/pages/<id>.txt) are copied as seeds into a temporary project that uses
the repository's config.yaml; `build.py --config TMP/config.yaml ingest` runs on them as a curator
would run it, and each content file is matched to its page by its `seed:` field. Only content/*.md
files are read, so the scorer does not depend on what ingest prints or on other files it writes.

Facts scored per page (8), each right or wrong:
- title: equal after NFKC, whitespace removal and Traditional -> Simplified conversion of both sides;
  for a page without a title (expected null) the fact is right when a `review:` note about the title
  (starting with 标题) tells the curator it was guessed;
- date: the same YYYY-MM-DD, or none when the page gives none;
- authors: the same set of names (each normalised as the title); source, source_url: equal (none
  when the page gives none);
- tags: every tag the page lists is among the output's tags (quotation marks ignored);
- body kept: all three must-keep phrases are in the body;
- noise dropped: none of the noise strings is left in the body.
Phrases and noise strings are looked for in the Markdown body (not the front-matter: the article page
does not show the summary) after NFKC, whitespace removal and Simplified conversion, and again with
Markdown escapes and emphasis removed: a phrase counts as kept, and a noise string as left, if it is
found either way. A page that fails or vanishes counts every fact wrong.

The test part is never tuned against: its per-page failures are printed only with
--show-test-failures.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sections import CLEANING_HEADING, put_section  # noqa: E402
from digest.script import to_target_script  # noqa: E402

CORPUS = ROOT / "tests" / "realworld"
RESULTS = ROOT / "bench" / "RESULTS.md"
FIELDS = ("title", "date", "authors", "source", "source_url", "tags", "body kept", "noise dropped")
PARTS = ("test", "dev")
QUOTES = re.compile("[\"'“”‘’「」『』]")
MARKUP = re.compile(r"\\(?=[^\w\s])|[*_`]")
# OpenCC renders 著 as 着 or keeps it by context (意味著 -> 意味着 in a sentence, not in a short phrase):
# a difference of conversion, not of cleaning, so both sides are folded to 着.
VARIANTS = str.maketrans({"著": "着"})


@dataclass
class Output:
    """What ingest made of one page: its front-matter (as plain data) and Markdown body."""

    meta: dict[str, Any]
    body: str


@dataclass
class PageScore:
    page: dict[str, Any]
    wrong: dict[str, str] = field(default_factory=dict)  # fact -> what came out instead
    noise_left: list[tuple[str, str]] = field(default_factory=list)  # (kind, string)
    lost: list[str] = field(default_factory=list)
    vanished: bool = False

    @property
    def right(self) -> int:
        return len(FIELDS) - len(self.wrong)


def load_corpus(corpus: Path = CORPUS) -> list[dict[str, Any]]:
    """The annotated pages, in id order."""
    data = yaml.safe_load((corpus / "annotations.yaml").read_text(encoding="utf-8"))
    return sorted(data["pages"], key=lambda page: page["id"])


def norm(text: str | None) -> str:
    """NFKC, no whitespace, Simplified: the form every compared string is brought to."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return to_target_script(re.sub(r"\s+", "", text), "t2s").translate(VARIANTS)


def run_ingest(pages: list[dict[str, Any]], folder: Path, corpus: Path = CORPUS) -> dict[str, Output]:
    """Ingest the pages in a fresh project under `folder`; page id -> its content file, if one was made."""
    project = folder / "project"
    (project / "seeds").mkdir(parents=True)
    # Each page is scored on its own: two pages of one story (a repost on another site) must not be
    # merged into one article here, so duplicate detection is off (tests/test_intake.py covers it).
    config = (ROOT / "config.yaml").read_text(encoding="utf-8") + "\nduplicates:\n  detect: false\n"
    (project / "config.yaml").write_text(config, encoding="utf-8")
    for page in pages:
        (project / "seeds" / f"{page['id']}.txt").write_bytes((corpus / "pages" / f"{page['id']}.txt").read_bytes())
    ran = subprocess.run([sys.executable, str(ROOT / "build.py"), "--config", str(project / "config.yaml"), "ingest"],
                         cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if ran.returncode and not any((project / "content").glob("*.md")):  # a crash, not pages that failed
        raise SystemExit(f"ingest made nothing: {ran.stderr[-2000:]}")
    outputs = {}
    for path in sorted((project / "content").glob("*.md")):
        output = read_output(path)
        if output is not None and isinstance(output.meta.get("seed"), str):
            outputs[output.meta["seed"].removesuffix(".txt")] = output
    return outputs


def read_output(path: Path) -> Output | None:
    """Front-matter and body of a content file, read leniently (None when it is not one)."""
    parts = path.read_text(encoding="utf-8").split("\n---\n", 1)
    if len(parts) != 2 or not parts[0].startswith("---\n"):
        return None
    try:
        meta = yaml.safe_load(parts[0][4:])
    except yaml.YAMLError:
        return None
    return Output(meta, parts[1]) if isinstance(meta, dict) else None


def score_page(page: dict[str, Any], output: Output | None) -> PageScore:
    """Which of the page's eight facts ingest got right, and what noise it left and text it lost."""
    if output is None:
        return vanished(page)
    score, meta = PageScore(page), output.meta
    checks = {
        "title": title_right(page["title"], meta),
        "date": (str(meta["date"]) if meta.get("date") else None) == page["date"],
        "authors": {norm(a) for a in meta.get("authors") or []} == {norm(a) for a in page["authors"]},
        "source": norm(meta.get("source")) == norm(page["source"]),
        "source_url": (meta.get("source_url") or None) == page.get("source_url"),
        "tags": {tag_key(t) for t in page.get("tags", [])} <= {tag_key(t) for t in meta.get("tags") or []},
    }
    score.wrong = {name: repr(meta.get(name)) for name, ok in checks.items() if not ok}
    bodies = (norm(output.body), norm(MARKUP.sub("", output.body)))
    score.lost = [p for p in page["keep"] if not any(norm(p) in body for body in bodies)]
    score.noise_left = [(kind, text) for kind, texts in page["noise"].items() for text in texts
                        if any(norm(text) in body for body in bodies)]
    if score.lost:
        score.wrong["body kept"] = "lost: " + "、".join(score.lost)
    if score.noise_left:
        score.wrong["noise dropped"] = "left: " + " | ".join(text for _, text in score.noise_left)
    return score


def vanished(page: dict[str, Any]) -> PageScore:
    """A page ingest made no content file of: every fact wrong, every phrase lost, all noise left."""
    noise = [(kind, text) for kind, texts in page["noise"].items() for text in texts]
    return PageScore(page, {name: "(page vanished)" for name in FIELDS}, noise, list(page["keep"]), True)


def title_right(expected: str | None, meta: dict[str, Any]) -> bool:
    if expected is None:
        return any(str(note).startswith("标题") for note in meta.get("review") or [])
    return norm(meta.get("title")) == norm(expected)


def tag_key(tag: Any) -> str:
    return norm(QUOTES.sub("", str(tag)))


def summarise(scores: list[PageScore]) -> dict[str, Any]:
    """The figures of one part: per field, overall, residue, lost phrases, per noise kind."""
    pages = len(scores)
    kinds: dict[str, list[int]] = {}
    for score in scores:
        left = {kind for kind, _ in score.noise_left}
        for kind in score.page["noise"]:
            passed, total = kinds.setdefault(kind, [0, 0])
            kinds[kind] = [passed + (kind not in left), total + 1]
    return {
        "pages": pages,
        "fields": {name: sum(name not in s.wrong for s in scores) for name in FIELDS},
        "facts": sum(s.right for s in scores),
        "fully_right": sum(not s.wrong for s in scores),
        "noise_total": sum(len(t) for s in scores for t in s.page["noise"].values()),
        "noise_left": sum(len(s.noise_left) for s in scores),
        "pages_with_noise": sum(bool(s.noise_left) for s in scores),
        "phrases_total": sum(len(s.page["keep"]) for s in scores),
        "phrases_lost": sum(len(s.lost) for s in scores),
        "pages_with_loss": sum(bool(s.lost) for s in scores),
        "kinds": dict(sorted(kinds.items())),
        "vanished": [s.page["id"] for s in scores if s.vanished],
    }


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def render_table(summaries: dict[str, dict[str, Any]]) -> list[str]:
    """One Markdown table of every figure, a column per part."""
    parts = list(summaries)
    rows = [f"| figure | {' | '.join(f'{p} part' for p in parts)} |", "|---|" + "---:|" * len(parts)]

    def row(label: str, cell) -> None:
        rows.append(f"| {label} | " + " | ".join(cell(summaries[p]) for p in parts) + " |")

    row("pages", lambda s: str(s["pages"]))
    for name in FIELDS:
        row(f"{name} right", lambda s, n=name: percent(s["fields"][n], s["pages"]))
    row("**facts right overall**", lambda s: percent(s["facts"], s["pages"] * len(FIELDS)))
    row("**pages fully right**", lambda s: f"{s['fully_right']} ({percent(s['fully_right'], s['pages'])})")
    row("noise strings left", lambda s: f"{s['noise_left']} of {s['noise_total']}")
    row("pages with noise left", lambda s: f"{s['pages_with_noise']} ({percent(s['pages_with_noise'], s['pages'])})")
    row("must-keep phrases lost", lambda s: f"{s['phrases_lost']} of {s['phrases_total']}")
    row("pages with a phrase lost", lambda s: str(s["pages_with_loss"]))
    row("pages failed or vanished", lambda s: str(len(s["vanished"])))
    for kind in sorted({k for s in summaries.values() for k in s["kinds"]}):
        row(f"`{kind}` noise all gone (pages)",
            lambda s, k=kind: (lambda p, t: f"{p}/{t}")(*s["kinds"][k]) if k in s["kinds"] else "–")
    return rows


def failures(scores: list[PageScore]) -> list[str]:
    lines = []
    for score in scores:
        for name, what in score.wrong.items():
            page = score.page
            expected = {"body kept": page["keep"], "noise dropped": "none left"}.get(name, page.get(name))
            lines.append(f"{page['id']} {name}: expected {expected!r}, got {what}")
    return lines


def write_results(table: list[str], command: str, path: Path = RESULTS) -> None:
    """Replace (or add) the "Cleaning on real pages" section of bench/RESULTS.md, keeping the rest."""
    intro = (f"Command: `{command}`{at_commit()}. The corpus, the comparison rules and the two parts are "
             "described in docs/design.md (\"Real-page cleaning corpus\"); the test part is never tuned against.")
    put_section(path, CLEANING_HEADING, intro + "\n\n" + "\n".join(table))


def at_commit() -> str:
    """ " at <commit>" of the repository (its cleaner is what was scored), "" outside a git checkout."""
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "digest"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        return ""
    return f" at {result.stdout.strip()}" + (" with digest/ changed" if dirty.stdout.strip() else "")


def score_parts(parts: list[str], corpus: Path = CORPUS) -> dict[str, list[PageScore]]:
    """Ingest the chosen parts once and score each page; part -> its pages' scores."""
    pages = [page for page in load_corpus(corpus) if page["part"] in parts]
    with tempfile.TemporaryDirectory(prefix="digest-cleaning-") as folder:
        outputs = run_ingest(pages, Path(folder), corpus)
    return {part: [score_page(p, outputs.get(p["id"])) for p in pages if p["part"] == part] for part in parts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--verbose", action="store_true", help="list what was wrong on each dev page")
    parser.add_argument("--show-test-failures", action="store_true",
                        help="with --verbose, list the test part's failures too (do not tune on them)")
    parser.add_argument("--write-results", action="store_true", help=f"write the table into {RESULTS.name}")
    args = parser.parse_args(argv)
    parts = list(PARTS) if args.part == "all" else [args.part]
    scored = score_parts(parts)
    table = render_table({part: summarise(scores) for part, scores in scored.items()})
    print("\n".join(table))
    if args.verbose:
        for part, scores in scored.items():
            if part == "test" and not args.show_test_failures:
                print("\n(test part: per-page failures hidden; --show-test-failures shows them)")
                continue
            print(f"\n{part} part, what was wrong:")
            print("\n".join(failures(scores)) or "nothing")
    if args.write_results:
        write_results(table, "make cleaning-score" if args.part == "all" else f"python bench/cleaning.py --part {args.part}")
        print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
