/* Per-block character and token counts behind the block features, in one pass over a str.
 *
 * cleaner/blockstats.py holds the pure-Python reference (the expressions cleaner used before) and
 * uses this module only when it was built from the source beside it. Every predicate is the one
 * CPython's str methods and re module use, so the counts are the same for every code point:
 *   str.isalpha / isupper / isdigit of one character  Py_UNICODE_ISALPHA / ISUPPER / ISDIGIT
 *   str.split() and re's \s (str pattern)              Py_UNICODE_ISSPACE
 *   re's \w (str pattern)                              Py_UNICODE_ISALNUM or '_'
 *   re's \d (str pattern)                              Py_UNICODE_ISDECIMAL
 * Only integer counts are returned: the ratios are divided (and rounded) in Python, so the floats
 * are Python's own.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <math.h>

/* the ABI cleaner/blockstats.py expects: bump it when a function's arguments or results change */
#define BLOCKSTATS_ABI_VERSION 9

/* the model's heading column: a line of at most this many words (blockstats.MODEL_HEADING_MAX_WORDS,
 * which the module checks against the constant exported below) */
#define MODEL_HEADING_MAX_WORDS 15

#ifndef BLOCKSTATS_SOURCE_SHA256
#define BLOCKSTATS_SOURCE_SHA256 ""
#endif

/* The str predicates of the first 256 code points (ASCII and Latin-1: most text), looked up in a
 * table instead of CPython's per-character calls into its Unicode database. The table is filled at
 * import from those same calls (props_init), so each wrapper answers as the predicate it wraps. */
enum { P_ALPHA = 1, P_UPPER = 2, P_DIGIT = 4, P_DECIMAL = 8, P_ALNUM = 16, P_SPACE = 32 };
static unsigned char props[256];

static void
props_init(void)
{
    for (Py_UCS4 ch = 0; ch < 256; ch++)
        props[ch] = (unsigned char)((Py_UNICODE_ISALPHA(ch) ? P_ALPHA : 0) | (Py_UNICODE_ISUPPER(ch) ? P_UPPER : 0)
                                    | (Py_UNICODE_ISDIGIT(ch) ? P_DIGIT : 0) | (Py_UNICODE_ISDECIMAL(ch) ? P_DECIMAL : 0)
                                    | (Py_UNICODE_ISALNUM(ch) ? P_ALNUM : 0) | (Py_UNICODE_ISSPACE(ch) ? P_SPACE : 0));
}

static inline int u_isalpha(Py_UCS4 ch) { return ch < 256 ? props[ch] & P_ALPHA : Py_UNICODE_ISALPHA(ch); }
static inline int u_isupper(Py_UCS4 ch) { return ch < 256 ? props[ch] & P_UPPER : Py_UNICODE_ISUPPER(ch); }
static inline int u_isdigit(Py_UCS4 ch) { return ch < 256 ? props[ch] & P_DIGIT : Py_UNICODE_ISDIGIT(ch); }
static inline int u_isdecimal(Py_UCS4 ch) { return ch < 256 ? props[ch] & P_DECIMAL : Py_UNICODE_ISDECIMAL(ch); }
static inline int u_isalnum(Py_UCS4 ch) { return ch < 256 ? props[ch] & P_ALNUM : Py_UNICODE_ISALNUM(ch); }
static inline int u_isspace(Py_UCS4 ch) { return ch < 256 ? props[ch] & P_SPACE : Py_UNICODE_ISSPACE(ch); }

/* re's \w for a str pattern (sre: SRE_UNI_IS_WORD) */
static inline int
is_word(Py_UCS4 ch)
{
    return u_isalnum(ch) || ch == '_';
}

/* cleaner/tokens.py CJK_CLASS: kana (+ phonetic extensions, half-width forms) and Han */
static inline int
is_cjk(Py_UCS4 ch)
{
    return (ch >= 0x3040 && ch <= 0x30ff) || (ch >= 0x31f0 && ch <= 0x31ff) || (ch >= 0xff66 && ch <= 0xff9f)
        || (ch >= 0x3400 && ch <= 0x4dbf) || (ch >= 0x4e00 && ch <= 0x9fff) || (ch >= 0xf900 && ch <= 0xfaff);
}

/* classify._SENTENCE_END's class: . ! ? … : ; " “ ” » « ' ’ ) */
static inline int
is_sentence_end(Py_UCS4 ch)
{
    switch (ch) {
    case '.': case '!': case '?': case 0x2026: case ':': case ';': case '"': case 0x201c: case 0x201d:
    case 0xbb: case 0xab: case '\'': case 0x2019: case ')':
        return 1;
    default:
        return 0;
    }
}

/* model.features._SENT's class: . ! ? … */
static inline int
is_sentence_mark(Py_UCS4 ch)
{
    return ch == '.' || ch == '!' || ch == '?' || ch == 0x2026;
}

/* model.features._SEPARATOR's middle class: | » › • · / > */
static inline int
is_separator(Py_UCS4 ch)
{
    return ch == '|' || ch == 0xbb || ch == 0x203a || ch == 0x2022 || ch == 0xb7 || ch == '/' || ch == '>';
}

/* the quote characters model.features._own counts: " „ “ ” « » */
static inline int
is_quote(Py_UCS4 ch)
{
    return ch == '"' || ch == 0x201e || ch == 0x201c || ch == 0x201d || ch == 0xab || ch == 0xbb;
}

/* one character of classify._URL's prefix under re.IGNORECASE: the lower-case ASCII character, its
 * upper case, and for 's' also U+017F LATIN SMALL LETTER LONG S (re folds it to 's') */
static inline int
url_char(Py_UCS4 ch, char want)
{
    if (ch == (Py_UCS4)want)
        return 1;
    if (want >= 'a' && want <= 'z' && ch == (Py_UCS4)(want - 'a' + 'A'))
        return 1;
    return want == 's' && ch == 0x17f;
}

