"""Counts of the moderation corpus per language, label and family, as Markdown tables.

Run: .venv/bin/python benchmarks/moderation_corpus_counts.py
and paste the output into benchmarks/moderation_corpus.md after changing the corpus.
"""

import tomllib
from collections import Counter
from pathlib import Path

CORPUS = Path(__file__).with_name("moderation_corpus.toml")
LANGS = ("en", "fr")
LABELS = ("civil", "critical", "abusive", "spam")


def table(header, rows):
    lines = [f"| {' | '.join(header)} |", f"|{'---|' * len(header)}"]
    lines += [f"| {' | '.join(str(cell) for cell in row)} |" for row in rows]
    return "\n".join(lines)


def main():
    comments = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["comment"]
    labels = Counter((c["lang"], c["label"]) for c in comments)
    rows = []
    for label in LABELS:
        counts = [labels[lang, label] for lang in LANGS]
        rows.append([label, *counts, sum(counts)])
    totals = [sum(labels[lang, label] for label in LABELS) for lang in LANGS]
    rows.append(["**total**", *totals, sum(totals)])
    print(table(["label", *LANGS, "both"], rows))

    families = Counter((c["lang"], c["label"], c["family"]) for c in comments if "family" in c)
    kinds = sorted({kind[1:] for kind in families}, key=lambda kind: (LABELS.index(kind[0]), kind[1]))
    rows = [[label, family, *(families[lang, label, family] for lang in LANGS)] for label, family in kinds]
    print()
    print(table(["label", "family", *LANGS], rows))

    notes = Counter(c["lang"] for c in comments if c.get("note"))
    print()
    print(f"Entries with a note (a named hard case): {', '.join(f'{lang} {notes[lang]}' for lang in LANGS)}.")


if __name__ == "__main__":
    main()
