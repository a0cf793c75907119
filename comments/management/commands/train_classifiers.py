import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comments import classifier

# The labelled comments the classifiers learn from: every benchmarks/moderation_*.toml (moderation_corpus.md)
# but the last held-out set, kept to measure them on comments they never saw (benchmarks/moderation.py).
UNTOUCHED = "moderation_heldout_10.toml"
# Each classifier: the label it holds, and the labels it is trained to leave alone.
LABELS = {
    "abuse": ("abusive", {"civil", "critical"}),
    "spam": ("spam", {"civil", "critical", "abusive"}),
}
FOLDS = 5
# Of the civil comments a classifier did not see, and of the critical ones, in each language: the share it
# must leave published.
PUBLISHED_AT_LEAST = 0.99


def held_out_sets(folder):
    """The held-out sets in `folder` in the order they were written: moderation_heldout.toml, _2, ..., _10."""
    paths = Path(folder).glob("moderation_heldout*.toml")
    return sorted(paths, key=lambda path: int(path.stem.removeprefix("moderation_heldout").lstrip("_") or 1))


def labelled_comments(folder):
    comments = []
    for path in sorted(folder.glob("moderation_*.toml")):
        if path.name != UNTOUCHED:
            with open(path, "rb") as file:
                comments += tomllib.load(file)["comment"]
    if not comments:
        raise FileNotFoundError(f"no moderation_*.toml in {folder}")
    return comments


class Command(BaseCommand):
    help = (
        "Trains the classifiers of abuse and spam (comments/classifier.py) on the labelled comments of "
        f"benchmarks/, chooses each one's threshold by {FOLDS}-fold cross-validation so that "
        f"{PUBLISHED_AT_LEAST:.0%} of the civil and of the critical comments it did not see, in each "
        "language, stay published, prints what that threshold does on them, and writes "
        "comments/classifiers/NAME.json. The same files give the same classifiers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--corpora", default=str(Path(settings.BASE_DIR) / "benchmarks"))
        parser.add_argument("--output", default=str(classifier.FOLDER))

    def handle(self, *args, corpora, output, **options):
        try:
            comments = labelled_comments(Path(corpora))
        except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
            raise CommandError(f"Cannot read the labelled comments: {error}") from error
        Path(output).mkdir(parents=True, exist_ok=True)
        for name, (label, others) in LABELS.items():
            examples = [c for c in comments if c["label"] == label or c["label"] in others]
            self.train(name, label, examples, Path(output))

    def train(self, name, label, comments, output):
        scored = []  # (comment, probability) from a classifier that did not see it
        for fold in range(FOLDS):
            seen = (c for index, c in enumerate(comments) if index % FOLDS != fold)
            trained = classifier.train((c["text"], c["label"] == label) for c in seen)
            scored += [
                (c, trained.probability(classifier.Words.of(c["text"])))
                for index, c in enumerate(comments)
                if index % FOLDS == fold
            ]
        threshold = classifier.choose_threshold(
            (
                ((c["lang"], c["label"]), probability)
                for c, probability in scored
                if c["label"] in {"civil", "critical"}
            ),
            published_at_least=PUBLISHED_AT_LEAST,
        )
        counts = {}
        for comment, probability in scored:
            key = (comment["lang"], comment["label"])
            total, held = counts.get(key, (0, 0))
            counts[key] = (total + 1, held + (probability >= threshold))
        self.stdout.write(
            f"\n{name}: {len(comments)} comments, threshold {threshold:.3f}, cross-validated:\n"
        )
        self.stdout.write("\n| language | label | comments | held |\n|---|---|--:|--:|")
        for (language, each), (total, held) in sorted(counts.items()):
            self.stdout.write(f"| {language} | {each} | {total} | {held} ({100 * held / total:.1f} %) |")
        final = classifier.train((c["text"], c["label"] == label) for c in comments)
        trained = classifier.Classifier(weights=final.weights, bias=final.bias, threshold=threshold)
        path = output / f"{name}.json"
        path.write_text(trained.to_json() + "\n", encoding="utf-8")
        self.stdout.write(f"Wrote {path}: {len(trained.weights)} weights.")