/* whether ``prefix`` (lower-case ASCII) matches case-insensitively at text[i:] */
static int
url_prefix_at(int kind, const void *data, Py_ssize_t i, Py_ssize_t end, const char *prefix, Py_ssize_t len)
{
    if (len > end - i)
        return 0;
    for (Py_ssize_t k = 0; k < len; k++) {
        if (!url_char(PyUnicode_READ(kind, data, i + k), prefix[k]))
            return 0;
    }
    return 1;
}

/* Characters inside the matches of classify._URL, ``(?:https?://|www\.)\S+`` with re.IGNORECASE,
 * as sum(len(m) for m in _URL.findall(text)). A match starts inside a run of non-space characters
 * (its prefix holds no space) and \S+ takes the run to its end, so each run holds at most one
 * match: from the first position where a prefix is followed by at least one more character of the
 * run, to the run's end. findall goes on after the match, that is after the run. */
static Py_ssize_t
url_chars(int kind, const void *data, Py_ssize_t n)
{
    Py_ssize_t total = 0, i = 0;
    while (i < n) {
        if (u_isspace(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t end = i;
        while (end < n && !u_isspace(PyUnicode_READ(kind, data, end)))
            end++;
        for (Py_ssize_t p = i; p < end; p++) {
            /* each alternative must leave at least one character of the run for \S+ */
            if ((url_prefix_at(kind, data, p, end - 1, "https://", 8)
                 || url_prefix_at(kind, data, p, end - 1, "http://", 7)
                 || url_prefix_at(kind, data, p, end - 1, "www.", 4))) {
                total += end - p;
                break;
            }
        }
        i = end;
    }
    return total;
}

static PyObject *
text_arg(PyObject *arg)
{
    if (!PyUnicode_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "expected str, got %.100s", Py_TYPE(arg)->tp_name);
        return NULL;
    }
    if (PyUnicode_READY(arg) < 0)
        return NULL;
    return arg;
}

/* -1 with a TypeError unless a METH_FASTCALL function got ``want`` arguments */
static int
arg_count(const char *name, Py_ssize_t nargs, Py_ssize_t want)
{
    if (nargs == want)
        return 0;
    PyErr_Format(PyExc_TypeError, "%s() takes %zd arguments (%zd given)", name, want, nargs);
    return -1;
}

/* text.lower(), checked to be a str (a subclass may override lower) */
static PyObject *lower_name;  /* "lower", interned at import */

static PyObject *
lowered(PyObject *text)
{
    PyObject *lower = PyObject_CallMethodNoArgs(text, lower_name);
    if (lower == NULL)
        return NULL;
    if (!PyUnicode_Check(lower) || PyUnicode_READY(lower) < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "text.lower() did not return a str");
        Py_DECREF(lower);
        return NULL;
    }
    return lower;
}

/* The next token of tokens.WORD (``[CJK]|[^\W CJK]+``) in data[*start:n]: moves *start to its
 * first character and returns the index after its last one, or -1 when no token is left. */
static Py_ssize_t
next_word(int kind, const void *data, Py_ssize_t n, Py_ssize_t *start)
{
    Py_ssize_t i = *start;
    while (i < n) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (is_cjk(ch)) {
            *start = i;
            return i + 1;  /* [CJK]: one character */
        }
        if (is_word(ch)) {
            Py_ssize_t end = i + 1;  /* [^\W CJK]+ */
            while (end < n) {
                Py_UCS4 c = PyUnicode_READ(kind, data, end);
                if (!is_word(c) || is_cjk(c))
                    break;
                end++;
            }
            *start = i;
            return end;
        }
        i++;
    }
    return -1;
}

PyDoc_STRVAR(block_counts_doc,
"block_counts(text, stopwords) -> (chars, words, stopword_hits, url_chars, ends_sentence, digits)\n\n"
"The counts behind classify.block_features: word tokens of text.lower() as tokens.WORD finds them\n"
"and how many are in ``stopwords``, characters inside URLs, whether the text ends like a sentence,\n"
"str.isdigit characters.");

/* A read-only table of words (str keys, any values) looked up by a span of a str's code points,
 * with no substring made: the stoplists and the stopword index, built once per rule set
 * (blockstats.word_table). ``word in table`` and ``table.get(word)`` answer as the dict it was
 * built from. Open addressing over FNV-1a hashes of the code points. */
typedef struct {
    PyObject_HEAD
    Py_ssize_t cap;     /* slots, a power of two (0 before __init__) */
    Py_ssize_t n;
    uint64_t *hash;     /* 0: an empty slot */
    Py_ssize_t *off;    /* the word's first code point in ``chars`` */
    Py_ssize_t *len;
    PyObject **value;   /* strong references */
    Py_UCS4 *chars;
} WordTable;

static PyTypeObject WordTableType;

static inline uint64_t
span_hash(int kind, const void *data, Py_ssize_t i, Py_ssize_t end)
{
    uint64_t h = 1469598103934665603u;
    for (Py_ssize_t k = i; k < end; k++) {
        h ^= (uint64_t)PyUnicode_READ(kind, data, k);
        h *= 1099511628211u;
    }
    return h | 1;
}

/* the value of data[i:end] in the table (borrowed), or NULL (no error is set) */
static PyObject *
table_get(const WordTable *t, int kind, const void *data, Py_ssize_t i, Py_ssize_t end)
{
    if (t->cap == 0)
        return NULL;
    uint64_t h = span_hash(kind, data, i, end);
    Py_ssize_t mask = t->cap - 1, slot = (Py_ssize_t)(h & (uint64_t)mask), len = end - i;
    while (t->hash[slot] != 0) {
        if (t->hash[slot] == h && t->len[slot] == len) {
            const Py_UCS4 *w = t->chars + t->off[slot];
            Py_ssize_t k = 0;
            while (k < len && w[k] == PyUnicode_READ(kind, data, i + k))
                k++;
            if (k == len)
                return t->value[slot];
        }
        slot = (slot + 1) & mask;
    }
    return NULL;
}

