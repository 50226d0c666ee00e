"""Command line: parse arguments, call Assistant, print. Nothing else lives here.

    assistant ingest [PATH ...]              index files/folders (default corpus/)
    assistant search QUERY [--k N] [--json] [--mode hybrid|dense|keyword] [filters]
    assistant ask QUESTION [--json] [--conversation ID]
    assistant chat                           a conversation in the terminal
    assistant documents [--json]             what is indexed
    assistant remove DOC                     by id, path or file name
    assistant serve [--ingest PATH]          the HTTP API and chat page

Exit codes: 0 ok; 1 some files failed to ingest; 2 bad usage or input; 3 store unavailable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.config import Settings
from assistant.errors import AssistantError, InputError, NotFound, StoreUnavailable
from assistant.types import Answer, Filters, Hit, IngestReport


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    overrides: dict = {"data_dir": args.data_dir} if args.data_dir else {}
    if args.command == "serve" and args.ingest:
        overrides["ingest_on_start"] = [Path(p) for p in args.ingest]
    settings = Settings(**overrides)
    if args.command == "serve":
        from api.serve import serve  # the HTTP layer is optional for the core CLI

        return serve(settings, args.host, args.port)
    from assistant.pipeline import Assistant

    try:
        assistant = Assistant(settings)
        try:
            return _run(assistant, args)
        finally:
            assistant.close()
    except (InputError, NotFound) as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 3
    except AssistantError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2


def _run(assistant, args) -> int:
    if args.command == "ingest":
        report = assistant.ingest([Path(p) for p in args.paths], progress=sys.stderr.isatty() and not args.json)
        _print_ingest(report, args.json)
        return 1 if report.failed else 0
    if args.command == "search":
        hits = assistant.search(args.query, k=args.k, filters=_filters(args), mode=args.mode)
        _print_hits(hits, args.json)
        return 0
    if args.command == "ask":
        answer = assistant.ask(args.question, conversation_id=args.conversation, filters=_filters(args))
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) if args.json else format_answer(answer))
        return 0
    if args.command == "chat":
        return _chat(assistant, args.conversation)
    if args.command == "documents":
        docs = assistant.list_documents()
        if args.json:
            print(json.dumps(docs, ensure_ascii=False, indent=2))
        for d in [] if args.json else docs:
            print(f"{d['doc_id']}  {d['kind']:<8} {d['chunk_count']:>5} chunks  {d['title']}  ({d['source']})")
        return 0
    if args.command == "remove":
        doc_id = assistant.remove(args.doc)
        print(f"removed {doc_id}")
        return 0
    raise AssertionError(args.command)


def format_answer(answer: Answer) -> str:
    lines = [answer.answer]
    for c in answer.citations:
        date = f", {c.date}" if c.date else ""
        lines.append(f'[{c.n}] {c.title} ({c.source}, {c.locator}{date}): "{c.quote}"')
    if answer.abstained and answer.related:
        lines.append("Closest passages:")
        for r in answer.related:
            lines.append(f"  - {r['title']} ({r['locator']}): {r['text'][:160]}")
    return "\n".join(lines)


def _chat(assistant, conversation_id: str | None) -> int:
    print("Ask about the indexed partnership documents. Empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            return 0
        try:
            answer = assistant.ask(question, conversation_id=conversation_id)
        except InputError as exc:
            print(f"error: {exc.message}")
            continue
        conversation_id = answer.conversation_id
        if answer.standalone_question != question:
            print(f"(understood as: {answer.standalone_question})")
        print(format_answer(answer))


def _print_ingest(report: IngestReport, as_json: bool) -> None:
    if as_json:
        print(json.dumps({
            "files": [f.__dict__ for f in report.files], "embedded": report.embedded,
            "seconds": round(report.seconds, 2),
        }, indent=2))
        return
    for f in report.files:
        detail = f"{f.chunks} chunks" if f.status in ("added", "updated") else (f.error or "")
        print(f"{f.status:<9} {f.path}  {detail}")
        for w in f.warnings:
            print(f"          warning: {w}")
    counts = ", ".join(f"{report.count(s)} {s}" for s in ("added", "updated", "unchanged", "removed", "failed"))
    print(f"{len(report.files)} files: {counts}; {report.embedded} chunks embedded in {report.seconds:.1f}s")


def _print_hits(hits: list[Hit], as_json: bool) -> None:
    if as_json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        print("no matching passages")
    for h in hits:
        c = h.chunk
        print(f"{h.rank:>2}. {h.score:.4f}  {c.title}  [{c.locator}]  {c.source}")
        print("    " + c.text.replace("\n", " ")[:300])


def _filters(args) -> Filters | None:
    f = Filters(
        doc_ids=args.doc or None, kind=args.kind, publisher=args.publisher,
        date_from=args.date_from, date_to=args.date_to,
    )
    return None if f.is_empty() else f


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant", description="Battery-partnership knowledge assistant")
    p.add_argument("--data-dir", help="index location (default ASSISTANT_DATA_DIR or .assistant-data)")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="index files and folders incrementally")
    ing.add_argument("paths", nargs="*", default=["corpus"])
    ing.add_argument("--json", action="store_true")

    def filter_args(sp):
        sp.add_argument("--doc", action="append", help="restrict to this doc id (repeatable)")
        sp.add_argument("--kind", choices=["document", "table"])
        sp.add_argument("--publisher")
        sp.add_argument("--date-from", help="ISO date, inclusive")
        sp.add_argument("--date-to", help="ISO date, inclusive")

    se = sub.add_parser("search", help="ranked passages for a query")
    se.add_argument("query")
    se.add_argument("--k", type=int, default=5)
    se.add_argument("--mode", choices=["hybrid", "dense", "keyword"], default="hybrid")
    se.add_argument("--json", action="store_true")
    filter_args(se)

    ask = sub.add_parser("ask", help="a cited answer to one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--conversation", help="continue this conversation id")
    filter_args(ask)

    chat = sub.add_parser("chat", help="a conversation in the terminal")
    chat.add_argument("--conversation")

    docs = sub.add_parser("documents", help="list indexed documents")
    docs.add_argument("--json", action="store_true")

    rm = sub.add_parser("remove", help="remove a document from the index")
    rm.add_argument("doc", help="doc id, path or file name")

    sv = sub.add_parser("serve", help="serve the HTTP API and chat page")
    sv.add_argument("--host")
    sv.add_argument("--port", type=int)
    sv.add_argument("--ingest", action="append", help="folder to (re)index incrementally at start (repeatable)")
    return p


if __name__ == "__main__":
    sys.exit(main())
