#!/usr/bin/env python3
"""digest command line: ingest raw seeds, build the site, check it, preview it.

    ./build.py                 ingest seeds/ into content/, then build site/
    ./build.py ingest [SEED...] [--force] [--restore SEED] [-v] [--no-wait]
    ./build.py reject SLUG-or-SEED...
    ./build.py review
    ./build.py build [--base-url URL] [--drafts] [--full] [--jobs N] [--allow-empty] [--no-wait]
    ./build.py check [--base-url URL] [--strict]
    ./build.py new "标题"
    ./build.py issue new
    ./build.py rename OLD-SLUG NEW-SLUG
    ./build.py serve [--port 8000] [--host 127.0.0.1]

Run by any Python 3 (`./build.py` is `python3 build.py`), it runs itself again with the project's
.venv/bin/python, which `make site` sets up with what digest needs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_PYTHON = Path(__file__).resolve().parent / ".venv" / "bin" / "python"
REEXEC_MARK = "DIGEST_REEXEC"  # set for the second run, so that a broken .venv can never loop


def run_in_project_venv() -> None:
    """Replace this process with the same command run by .venv/bin/python, unless it is the
    interpreter running already (or this is the run it started)."""
    if os.environ.pop(REEXEC_MARK, None) or not PROJECT_PYTHON.exists():
        return
    if Path(sys.prefix).resolve() == PROJECT_PYTHON.parent.parent.resolve():
        return
    os.environ[REEXEC_MARK] = "1"
    os.execv(str(PROJECT_PYTHON), [str(PROJECT_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]])


if __name__ == "__main__":
    run_in_project_venv()

import argparse  # noqa: E402 - after the re-exec: only .venv has what digest imports
import traceback  # noqa: E402

from digest.errors import DigestError  # noqa: E402 - needs no library; digest.config (YAML) waits for a command


def site_options(**defaults) -> argparse.ArgumentParser:
    """--base-url and --drafts, accepted before or after the command."""
    options = argparse.ArgumentParser(add_help=False, **defaults)
    options.add_argument("--base-url", help="site URL or path prefix, e.g. https://user.github.io/digest/")
    options.add_argument("--drafts", action="store_true",
                         help="include articles marked draft: true, marked 草稿 (serve always does)")
    return options


def lock_options(**defaults) -> argparse.ArgumentParser:
    """--no-wait, accepted before or after the command."""
    options = argparse.ArgumentParser(add_help=False, **defaults)
    options.add_argument("--no-wait", action="store_true",
                         help="stop with an error, rather than wait, when another build of this project is running")
    return options


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    # After the command the options must not reset what was given before it.
    per_command = site_options(argument_default=argparse.SUPPRESS)
    locking = lock_options(argument_default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="build.py", parents=[site_options(), lock_options()],
        description="Turn scraped Chinese articles into a curated static site.",
        epilog="With no command: ingest, then build.")
    parser.add_argument("--config", default="config.yaml", help="settings file (default: config.yaml)")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ingest = commands.add_parser("ingest", parents=[locking], help="clean the raw files in seeds/ into content/<slug>.md")
    ingest.add_argument("seeds", nargs="*", metavar="SEED",
                        help="only these seeds (a seed's file name, or its article's slug); default: all")
    ingest.add_argument("--force", action="store_true",
                        help="re-ingest edited articles too (each edited file is saved in content/.replaced/ first)")
    ingest.add_argument("--restore", action="append", default=[], metavar="SEED",
                        help="take back a rejected, duplicate or merged seed as an article of its own")
    ingest.add_argument("-v", "--verbose", action="store_true", help="a line for every seed, not only what changed")
    reject = commands.add_parser("reject", parents=[locking], help="keep a seed out for good: delete its article, record the decision")
    reject.add_argument("targets", nargs="+", metavar="SLUG-or-SEED",
                        help="an article's slug or file (content/x.md), or a seed's file name")
    commands.add_parser("review", help="list every open review note as content/x.md:LINE: note")
    build = commands.add_parser("build", parents=[per_command, locking],
                                help="render content/ into the static site in site/")
    build.add_argument("--full", action="store_true",
                       help="write every file again instead of only what changed since the last build")
    build.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="worker processes for a big build (default: one per core; 1: none)")
    build.add_argument("--allow-empty", action="store_true",
                       help="build even when there is no article to publish (the site is then emptied)")
    check = commands.add_parser("check", parents=[per_command],
                                help="validate content files and the links of the site built with the same --base-url")
    check.add_argument("--strict", action="store_true",
                       help="also fail on seeds not ingested and on open review notes (for CI)")
    new = commands.add_parser("new", help="start a new draft article in content/")
    new.add_argument("title", help="the article's title, e.g. \"基层治理新探索\"")
    issue = commands.add_parser("issue", help="numbered issues of the digest, in issues/")
    issue.add_argument("action", choices=["new"],
                       help="new: start the next issue, a draft listing the articles dated after the last one")
    rename = commands.add_parser("rename", help="give an article a new slug; its old address redirects to it")
    rename.add_argument("old", metavar="OLD", help="the article's slug now")
    rename.add_argument("new", metavar="NEW", help="its new slug (lower-case ASCII letters, digits and -)")
    serve = commands.add_parser("serve", parents=[per_command],
                                help="build with drafts (marked 草稿), preview the site locally, rebuild and reload the browser on save")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_config = config_loader()
    try:
        config = load_config(args.config).with_overrides(base_url=args.base_url)
        return run(args, config)
    except DigestError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def config_loader():
    """digest.config's `load_config`, imported once the command line is read (`--help` needs none of
    the libraries it loads); without them, the one line saying how to get them."""
    try:
        from digest.config import load_config
    except ModuleNotFoundError as missing:
        sys.exit(f"error: {missing}: run `make site` first (it sets up .venv with what digest needs)")
    return load_config


def run(args: argparse.Namespace, config) -> int:
    status = 0
    if args.command in (None, "ingest", "build", "serve"):
        from digest.site_folder import check_site_setting

        check_site_setting(config)  # before ingest writes anything, or the preview serves that folder
    if args.command in (None, "ingest", "build", "reject"):
        from digest.lock import project_lock

        with project_lock(config.dir("cache"), wait=not args.no_wait):  # ingest and build as one
            if args.command == "reject":
                status |= run_reject(config, args.targets)
            if args.command in (None, "ingest"):
                status |= run_ingest(config, force=getattr(args, "force", False), only=tuple(getattr(args, "seeds", ())),
                                     restore=tuple(getattr(args, "restore", ())),
                                     verbose=getattr(args, "verbose", False))
            if args.command in (None, "build"):
                status |= run_build(config, drafts=args.drafts, full=getattr(args, "full", False),
                                    jobs=getattr(args, "jobs", None), allow_empty=getattr(args, "allow_empty", False))
    if args.command == "review":
        status |= run_review(config)
    if args.command == "check":
        status |= run_check(config, strict=args.strict)
    if args.command == "new":
        status |= run_new(config, args.title)
    if args.command == "issue":
        status |= run_new_issue(config)
    if args.command == "rename":
        status |= run_rename(config, args.old, args.new)
    if args.command == "serve":
        status |= run_serve(args, config)
    return status


def run_ingest(config, force: bool, only: tuple[str, ...] = (), restore: tuple[str, ...] = (),
               verbose: bool = False) -> int:
    from digest.intake.ingest import ingest

    report = ingest(config, force=force, only=only, restore=restore)
    for line in report.lines(config.root, verbose=verbose):
        print(line)
    return 1 if report.failed else 0


def run_reject(config, targets: list[str]) -> int:
    from digest.intake.reject import reject

    for line in reject(config, targets):
        print(line)
    return 0


def run_review(config) -> int:
    from digest.authoring import review_notes

    errors, notes = review_notes(config)
    for line in notes + errors:
        print(line)
    print(f"review: {len(notes)} open note(s)" + (f", {len(errors)} file(s) not readable" if errors else ""))
    return 1 if errors else 0


def run_build(config, drafts: bool, full: bool = False, jobs: int | None = None, allow_empty: bool = False) -> int:
    from digest.render import build_site

    report = build_site(config, drafts=drafts, jobs=jobs, full=full, allow_empty=allow_empty)
    print(f"build: {report}")
    if report.drafts_left_out:
        count = report.drafts_left_out
        print(f"{count} draft{'s' if count > 1 else ''} left out; `./build.py serve` shows "
              f"{'them' if count > 1 else 'it'}")
    print_relative_url_note(config)
    return 0


def print_relative_url_note(config) -> None:
    """Search engines take only absolute URLs in a sitemap; a path base_url cannot give them."""
    if config["base_url"].startswith("/"):
        print(f"note: base_url is a path ({config['base_url']}), so sitemap.xml holds relative URLs that search "
              f"engines reject and robots.txt names no sitemap; set base_url (or --base-url) to the site's "
              f"https:// address before publishing")


def run_check(config, strict: bool = False) -> int:
    from digest.authoring import check_project, unreviewed

    checked = check_project(config)
    errors, notes, pending = checked.errors, checked.notes, unreviewed(config, checked)
    for line in notes + errors + pending:
        print(line)
    print_relative_url_note(config)
    print(f"check: {len(errors)} error(s), {len(notes)} review note(s)"
          + (" (--strict: seeds not ingested and open review notes fail the check)" if strict and pending else ""))
    return 1 if errors or (strict and pending) else 0


def run_new(config, title: str) -> int:
    from digest.authoring import new_article
    from digest.files import shown_path
    from digest.urls import Urls

    path = new_article(config, title)
    preview = f"http://127.0.0.1:8000{Urls(config['base_url']).url_for('article', path.stem)}"
    print(f"created {shown_path(path, config.root)}: a draft, left out of `./build.py build` until you "
          f"set draft: false; `./build.py serve` shows it, marked 草稿, at {preview}")
    return 0


def run_new_issue(config) -> int:
    from digest.curate import new_issue
    from digest.files import shown_path

    path, last, articles = new_issue(config)
    since = f" (added since issue {last.number} of {last.date.isoformat()})" if last else ""
    print(f"created {shown_path(path, config.root)}: a draft issue of {len(articles)} article(s){since}")
    for article in articles:
        print(f"  {article.slug}  {article.date.isoformat() if article.date else '(undated)'}  {article.title}")
    print("edit its title and introduction, order its articles, then set draft: false")
    return 0


def run_rename(config, old: str, new: str) -> int:
    from digest.curate import rename_article

    for change in rename_article(config, old, new):
        print(change)
    return 0


def run_serve(args: argparse.Namespace, config) -> int:
    from digest.serve import serve

    load_config = config_loader()

    def reload():  # config.yaml changed: read it again, keeping the command line's --base-url
        return load_config(args.config).with_overrides(base_url=args.base_url)

    return serve(config, args.host, args.port, drafts=True, reload=reload)  # the preview shows drafts, marked


if __name__ == "__main__":
    sys.exit(main())