static void
table_clear(WordTable *t)
{
    for (Py_ssize_t k = 0; k < t->cap; k++)
        if (t->hash[k] != 0)
            Py_CLEAR(t->value[k]);
    PyMem_Free(t->hash);
    PyMem_Free(t->off);
    PyMem_Free(t->len);
    PyMem_Free(t->value);
    PyMem_Free(t->chars);
    t->hash = NULL;
    t->off = t->len = NULL;
    t->value = NULL;
    t->chars = NULL;
    t->cap = t->n = 0;
}

/* WordTable(words: dict[str, object]) */
static int
table_init(WordTable *self, PyObject *args, PyObject *kwds)
{
    PyObject *words;
    static char *kwlist[] = {"words", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!:WordTable", kwlist, &PyDict_Type, &words))
        return -1;
    table_clear(self);
    Py_ssize_t n = PyDict_GET_SIZE(words), total = 0, pos = 0, cap = 8;
    PyObject *key, *value;
    while (PyDict_Next(words, &pos, &key, &value)) {
        if (!PyUnicode_CheckExact(key)) {
            PyErr_Format(PyExc_TypeError, "WordTable(): words must be str, got %.100s", Py_TYPE(key)->tp_name);
            return -1;
        }
        if (PyUnicode_READY(key) < 0)
            return -1;
        total += PyUnicode_GET_LENGTH(key);
    }
    while (cap < 2 * n)
        cap *= 2;
    self->hash = PyMem_Calloc((size_t)cap, sizeof(uint64_t));
    self->off = PyMem_Calloc((size_t)cap, sizeof(Py_ssize_t));
    self->len = PyMem_Calloc((size_t)cap, sizeof(Py_ssize_t));
    self->value = PyMem_Calloc((size_t)cap, sizeof(PyObject *));
    self->chars = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(total + 1));
    if (self->hash == NULL || self->off == NULL || self->len == NULL || self->value == NULL || self->chars == NULL) {
        self->cap = cap;
        table_clear(self);
        PyErr_NoMemory();
        return -1;
    }
    self->cap = cap;
    Py_ssize_t at = 0;
    pos = 0;
    while (PyDict_Next(words, &pos, &key, &value)) {
        int kind = PyUnicode_KIND(key);
        const void *data = PyUnicode_DATA(key);
        Py_ssize_t len = PyUnicode_GET_LENGTH(key);
        uint64_t h = span_hash(kind, data, 0, len);
        Py_ssize_t slot = (Py_ssize_t)(h & (uint64_t)(cap - 1));
        while (self->hash[slot] != 0)  /* (the dict's keys are distinct) */
            slot = (slot + 1) & (cap - 1);
        for (Py_ssize_t k = 0; k < len; k++)
            self->chars[at + k] = PyUnicode_READ(kind, data, k);
        self->hash[slot] = h;
        self->off[slot] = at;
        self->len[slot] = len;
        self->value[slot] = Py_NewRef(value);
        at += len;
        self->n++;
    }
    return 0;
}

static void
table_dealloc(WordTable *self)
{
    table_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* the value of the str ``word``, borrowed; NULL when absent or not a str (no error is set) */
static PyObject *
table_get_str(WordTable *self, PyObject *word)
{
    if (!PyUnicode_Check(word) || PyUnicode_READY(word) < 0) {
        PyErr_Clear();
        return NULL;
    }
    return table_get(self, PyUnicode_KIND(word), PyUnicode_DATA(word), 0, PyUnicode_GET_LENGTH(word));
}

static int
table_contains(WordTable *self, PyObject *word)
{
    return table_get_str(self, word) != NULL;
}

static PyObject *
table_get_method(WordTable *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "get() takes a word and an optional default");
        return NULL;
    }
    PyObject *found = table_get_str(self, args[0]);
    if (found == NULL)
        found = nargs == 2 ? args[1] : Py_None;
    return Py_NewRef(found);
}

static Py_ssize_t
table_length(WordTable *self)
{
    return self->n;
}

static PySequenceMethods table_as_sequence = {
    .sq_length = (lenfunc)table_length,
    .sq_contains = (objobjproc)table_contains,
};

