"""The cleaning pipeline for one document: decode -> (extract) -> segment -> classify -> metadata.

``Cleaner`` holds what is expensive to set up (compiled rules, the block model) so that a batch pays
for it once; the module functions ``clean_text`` / ``clean_html`` use a shared default instance.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Mapping

from . import langid, metadata
from .classify import Scorer, annotate, classify
from .segment import segment_text
from .document import Block, Document
from .extract import extract_html
from .readers import BadInput, decode, read_bytes, scrub_text, scrub_value, sniff_format
from .ruleset import LanguageRules, LineRule, RuleError, load_rules
from .settings import Settings

#: characters of the page used for the stopword vote that picks the rule language
RULE_LANGUAGE_SAMPLE = 20_000


def content_id(data: bytes) -> str:
    """Stable id: a hash of the input bytes (the same page gets the same id wherever it lies)."""
    return hashlib.blake2b(data, digest_size=8).hexdigest()


#: what an input may say of itself (a JSONL record's fields, a WARC record's target URI, ``meta=`` of
#: the API): each field given is used instead of what cleaner would find (its ``*_source`` is
#: ``input:metadata``) and is not passed through; every other field goes to the record's ``meta``
INPUT_FIELDS = ("url", "date", "outlet", "title", "author", "id")


@dataclass(frozen=True)
class InputFields:
    """The ``INPUT_FIELDS`` of one input; None (or empty) is not given."""

    url: str | None = None
    date: Any = None  # as given: the date stage normalises it (``metadata.normalise_date``)
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    id: str | None = None

    @classmethod
    def take(cls, meta: dict) -> "InputFields":
        """The input fields of ``meta``, removed from it. ``title``, ``outlet`` and ``author`` are kept
        as strings (another JSON value as its str); ``url`` must be a string and ``id`` a non-empty
        string or an integer, else BadInput (an id nobody can look up is refused)."""
        given = {k: meta.pop(k) for k in INPUT_FIELDS if k in meta}
        for key in ("title", "outlet", "author"):
            if given.get(key) is not None and not isinstance(given[key], str):
                given[key] = str(given[key])
        url = given.get("url")
        if url is not None and not isinstance(url, str):
            raise BadInput(f"url must be a str, not {type(url).__name__}")
        given["id"] = _given_id(given.get("id"))
        return cls(**{k: v if v != "" else None for k, v in given.items()})


def _given_id(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise BadInput(f"record 'id' must be a non-empty string or an integer, not {json.dumps(value)[:60]}")


def _inputs(text: Any, source: Any, url: Any, meta: Mapping[str, Any] | None) -> tuple[str, str, InputFields, dict]:
    """The caller's arguments made safe to clean and to write: a str page (else BadInput), lone
    surrogates replaced and control characters removed (``readers.scrub_text``) in the page, the
    source, the url and every metadata value; the input fields taken out of the metadata (the
    ``url`` argument before the metadata's)."""
    if not isinstance(text, str):
        raise BadInput(f"the page must be a str, not {type(text).__name__}")
    if meta is not None and not isinstance(meta, Mapping):
        raise BadInput(f"meta must be a mapping, not {type(meta).__name__}")
    if url is not None and not isinstance(url, str):
        raise BadInput(f"url must be a str, not {type(url).__name__}")
    fields: dict[str, Any] = scrub_value(dict(meta or {}))  # (a dict's copy: a dict)
    given = InputFields.take(fields)
    if url:
        given = dataclasses.replace(given, url=scrub_text(url))
    return scrub_text(text), scrub_text(str(source)), given, fields


class Cleaner:
    """Cleans documents with one set of loaded rules and settings."""

    def __init__(self, settings: Settings | None = None, scorer: Scorer | None = None):
        self.settings = settings or Settings()
        self.rules = load_rules(tuple(self.settings.rules_dirs))
        if scorer is None and self.settings.model != "none":
            from .model import load_model

            scorer = load_model(self.settings.model) if self.settings.model else load_model()
            if scorer is None and self.settings.model:
                raise RuleError(
                    f"{self.settings.model}: no block model there (blocks.json); train one with `cleaner train`"
                )
        self.scorer = scorer
        #: context-free line verdicts by rule language, then line text (``classify.annotate``): menus,
        #: footers and widget labels recur on every page of an outlet, so a batch meets most short
        #: lines many times
        self.verdicts: dict[str, dict] = {}
        if self.settings.language_id == langid.LANGDETECT:  # set up once, before any thread detects
            metadata.init_language_detection()

    def verdicts_for(self, rules) -> dict:
        """The memory of line verdicts under ``rules`` (one of this cleaner's rule languages)."""
        return self.verdicts.setdefault(rules.language, {})

    def rules_for(self, text: str):
        """The rule set of the page's language (stopword vote)."""
        lang = self.rules.guess_language(text[:RULE_LANGUAGE_SAMPLE], self.settings.default_language)
        return self.rules.for_language(lang, self.settings.default_language)

    # ------------------------------------------------------------------ entry points
    def clean_file(self, path: str, *, fmt: str | None = None, meta: Mapping[str, Any] | None = None) -> Document:
        data = read_bytes(path, self.settings.max_bytes)
        return self.clean_bytes(data, source=path, fmt=fmt, meta=meta)

    def clean_bytes(
        self, data: bytes, *, source: str, fmt: str | None = None, meta: Mapping[str, Any] | None = None
    ) -> Document:
        if len(data) > self.settings.max_bytes:
            raise BadInput(f"oversized: more than {self.settings.max_bytes} bytes")
        text = decode(data)
        fmt = fmt or self.settings.format
        if fmt == "auto":
            fmt = sniff_format(source, text)
        doc_id = content_id(data)
        if fmt == "html":
            return self.clean_html(text, source=source, meta=meta, doc_id=doc_id)
        return self.clean_text(text, source=source, meta=meta, doc_id=doc_id)

    def clean_text(
        self,
        text: str,
        *,
        source: str = "<text>",
        url: str | None = None,
        meta: Mapping[str, Any] | None = None,
        doc_id: str | None = None,
    ) -> Document:
        """Clean a flattened page (text dump): every stage of the classifier runs."""
        text, source, given, meta = _inputs(text, source, url, meta)
        doc_id = given.id or doc_id or content_id(text.encode("utf-8"))
        doc = Document(source=source, id=doc_id, format="text", url=given.url)
        self._run(doc, text, text, mode="text", given=given, html_date=None, sitename=None, meta=meta)
        return doc

    def clean_html(
        self,
        html: str,
        *,
        source: str = "<html>",
        url: str | None = None,
        meta: Mapping[str, Any] | None = None,
        doc_id: str | None = None,
    ) -> Document:
        """Clean an HTML page: trafilatura extracts, then the block rules clean its output."""
        html, source, given, meta = _inputs(html, source, url, meta)
        ext = extract_html(
            html,
            url=given.url,
            prune_xpath=self.rules.html_prune_xpath,
            focus=self.settings.html_extraction,
            full_metadata=self.settings.full_metadata,
            headings=self.settings.text_format == "markdown",
        )
        doc_id = given.id or doc_id or content_id(html.encode("utf-8"))
        doc = Document(source=source, id=doc_id, format="html", url=ext.url)
        # the blocks come from the scrubbed text (an extractor's output can hold entity-made controls);
        # the rule-language vote and the outlet signatures read it as extracted
        doc.author, doc.author_source = ext.author, ext.author_source
        doc.description, doc.categories, doc.tags = ext.description, list(ext.categories), list(ext.tags)
        self._run(
            doc,
            scrub_text(ext.text),
            ext.text,
            mode=ext.mode,
            dom=ext.dom,
            given=given,
            known_title=ext.title,
            html_date=metadata.normalise_date(ext.date),
            sitename=ext.sitename,
            meta=meta,
            headings=ext.headings,
        )
        return doc

    # ------------------------------------------------------------------ the stages
    def _segmented(
        self, body: str, raw_text: str, url: str | None, sitename: str | None, dom: list | None = None
    ) -> "Segmented":
        """The rule language, the outlet and the blocks of a page (``body``: its scrubbed text), each
        block with the ``dom`` marks of its first line (own HTML extraction only)."""
        rules = self.rules_for(raw_text)
        outlet, name, source = metadata.outlet_for(self.rules, raw_text, url, sitename)
        blocks = segment_text(body, words=self.rules.segment, unwrap_lines=self.settings.unwrap)
        if dom is not None:
            for b in blocks:
                if 0 < b.line <= len(dom):
                    b.dom = dom[b.line - 1]
        return Segmented(rules, tuple(outlet.line_rules) if outlet else (), name, source, blocks)

    def annotated(
        self,
        text: str,
        *,
        mode: str,
        url: str | None = None,
        sitename: str | None = None,
        dom: list[tuple[float, ...]] | None = None,
    ) -> tuple[list[Block], LanguageRules]:
        """A page's blocks (``text``: a text dump, or an HTML page's extracted text) with every rule's
        verdict, exactly as the decision stage of ``clean_text``/``clean_html`` sees them: training
        labels these, so that the model learns from what inference will ask it about."""
        page = self._segmented(scrub_text(text), text, url, sitename, dom)
        verdicts = self.verdicts_for(page.rules)
        annotate(page.blocks, page.rules, page.extra_rules, mode, verdicts, thresholds=self.settings.thresholds)
        return page.blocks, page.rules

    def _run(
        self,
        doc: Document,
        body: str,
        raw_text: str,
        *,
        mode: str,
        given: InputFields,
        html_date: str | None,
        sitename: str | None,
        meta: dict,
        known_title: str | None = None,
        headings: dict[str, int] | None = None,
        dom: list[tuple[float, ...]] | None = None,
    ) -> None:
        """The stages after extraction. ``body`` is the page's text as the blocks are cut from it
        (scrubbed of lone surrogates and control characters); ``raw_text`` the same text as the
        extractor gave it, which the rule-language vote and the outlet signatures read (a text
        dump's two are one string; an HTML page's extracted text can hold characters that entities
        made, which scrubbing removes). ``given``: what the input said of itself, used before what
        the stages find. ``headings``: an HTML page's heading lines (text -> level), which Markdown
        output writes back (a Markdown input's own are found by the segment stage)."""
        s = self.settings
        page = self._segmented(body, raw_text, doc.url, sitename, dom)
        lang_rules = page.rules
        doc.rules_language = lang_rules.language
        doc.outlet, doc.outlet_source = page.outlet_name, page.outlet_source
        if given.outlet:
            doc.outlet, doc.outlet_source = given.outlet, "input:metadata"
        doc.blocks = page.blocks
        if headings:
            for b in doc.blocks:
                b.heading = headings.get(b.text, b.heading)
        doc.text_format = s.text_format
        outcome = classify(
            doc.blocks,
            lang_rules,
            mode=mode,
            known_title=known_title,
            extra_rules=page.extra_rules,
            scorer=self.scorer,
            url=doc.url,
            verdicts=self.verdicts_for(lang_rules),
            thresholds=s.thresholds,
        )
        doc.title = given.title or outcome.title
        if given.author:
            doc.author, doc.author_source = given.author, "input:metadata"
        elif mode == "text":
            doc.author, doc.author_source = metadata.text_author(doc.blocks, lang_rules)

        input_date = metadata.normalise_date(given.date)
        if input_date:
            doc.date, doc.date_source = input_date, "input:metadata"
        elif html_date:
            doc.date, doc.date_source = html_date, "html:metadata"
        else:
            doc.date, doc.date_source = metadata.text_date(doc.blocks, lang_rules, s.thresholds)

        doc.language, doc.language_prob = metadata.language(doc.text, s.language_sample_chars, s.language_id)
        doc.meta = meta


@dataclass
class Segmented:
    """What the stages before the decision know of a page."""

    rules: LanguageRules  # the rule set of the page's language
    extra_rules: tuple[LineRule, ...]  # the outlet's own line rules
    outlet_name: str | None
    outlet_source: str | None
    blocks: list[Block]


_DEFAULT: Cleaner | None = None


def default_cleaner() -> Cleaner:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Cleaner()
    return _DEFAULT


def clean_text(text: str, **kwargs) -> Document:
    """Clean a flattened page with the default rules. See ``Cleaner.clean_text``."""
    return default_cleaner().clean_text(text, **kwargs)


def clean_html(html: str, **kwargs) -> Document:
    """Clean an HTML page with the default rules. See ``Cleaner.clean_html``."""
    return default_cleaner().clean_html(html, **kwargs)
