"""The abuse signal (comments/abuse.py) against the labelled corpus (benchmarks/moderation_corpus.toml).

For each language and label, the share of comments the signal would hold (abuse aimed at people, advertising,
or more links than the policy allows) and the share it would publish at once, then every miss: a civil or
critical comment held, an abusive or spam one published. The signal is read on the text alone, with the
seeded lexicon; the form's own spam checks (honeypot, timing) are not in play. Then the time one decision
takes on 5,000 characters of civil comments.

Run: .venv/bin/python benchmarks/moderation.py [--misses-only]
"""

import argparse
import sys
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import setup_django  # noqa: E402,F401  (configures Django)
from comments import abuse, moderation  # noqa: E402
from comments.default_abuse_lexicon import seed_pairs  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "moderation_corpus.toml"
HELD_LABELS = {"abusive", "spam"}


def held(text, lexicon):
    links = moderation.count_links(text)
    reading = abuse.read(text, lexicon)
    return bool(reading.findings) or reading.is_advert(links) or links > 2


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses-only", action="store_true")
    options = parser.parse_args()
    lexicon = abuse.Lexicon.of((kind, entry) for kind, _language, entry in seed_pairs())
    comments = tomllib.loads(CORPUS.read_text())["comment"]
    table, misses = {}, []
    for comment in comments:
        is_held = held(comment["text"], lexicon)
        key = (comment["lang"], comment["label"])
        count, held_count = table.get(key, (0, 0))
        table[key] = (count + 1, held_count + is_held)
        if is_held != (comment["label"] in HELD_LABELS):
            misses.append(comment)
    if not options.misses_only:
        print("| language | label | comments | published at once | held |")
        print("|---|---|--:|--:|--:|")
        for (language, label), (count, held_count) in sorted(table.items()):
            published = count - held_count
            print(
                f"| {language} | {label} | {count} | {100 * published / count:.1f} % | "
                f"{100 * held_count / count:.1f} % |"
            )
    print(f"\n{len(misses)} misses")
    for comment in misses:
        print(f"- {comment['lang']} {comment['label']} {comment.get('family', '')}: {comment['text']}")
    civil = " ".join(c["text"] for c in comments if c["label"] == "civil")[:5000]
    held(civil, lexicon)
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        held(civil, lexicon)
    per_decision = (time.perf_counter() - started) / runs * 1000
    print(f"\nOne decision on 5,000 characters of civil comments: {per_decision:.2f} ms")


if __name__ == "__main__":
    main()