static PyMethodDef table_methods[] = {
    {"get", (PyCFunction)(void (*)(void))table_get_method, METH_FASTCALL,
     "get(word, default=None): the word's value, else default"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject WordTableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cleaner._blockstats.WordTable",
    .tp_basicsize = sizeof(WordTable),
    .tp_dealloc = (destructor)table_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "WordTable(words: dict[str, object]): read-only word lookup by code points (see blockstats.word_table)",
    .tp_as_sequence = &table_as_sequence,
    .tp_methods = table_methods,
    .tp_init = (initproc)table_init,
    .tp_new = PyType_GenericNew,
};

/* word in stopwords: the set lookup itself for a set or frozenset (what ``in`` runs for them),
 * else Python's ``in`` (a list, a dict, a subclass with its own __contains__) */
static inline int
contains(PyObject *stopwords, PyObject *word)
{
    if (PyFrozenSet_CheckExact(stopwords) || PySet_CheckExact(stopwords))
        return PySet_Contains(stopwords, word);
    return PySequence_Contains(stopwords, word);
}

/* lower[i:end] in stopwords: a WordTable's lookup by code points, else ``contains`` on the
 * substring; -1 with an exception set on failure */
static int
contains_span(PyObject *stopwords, PyObject *lower, int kind, const void *data, Py_ssize_t i, Py_ssize_t end)
{
    if (Py_IS_TYPE(stopwords, &WordTableType))
        return table_get((WordTable *)stopwords, kind, data, i, end) != NULL;
    PyObject *word = PyUnicode_Substring(lower, i, end);
    if (word == NULL)
        return -1;
    int found = contains(stopwords, word);
    Py_DECREF(word);
    return found;
}

/* classify.block_features' counts of ``text`` (a ready str) into out: chars, words, stopword hits,
 * URL characters, ends like a sentence (0/1), digits; ``lower`` is lowered(text). -1 with an
 * exception set on failure. */
static int
block_counts_into(PyObject *text, PyObject *lower, PyObject *stopwords, Py_ssize_t out[6])
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);

    Py_ssize_t digits = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (u_isdigit(PyUnicode_READ(kind, data, i)))
            digits++;
    }
    /* re's $ matches at the end and before a final newline */
    int ends = 0;
    if (n >= 1 && is_sentence_end(PyUnicode_READ(kind, data, n - 1)))
        ends = 1;
    else if (n >= 2 && PyUnicode_READ(kind, data, n - 1) == '\n' && is_sentence_end(PyUnicode_READ(kind, data, n - 2)))
        ends = 1;
    Py_ssize_t urls = url_chars(kind, data, n);

    /* words of the lower-cased text (lower() may change the length: "İ" becomes two characters) */
    int lkind = PyUnicode_KIND(lower);
    const void *ldata = PyUnicode_DATA(lower);
    Py_ssize_t ln = PyUnicode_GET_LENGTH(lower);
    Py_ssize_t words = 0, hits = 0, i = 0, end;
    while ((end = next_word(lkind, ldata, ln, &i)) >= 0) {
        words++;
        int found = contains_span(stopwords, lower, lkind, ldata, i, end);
        if (found < 0)
            return -1;
        hits += found;
        i = end;
    }
    out[0] = n;
    out[1] = words;
    out[2] = hits;
    out[3] = urls;
    out[4] = ends;
    out[5] = digits;
    return 0;
}

/* a new tuple of n Py_ssize_t values, those at positions listed in ``flags`` (a bit mask) as bools */
static PyObject *
counts_tuple(const Py_ssize_t *c, int n, unsigned flags)
{
    PyObject *t = PyTuple_New(n);
    if (t == NULL)
        return NULL;
    for (int k = 0; k < n; k++) {
        PyObject *v = flags >> k & 1 ? Py_NewRef(c[k] ? Py_True : Py_False) : PyLong_FromSsize_t(c[k]);
        if (v == NULL) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, k, v);
    }
    return t;
}

static PyObject *
block_counts(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (arg_count("block_counts", nargs, 2) < 0)
        return NULL;
    PyObject *text = text_arg(args[0]);
    if (text == NULL)
        return NULL;
    PyObject *lower = lowered(text);
    if (lower == NULL)
        return NULL;
    Py_ssize_t c[6];
    int rc = block_counts_into(text, lower, args[1], c);
    Py_DECREF(lower);
    if (rc < 0)
        return NULL;
    return counts_tuple(c, 6, 1u << 4);
}

PyDoc_STRVAR(own_counts_doc,
"own_counts(text) -> (letters, upper, punct, tokens, token_chars, capitalised, sentences,\n"
"                     separators, quotes, commas, digit_in_80, maybe_link)\n\n"
"The counts behind model.features._own: str.isalpha and str.isupper characters, [^\\w\\s] matches,\n"
"text.split() tokens, their total length and those starting with an upper-case character,\n"
"_SENT and _SEPARATOR matches, quote characters, commas, whether \\d occurs in text[:80], and\n"
"whether the text holds \"@\", \"://\" or \"www.\" in text.lower() (only \"W\" lower-cases to \"w\").");

/* model.features._own's counts of ``text`` (a ready str) into out, in own_counts' order (the two
 * flags as 0/1) */
static void
own_counts_into(PyObject *text, Py_ssize_t out[12])
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_ssize_t letters = 0, upper = 0, punct = 0, tokens = 0, token_chars = 0, capitalised = 0;
    Py_ssize_t sentences = 0, separators = 0, quotes = 0, commas = 0;
    int digit80 = 0, in_token = 0, link = 0;
    /* sep_from: where findall's next _SEPARATOR search starts (matches do not overlap) */
    Py_ssize_t sep_from = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        int space = u_isspace(ch);
        if (u_isalpha(ch))
            letters++;
        if (u_isupper(ch))
            upper++;
        if (!space && !is_word(ch))
            punct++;
        if (space) {
            in_token = 0;
        } else {
            token_chars++;
            if (!in_token) {
                in_token = 1;
                tokens++;
                if (u_isupper(ch))
                    capitalised++;
            }
        }
        if (is_sentence_mark(ch) && (i + 1 == n || u_isspace(PyUnicode_READ(kind, data, i + 1))))
            sentences++;
        if (space && i >= sep_from && i + 2 < n && is_separator(PyUnicode_READ(kind, data, i + 1))
                && u_isspace(PyUnicode_READ(kind, data, i + 2))) {
            separators++;
            sep_from = i + 3;
        }
        if (is_quote(ch))
            quotes++;
        if (ch == ',')
            commas++;
        if (i < 80 && u_isdecimal(ch))
            digit80 = 1;
        if (!link && (ch == '@'
                      || (ch == ':' && i + 2 < n && PyUnicode_READ(kind, data, i + 1) == '/'
                          && PyUnicode_READ(kind, data, i + 2) == '/')
                      || (ch == '.' && i >= 3 && url_char(PyUnicode_READ(kind, data, i - 1), 'w')
                          && url_char(PyUnicode_READ(kind, data, i - 2), 'w')
                          && url_char(PyUnicode_READ(kind, data, i - 3), 'w'))))
            link = 1;
    }
    Py_ssize_t values[12] = {letters, upper, punct, tokens, token_chars, capitalised, sentences, separators,
                             quotes, commas, digit80, link};
    memcpy(out, values, sizeof values);
}

/* own_counts_into's counts as own_counts' tuple */
static PyObject *
own_counts_tuple(const Py_ssize_t c[12])
{
    return counts_tuple(c, 12, 1u << 10 | 1u << 11);
}

