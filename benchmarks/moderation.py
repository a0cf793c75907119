"""The moderation policy's abuse and spam signals (comments/abuse.py, comments/classifier.py) against labelled
corpora of comments.

For each corpus, language and label, the share of comments the policy would hold and the share it would
publish at once, then every miss: a civil or critical comment held, an abusive or spam one published. Each
comment goes through the real decision (`moderation.decide`) with the seeded lexicon, the trained classifiers
(none with --lexicon-only), the settings' rules and no other facts: the form's own spam checks (honeypot,
timing) are not in play, and a new site has no hold words of its own. Then the time one decision takes on
5,000 characters, its median and its fastest run, beside two baselines run in turn with it (splitting the text
into words, one regular-expression pass over it): the machine's load moves every figure, and a run longer than
the scheduler's slice is often cut on a loaded one.

The corpora: benchmarks/moderation_corpus.toml, which the lexicon was written against, and the held-out sets
(benchmarks/moderation_heldout*.toml), each written before the round of work that used it; the classifiers
learnt from all but the last one (see moderation_corpus.md).

Run: .venv/bin/python benchmarks/moderation.py [--misses-only] [--lexicon-only] [CORPUS.toml ...]
"""

import argparse
import re
import statistics
import sys
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import setup_django  # noqa: E402,F401  (configures Django)
from comments import moderation, services  # noqa: E402
from comments.default_abuse_lexicon import seeded_lexicon  # noqa: E402
from comments.management.commands import train_classifiers  # noqa: E402

HERE = Path(__file__).resolve().parent
CORPORA = [HERE / "moderation_corpus.toml", *train_classifiers.held_out_sets(HERE)]
HELD_LABELS = {"abusive", "spam"}
LENGTH = 5000


def decide(text, lexicon, rules, classifiers):
    """The policy's decision on a comment sent through the form by a new reader at reading pace."""
    facts = moderation.Facts(text=text, seconds_to_submit=60.0, lexicon=lexicon, **classifiers)
    return moderation.decide(facts, rules)


def measure(comments, lexicon, rules, classifiers):
    """{(language, label): (comments, held)} and the comments the policy got wrong."""
    table, misses = {}, []
    for comment in comments:
        is_held = decide(comment["text"], lexicon, rules, classifiers).outcome != moderation.PUBLISHED
        key = (comment["lang"], comment["label"])
        count, held_count = table.get(key, (0, 0))
        table[key] = (count + 1, held_count + is_held)
        if is_held != (comment["label"] in HELD_LABELS):
            misses.append(comment)
    return table, misses


def print_table(table):
    print("| language | label | comments | published at once | held |")
    print("|---|---|--:|--:|--:|")
    for (language, label), (count, held_count) in sorted(table.items()):
        published = count - held_count
        print(
            f"| {language} | {label} | {count} | {published} ({100 * published / count:.1f} %) | "
            f"{held_count} ({100 * held_count / count:.1f} %) |"
        )


def timings_ms(functions, runs):
    """Each function's times in milliseconds, the functions run in turn so that they share the load."""
    for function in functions:
        function()
    times = [[] for _function in functions]
    for _ in range(runs):
        for function, kept in zip(functions, times, strict=True):
            started = time.perf_counter()
            function()
            kept.append((time.perf_counter() - started) * 1000)
    return times


def print_timings(comments, lexicon, rules, classifiers, runs=500):
    """One decision on 5,000 characters: its median and fastest time, and its ratio to the baselines."""
    words = re.compile(r"\w+")
    samples = {
        f"{label} comments ({language})" if label else f"every label ({language})": " ".join(
            c["text"] for c in comments if c["lang"] == language and label in (None, c["label"])
        )[:LENGTH]
        for language in ("en", "fr")
        for label in ("civil", "critical", "abusive", None)
    }
    print(f"\nOne decision on {LENGTH:,} characters ({runs} runs, each beside the two baselines):")
    print("| text | decision: median | fastest | str.split(): median | one regex pass: median | ratios |")
    print("|---|--:|--:|--:|--:|--:|")
    for name, text in samples.items():
        decision, split, regex = timings_ms(
            [
                lambda text=text: decide(text, lexicon, rules, classifiers),
                text.split,
                lambda text=text: words.findall(text),
            ],
            runs,
        )
        median = statistics.median(decision)
        print(
            f"| {name} | {median:.3f} ms | {min(decision):.3f} ms | {statistics.median(split):.3f} ms | "
            f"{statistics.median(regex):.3f} ms | {median / statistics.median(split):.0f} × split, "
            f"{median / statistics.median(regex):.1f} × regex |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", type=Path, default=CORPORA, metavar="CORPUS.toml")
    parser.add_argument("--misses-only", action="store_true")
    parser.add_argument("--lexicon-only", action="store_true", help="without the classifiers, as before them")
    options = parser.parse_args()
    lexicon, rules = seeded_lexicon(), services.policy_rules()
    classifiers = {} if options.lexicon_only else services.classifiers()
    every_comment = []
    for path in options.corpora:
        comments = tomllib.loads(path.read_text(encoding="utf-8"))["comment"]
        every_comment += comments
        table, misses = measure(comments, lexicon, rules, classifiers)
        print(f"\n## {path.name}\n")
        if not options.misses_only:
            print_table(table)
        print(f"\n{len(misses)} misses")
        for comment in misses:
            print(f"- {comment['lang']} {comment['label']} {comment.get('family', '')}: {comment['text']}")
    if not options.misses_only:
        print_timings(every_comment, lexicon, rules, classifiers)


if __name__ == "__main__":
    main()