static PyObject *
own_counts(PyObject *Py_UNUSED(module), PyObject *arg)
{
    PyObject *text = text_arg(arg);
    if (text == NULL)
        return NULL;
    Py_ssize_t c[12];
    own_counts_into(text, c);
    return own_counts_tuple(c);
}

PyDoc_STRVAR(content_words_doc,
"content_words(text, stopwords, min_chars) -> set\n\n"
"The \\w+ runs of text.lower() at least min_chars long that are not in ``stopwords`` and not all\n"
"str.isdigit (model.features.topic_overlap's content words).");

static PyObject *
content_words(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (arg_count("content_words", nargs, 3) < 0)
        return NULL;
    if (text_arg(args[0]) == NULL)
        return NULL;
    Py_ssize_t min_chars = PyNumber_AsSsize_t(args[2], PyExc_OverflowError);
    if (min_chars == -1 && PyErr_Occurred())
        return NULL;
    PyObject *lower = lowered(args[0]);
    if (lower == NULL)
        return NULL;
    PyObject *out = PySet_New(NULL);
    if (out == NULL) {
        Py_DECREF(lower);
        return NULL;
    }
    int kind = PyUnicode_KIND(lower);
    const void *data = PyUnicode_DATA(lower);
    Py_ssize_t n = PyUnicode_GET_LENGTH(lower), i = 0;
    while (i < n) {
        if (!is_word(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t end = i + 1;
        int digits = u_isdigit(PyUnicode_READ(kind, data, i));
        while (end < n && is_word(PyUnicode_READ(kind, data, end))) {
            digits = digits && u_isdigit(PyUnicode_READ(kind, data, end));
            end++;
        }
        if (end - i >= min_chars) {
            /* in the order of the Python condition: length, stopword, all digits */
            int stop = contains_span(args[1], lower, kind, data, i, end);
            if (stop < 0)
                goto error;
            if (!stop && !digits) {
                PyObject *word = PyUnicode_Substring(lower, i, end);
                if (word == NULL)
                    goto error;
                int rc = PySet_Add(out, word);
                Py_DECREF(word);
                if (rc < 0)
                    goto error;
            }
        }
        i = end;
    }
    Py_DECREF(lower);
    return out;
error:
    Py_DECREF(lower);
    Py_DECREF(out);
    return NULL;
}

PyDoc_STRVAR(norm_key_doc,
"norm_key(text) -> str\n\n"
"classify.norm_key: text.lower() with every run of [\\W_] made one space, then stripped: the\n"
"alphanumeric runs joined by single spaces (no character is both alphanumeric and a space).");

/* norm_key of the text whose lowered(text) is ``lower``: a new reference */
static PyObject *
norm_key_of(PyObject *lower)
{
    int kind = PyUnicode_KIND(lower);
    const void *data = PyUnicode_DATA(lower);
    Py_ssize_t n = PyUnicode_GET_LENGTH(lower), size = 0;
    Py_UCS4 maxchar = 0;
    int gap = 0;  /* a run of [\W_] since the last alphanumeric character (after the first one) */
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (u_isalnum(ch)) {
            size += gap + 1;  /* size <= n: every gap stands for at least one character */
            gap = 0;
            if (ch > maxchar)
                maxchar = ch;
        } else if (size) {
            gap = 1;
        }
    }
    PyObject *out = PyUnicode_New(size, size ? (maxchar > ' ' ? maxchar : ' ') : 0);
    if (out == NULL)
        return NULL;
    int okind = PyUnicode_KIND(out);
    void *odata = PyUnicode_DATA(out);
    Py_ssize_t k = 0;
    gap = 0;
    for (Py_ssize_t i = 0; i < n && k < size; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (u_isalnum(ch)) {
            if (gap)
                PyUnicode_WRITE(okind, odata, k++, ' ');
            PyUnicode_WRITE(okind, odata, k++, ch);
            gap = 0;
        } else if (k) {
            gap = 1;
        }
    }
    return out;
}

static PyObject *
norm_key(PyObject *Py_UNUSED(module), PyObject *arg)
{
    if (text_arg(arg) == NULL)
        return NULL;
    PyObject *lower = lowered(arg);
    if (lower == NULL)
        return NULL;
    PyObject *out = norm_key_of(lower);
    Py_DECREF(lower);
    return out;
}

/* remembered rounded ratios (rounded_ratio) */
#define RATIO_CACHE_SIZE 4096
typedef struct {
    Py_ssize_t num, den;
    PyObject *value;  /* a float, or NULL */
} RatioEntry;
static RatioEntry ratio_cache[RATIO_CACHE_SIZE];

/* round(num / den, 4) as Python computes it (float.__round__), or 0.0 when den is 0 */
static PyObject *
rounded_ratio(Py_ssize_t num, Py_ssize_t den, PyObject *round_name, PyObject *four)
{
    if (den == 0 || num == 0)
        return PyFloat_FromDouble(0.0);  /* (round(0.0, 4) is 0.0) */
    /* the same (num, den) recurs on many lines (a word count, a stopword count): its rounded
       ratio is remembered in a direct-mapped table (Python floats are immutable) */
    size_t slot = ((size_t)num * 2654435761u ^ (size_t)den * 40503u) % RATIO_CACHE_SIZE;
    RatioEntry *e = &ratio_cache[slot];
    if (e->value != NULL && e->num == num && e->den == den) {
        Py_INCREF(e->value);
        return e->value;
    }
    /* both below 2**53 (lengths of a str): exact as doubles, so one correctly rounded division,
       as Python divides two ints */
    PyObject *ratio = PyFloat_FromDouble((double)num / (double)den);
    if (ratio == NULL)
        return NULL;
    PyObject *args[2] = {ratio, four};
    PyObject *out = PyObject_VectorcallMethod(round_name, args, 2 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
    Py_DECREF(ratio);
    if (out != NULL && PyFloat_CheckExact(out)) {
        Py_XSETREF(e->value, Py_NewRef(out));
        e->num = num;
        e->den = den;
    }
    return out;
}

/* a new dict {name: value} from parallel arrays; steals the values' references (also on failure) */
static PyObject *
dict_of(PyObject *const *names, PyObject **values, int n)
{
    PyObject *d = PyDict_New();
    for (int k = 0; k < n; k++) {
        if (d != NULL && (values[k] == NULL || PyDict_SetItem(d, names[k], values[k]) < 0))
            Py_CLEAR(d);
    }
    for (int k = 0; k < n; k++)
        Py_XDECREF(values[k]);
    return d;
}

/* a / b as Python divides two ints below 2**53 (exact doubles, one correctly rounded division); 0.0 for b == 0 */
static inline double
ratio_or_zero(Py_ssize_t a, Py_ssize_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

/* The numeric context-free columns of model.features' OWN, in blockstats.OWN_NUMBERS order, from
 * block_counts' b and own_counts' c of ``text`` and the three rounded ratios of its features dict:
 * a new tuple of floats (the reference: blockstats.own_numbers_py). */
static PyObject *
own_numbers(PyObject *text, const Py_ssize_t b[6], const Py_ssize_t c[12], PyObject *stopword_density,
            PyObject *link_density, PyObject *digit_ratio)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_UCS4 last = n ? PyUnicode_READ(PyUnicode_KIND(text), PyUnicode_DATA(text), n - 1) : 0;
    double v[16] = {
        log1p((double)b[0]),                                   /* log_chars: math.log1p(chars) */
        (double)b[1],                                          /* words */
        PyFloat_AsDouble(stopword_density),
        PyFloat_AsDouble(link_density),
        b[4] ? 1.0 : 0.0,                                      /* ends_sentence */
        PyFloat_AsDouble(digit_ratio),
        ratio_or_zero(c[1], c[0]),                             /* upper_ratio: upper / letters */
        ratio_or_zero(c[2], n),                                /* punct_ratio: punct / len(text) */
        ratio_or_zero(c[4], c[3]),                             /* mean_word_len: token chars / tokens */
        (double)c[6],                                          /* sentences */
        (double)c[7],                                          /* separators */
        (b[1] > 0 && b[1] <= MODEL_HEADING_MAX_WORDS && !(n && (last == '.' || last == ',' || last == ';'))) ? 1.0 : 0.0,
        ratio_or_zero(c[5], c[3]),                             /* capitalised_ratio */
        (n && last == '?') ? 1.0 : 0.0,                        /* is_question */
        (double)c[8],                                          /* quotes */
        ratio_or_zero(c[9], c[3]),                             /* comma_rate */
    };
    PyObject *t = PyTuple_New(16);
    if (t == NULL)
        return NULL;
    for (int k = 0; k < 16; k++) {
        PyObject *f = PyFloat_FromDouble(v[k]);
        if (f == NULL) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, k, f);
    }
    return t;
}

PyDoc_STRVAR(line_pass_doc,
"line_pass(texts, stopwords) -> list of (features, own_counts, norm_key, own_numbers)\n\n"
"For each str of ``texts``, in one call: classify.block_features' dict (chars, words,\n"
"stopword_density, link_density, ends_sentence, digit_ratio; the densities and the digit ratio\n"
"divided and rounded to 4 places as Python does), own_counts(text), norm_key(text) and the\n"
"model's numeric context-free columns (blockstats.OWN_NUMBERS, floats).");

static PyObject *
line_pass(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (arg_count("line_pass", nargs, 2) < 0)
        return NULL;
    PyObject *seq = PySequence_Fast(args[0], "line_pass(): texts must be a sequence");
    if (seq == NULL)
        return NULL;
    PyObject *stopwords = args[1];
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyList_New(n);
    PyObject *names[6] = {
        PyUnicode_InternFromString("chars"), PyUnicode_InternFromString("words"),
        PyUnicode_InternFromString("stopword_density"), PyUnicode_InternFromString("link_density"),
        PyUnicode_InternFromString("ends_sentence"), PyUnicode_InternFromString("digit_ratio"),
    };
    PyObject *round_name = PyUnicode_InternFromString("__round__");
    PyObject *four = PyLong_FromLong(4);
    int ok = out != NULL && round_name != NULL && four != NULL;
    for (int k = 0; k < 6; k++)
        ok = ok && names[k] != NULL;
    for (Py_ssize_t i = 0; ok && i < n; i++) {
        PyObject *text = text_arg(PySequence_Fast_GET_ITEM(seq, i));
        Py_ssize_t b[6], c[12];
        PyObject *lower = text == NULL ? NULL : lowered(text);
        if (lower == NULL || block_counts_into(text, lower, stopwords, b) < 0) {
            Py_XDECREF(lower);
            ok = 0;
            break;
        }
        own_counts_into(text, c);
        PyObject *values[6] = {
            PyLong_FromSsize_t(b[0]), PyLong_FromSsize_t(b[1]), rounded_ratio(b[2], b[1], round_name, four),
            rounded_ratio(b[3], b[0], round_name, four), PyBool_FromLong((long)b[4]),
            rounded_ratio(b[5], b[0], round_name, four),
        };
        PyObject *numbers = NULL;
        if (values[2] != NULL && values[3] != NULL && values[5] != NULL)
            numbers = own_numbers(text, b, c, values[2], values[3], values[5]);
        PyObject *features = dict_of(names, values, 6);
        PyObject *counts = own_counts_tuple(c);
        PyObject *key = norm_key_of(lower);
        Py_DECREF(lower);
        PyObject *item = NULL;
        if (features != NULL && counts != NULL && key != NULL && numbers != NULL)
            item = PyTuple_Pack(4, features, counts, key, numbers);
        Py_XDECREF(features);
        Py_XDECREF(counts);
        Py_XDECREF(key);
        Py_XDECREF(numbers);
        if (item == NULL) {
            ok = 0;
            break;
        }
        PyList_SET_ITEM(out, i, item);
    }
    for (int k = 0; k < 6; k++)
        Py_XDECREF(names[k]);
    Py_XDECREF(round_name);
    Py_XDECREF(four);
    Py_DECREF(seq);
    if (!ok) {
        Py_XDECREF(out);
        return NULL;
    }
    return out;
}

PyDoc_STRVAR(parts_in_doc,
"parts_in(key, parts) -> list of int\n\n"
"The positions o of the strs in ``parts`` shorter than ``key`` that occur in it\n"
"(``[o for o, p in enumerate(parts) if len(p) < len(key) and p in key]``: classify's merged copies).");

static PyObject *
parts_in(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (arg_count("parts_in", nargs, 2) < 0)
        return NULL;
    PyObject *key = text_arg(args[0]);
    if (key == NULL)
        return NULL;
    PyObject *seq = PySequence_Fast(args[1], "parts_in(): parts must be a sequence");
    if (seq == NULL)
        return NULL;
    PyObject *out = PyList_New(0);
    Py_ssize_t length = PyUnicode_GET_LENGTH(key);
    for (Py_ssize_t o = 0; out != NULL && o < PySequence_Fast_GET_SIZE(seq); o++) {
        PyObject *part = text_arg(PySequence_Fast_GET_ITEM(seq, o));
        if (part == NULL) {
            Py_CLEAR(out);
            break;
        }
        if (PyUnicode_GET_LENGTH(part) >= length)
            continue;
        int found = PyUnicode_Contains(key, part);
        if (found < 0) {
            Py_CLEAR(out);
            break;
        }
        if (found) {
            PyObject *pos = PyLong_FromSsize_t(o);
            if (pos == NULL || PyList_Append(out, pos) < 0)
                Py_CLEAR(out);
            Py_XDECREF(pos);
        }
    }
    Py_DECREF(seq);
    return out;
}

PyDoc_STRVAR(needs_scrub_doc,
"needs_scrub(text) -> bool\n\n"
"Whether ``text`` holds a lone surrogate or a control character readers.scrub_text removes\n"
"(C0 but tab, newline, vertical tab, form feed and carriage return; DEL; C1): readers._SCRUBBED.search.");

PyDoc_STRVAR(xml_invalid_doc,
"xml_invalid(text) -> bool\n\n"
"Whether ``text`` holds a character trafilatura's repair_faulty_html removes before parsing\n"
"(trafilatura.utils.INVALID_XML_CHARS: C0 but tab, newline and carriage return; U+FFFE, U+FFFF).");

/* one character readers._SCRUBBED matches: [\ud800-\udfff\x00-\x08\x0e-\x1f\x7f-\x9f] */
static inline int
scrubbed(Py_UCS4 ch)
{
    return ch <= 0x08 || (ch >= 0x0e && ch <= 0x1f) || (ch >= 0x7f && ch <= 0x9f) || (ch >= 0xd800 && ch <= 0xdfff);
}

/* one character trafilatura.utils.INVALID_XML_CHARS matches: [\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff] */
static inline int
xml_invalid_char(Py_UCS4 ch)
{
    return ch <= 0x08 || ch == 0x0b || ch == 0x0c || (ch >= 0x0e && ch <= 0x1f) || ch == 0xfffe || ch == 0xffff;
}

/* whether some character of ``arg`` (a str) passes ``test``: one loop per storage width, so the
   compiler sees plain arrays */
static PyObject *
any_char(PyObject *arg, int (*test)(Py_UCS4))
{
    if (text_arg(arg) == NULL)
        return NULL;
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    int found = 0;
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *p = data;
        for (Py_ssize_t i = 0; i < n && !found; i++)
            found = test(p[i]);
    } else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *p = data;
        for (Py_ssize_t i = 0; i < n && !found; i++)
            found = test(p[i]);
    } else {
        const Py_UCS4 *p = data;
        for (Py_ssize_t i = 0; i < n && !found; i++)
            found = test(p[i]);
    }
    return PyBool_FromLong(found);
}

static PyObject *
needs_scrub(PyObject *Py_UNUSED(module), PyObject *arg)
{
    return any_char(arg, scrubbed);
}

static PyObject *
xml_invalid(PyObject *Py_UNUSED(module), PyObject *arg)
{
    return any_char(arg, xml_invalid_char);
}

PyDoc_STRVAR(stopword_votes_doc,
"stopword_votes(text, index) -> dict\n\n"
"The rule-language vote (ruleset.Rules.stopword_hits): for every word token of text.lower() as\n"
"tokens.WORD finds them, longer than one character or a Han or kana character, that ``index``\n"
"(a dict: word -> tuple of languages) holds, one vote for each of its languages. Returns\n"
"{language: votes} for the languages that got any.");

/* The votes of one call, kept in C: (language, count) in the order languages first got a vote, as the
 * reference's dict holds them; a language is found by identity, else by ==. More languages than fit
 * go to the dict directly. */
#define TALLY_SIZE 64
typedef struct {
    int n;
    PyObject *lang[TALLY_SIZE];  /* strong references (an __eq__ may change the index) */
    Py_ssize_t count[TALLY_SIZE];
} Tally;

/* votes[lang] += add */
static int
dict_add(PyObject *votes, PyObject *lang, Py_ssize_t add)
{
    PyObject *old = PyDict_GetItemWithError(votes, lang);
    if (old == NULL && PyErr_Occurred())
        return -1;
    Py_ssize_t count = old == NULL ? 0 : PyLong_AsSsize_t(old);
    if (count == -1 && PyErr_Occurred())
        return -1;
    PyObject *now = PyLong_FromSsize_t(count + add);
    if (now == NULL)
        return -1;
    int rc = PyDict_SetItem(votes, lang, now);
    Py_DECREF(now);
    return rc;
}

/* one vote for every lang of the tuple ``langs`` */
static int
add_votes(Tally *tally, PyObject *votes, PyObject *langs)
{
    if (!PyTuple_Check(langs)) {
        PyErr_SetString(PyExc_TypeError, "stopword_votes(): index values must be tuples of languages");
        return -1;
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(langs); k++) {
        PyObject *lang = PyTuple_GET_ITEM(langs, k);
        int at = -1;
        for (int t = 0; t < tally->n && at < 0; t++)
            if (tally->lang[t] == lang)
                at = t;
        for (int t = 0; t < tally->n && at < 0; t++) {
            int same = PyObject_RichCompareBool(tally->lang[t], lang, Py_EQ);
            if (same < 0)
                return -1;
            if (same)
                at = t;
        }
        if (at >= 0) {
            tally->count[at]++;
        } else if (tally->n < TALLY_SIZE && PyDict_GET_SIZE(votes) == 0) {
            Py_INCREF(lang);
            tally->lang[tally->n] = lang;
            tally->count[tally->n++] = 1;
        } else if (dict_add(votes, lang, 1) < 0) {  /* (past the tally: the dict, after the tally's languages) */
            return -1;
        }
    }
    return 0;
}

/* the tallied votes put first into ``votes`` (which holds only the languages past the tally) */
static PyObject *
tally_votes(const Tally *tally, PyObject *votes)
{
    PyObject *out = PyDict_New();
    if (out == NULL)
        return NULL;
    for (int t = 0; t < tally->n; t++) {
        PyObject *count = PyLong_FromSsize_t(tally->count[t]);
        if (count == NULL || PyDict_SetItem(out, tally->lang[t], count) < 0) {
            Py_XDECREF(count);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(count);
    }
    if (PyDict_Update(out, votes) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

static PyObject *
stopword_votes(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (arg_count("stopword_votes", nargs, 2) < 0)
        return NULL;
    if (text_arg(args[0]) == NULL)
        return NULL;
    PyObject *index = args[1];
    int table = Py_IS_TYPE(index, &WordTableType);
    if (!table && !PyDict_Check(index)) {
        PyErr_Format(PyExc_TypeError, "stopword_votes(): index must be a dict or a WordTable, got %.100s",
                     Py_TYPE(index)->tp_name);
        return NULL;
    }
    PyObject *lower = lowered(args[0]);
    if (lower == NULL)
        return NULL;
    PyObject *votes = PyDict_New();
    if (votes == NULL) {
        Py_DECREF(lower);
        return NULL;
    }
    Tally tally = {0};
    PyObject *out = NULL;
    int kind = PyUnicode_KIND(lower);
    const void *data = PyUnicode_DATA(lower);
    Py_ssize_t n = PyUnicode_GET_LENGTH(lower), i = 0, end;
    while ((end = next_word(kind, data, n, &i)) >= 0) {
        if (end - i == 1 && !is_cjk(PyUnicode_READ(kind, data, i))) {
            i = end;  /* a one-letter token (a bullet, an initial) does not vote; a Han or kana one does */
            continue;
        }
        PyObject *langs;  /* borrowed */
        if (table) {
            langs = table_get((WordTable *)index, kind, data, i, end);
        } else {
            PyObject *word = PyUnicode_Substring(lower, i, end);
            if (word == NULL)
                goto error;
            langs = PyDict_GetItemWithError(index, word);
            Py_DECREF(word);
            if (langs == NULL && PyErr_Occurred())
                goto error;
        }
        if (langs != NULL) {
            Py_INCREF(langs);  /* (held while an __eq__ may run) */
            int rc = add_votes(&tally, votes, langs);
            Py_DECREF(langs);
            if (rc < 0)
                goto error;
        }
        i = end;
    }
    out = tally_votes(&tally, votes);
error:
    for (int t = 0; t < tally.n; t++)
        Py_DECREF(tally.lang[t]);
    Py_DECREF(lower);
    Py_DECREF(votes);
    return out;
}

static PyMethodDef methods[] = {
    {"stopword_votes", (PyCFunction)(void (*)(void))stopword_votes, METH_FASTCALL, stopword_votes_doc},
    {"content_words", (PyCFunction)(void (*)(void))content_words, METH_FASTCALL, content_words_doc},
    {"norm_key", (PyCFunction)norm_key, METH_O, norm_key_doc},
    {"block_counts", (PyCFunction)(void (*)(void))block_counts, METH_FASTCALL, block_counts_doc},
    {"own_counts", (PyCFunction)own_counts, METH_O, own_counts_doc},
    {"line_pass", (PyCFunction)(void (*)(void))line_pass, METH_FASTCALL, line_pass_doc},
    {"parts_in", (PyCFunction)(void (*)(void))parts_in, METH_FASTCALL, parts_in_doc},
    {"needs_scrub", (PyCFunction)needs_scrub, METH_O, needs_scrub_doc},
    {"xml_invalid", (PyCFunction)xml_invalid, METH_O, xml_invalid_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_blockstats", "Per-block counts for cleaner's block features (see blockstats.py).",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__blockstats(void)
{
    props_init();
    if (lower_name == NULL && (lower_name = PyUnicode_InternFromString("lower")) == NULL)
        return NULL;
    if (PyType_Ready(&WordTableType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&WordTableType);
    if (PyModule_AddObject(m, "WordTable", (PyObject *)&WordTableType) < 0) {
        Py_DECREF(&WordTableType);
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddIntConstant(m, "ABI_VERSION", BLOCKSTATS_ABI_VERSION) < 0
        || PyModule_AddIntConstant(m, "MODEL_HEADING_MAX_WORDS", MODEL_HEADING_MAX_WORDS) < 0
        || PyModule_AddStringConstant(m, "SOURCE_SHA256", BLOCKSTATS_SOURCE_SHA256) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
