/* The literal gate of cleaner/prefilter.py in C: which of a set of literal strings occur in a text,
 * as the OR of their bit masks, without building the text's canonical form or a tuple per hit.
 *
 * An Automaton is an Aho-Corasick automaton over canonical literals (prefilter.canonical: every
 * character replaced by the representative of its re.IGNORECASE class). ``scan(text)`` reads the
 * text's code points one by one, canonicalises each the way prefilter.canonical does (the simple
 * lowercase ``re`` and str.lower use for every code point but U+0130, which both turn into "i"; then
 * the representative table given at construction) and follows the automaton; every state it
 * reaches adds the masks of the literals that end there (their own and, through the failure links,
 * their suffixes'). The result is pyahocorasick's: the OR of the masks of all literals found.
 *
 * Digits: ``digit_mask`` is added when some character of the text is one re's \d matches with
 * re.IGNORECASE (a decimal digit, or one whose lowercase is: Py_UNICODE_ISDECIMAL of either).
 *
 * Repeated prefixes (prefilter.repeated_prefix): for each (width, mask) given at construction the
 * mask is added when the text's first ``width`` canonical characters occur again at or after
 * position ``width`` (``folded.find(folded[:width], width) >= 0``).
 *
 * prefilter.py uses this module only when it was built from the source beside it (ABI_VERSION,
 * SOURCE_SHA256); pyahocorasick and the Python expressions stay as the reference.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* the ABI cleaner/prefilter.py expects: bump it when the constructor's or scan's arguments change */
#define LITERALS_ABI_VERSION 2

#ifndef LITERALS_SOURCE_SHA256
#define LITERALS_SOURCE_SHA256 ""
#endif

/* repeated prefixes wider than this are not taken (prefilter checks them in Python): the naive
 * comparison costs up to width steps per position */
#define MAX_REPEAT_WIDTH 64

/* set in a DFA entry whose target state ends a literal */
#define OUT_BIT ((int32_t)0x80000000u)

typedef struct {
    int32_t first;  /* first edge in the automaton's edge arrays */
    int32_t count;  /* number of edges, sorted by character */
    int32_t fail;   /* the state of the longest proper suffix that is a trie path */
    int32_t out;    /* row in ``masks`` of the literals ending here or at a suffix; -1 for none */
} State;

typedef struct {
    PyObject_HEAD
    Py_ssize_t words;      /* uint64 words per mask */
    Py_ssize_t n_states;
    State *states;
    Py_UCS4 *edge_char;
    int32_t *edge_to;
    uint64_t *masks;       /* rows of ``words`` words */
    int32_t root_next[256];  /* the root's transitions for code points below 256; 0 for none */
    /* the automaton as a DFA over character classes: class 0 is every character no literal holds
     * (it leads back to the root), classes 1.. the literals' characters in code-point order */
    Py_ssize_t n_classes;
    /* n_states rows of n_classes: the row offset (state * n_classes) of the state after a character
     * of the class, with the sign bit set where that state ends a literal (OUT_BIT) */
    int32_t *delta;
    int32_t class_low[256];  /* the class of the canonical code points below 256 */
    int32_t raw_class[256];  /* the class of the code points below 256, canonicalised first */
    Py_ssize_t n_high;
    Py_UCS4 *high_char;      /* the literals' characters from 256 up, sorted; class = n_low + index */
    int32_t high_base;
    Py_ssize_t n_fix;
    Py_UCS4 *fix_from;     /* sorted */
    Py_UCS4 *fix_to;
    Py_UCS4 canon_low[256];  /* canonical form of the code points below 256 */
    Py_ssize_t n_repeats;
    Py_ssize_t *repeat_width;
    uint64_t *repeat_mask;   /* rows of ``words`` words */
    uint64_t *digit_mask;    /* ``words`` words: added when the text holds a character re's \d
                                matches under IGNORECASE (decimal itself or in lower case) */
    unsigned char decimal_low[256];
} Automaton;

static Py_UCS4
canon_slow(const Automaton *a, Py_UCS4 ch)
{
    Py_UCS4 lo = ch == 0x130 ? (Py_UCS4)'i' : Py_UNICODE_TOLOWER(ch);
    Py_ssize_t lo_i = 0, hi_i = a->n_fix;
    while (lo_i < hi_i) {
        Py_ssize_t mid = (lo_i + hi_i) / 2;
        if (a->fix_from[mid] < lo)
            lo_i = mid + 1;
        else
            hi_i = mid;
    }
    return lo_i < a->n_fix && a->fix_from[lo_i] == lo ? a->fix_to[lo_i] : lo;
}

static inline Py_UCS4
canon(const Automaton *a, Py_UCS4 ch)
{
    return ch < 256 ? a->canon_low[ch] : canon_slow(a, ch);
}

/* the state reached from ``s`` by ``ch`` along a trie edge, or -1 */
static inline int32_t
edge(const Automaton *a, int32_t s, Py_UCS4 ch)
{
    if (s == 0 && ch < 256)
        return a->root_next[ch] ? a->root_next[ch] : -1;
    const State *st = &a->states[s];
    Py_ssize_t lo = st->first, hi = (Py_ssize_t)st->first + st->count;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (a->edge_char[mid] < ch)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < (Py_ssize_t)st->first + st->count && a->edge_char[lo] == ch ? a->edge_to[lo] : -1;
}

/* ------------------------------------------------------------------------------------- building */

/* a trie under construction: per state a growable list of (char, target) edges */
typedef struct {
    Py_UCS4 *ch;
    int32_t *to;
    int32_t n, cap;
} EdgeList;

static int
edges_add(EdgeList *e, Py_UCS4 ch, int32_t to)
{
    if (e->n == e->cap) {
        int32_t cap = e->cap ? e->cap * 2 : 4;
        Py_UCS4 *c = PyMem_Realloc(e->ch, sizeof(Py_UCS4) * cap);
        if (c == NULL)
            return -1;
        e->ch = c;
        int32_t *t = PyMem_Realloc(e->to, sizeof(int32_t) * cap);
        if (t == NULL)
            return -1;
        e->to = t;
        e->cap = cap;
    }
    e->ch[e->n] = ch;
    e->to[e->n++] = to;
    return 0;
}

static void
automaton_free_arrays(Automaton *a)
{
    PyMem_Free(a->states);
    PyMem_Free(a->edge_char);
    PyMem_Free(a->edge_to);
    PyMem_Free(a->masks);
    PyMem_Free(a->fix_from);
    PyMem_Free(a->fix_to);
    PyMem_Free(a->repeat_width);
    PyMem_Free(a->repeat_mask);
    PyMem_Free(a->delta);
    PyMem_Free(a->high_char);
    PyMem_Free(a->digit_mask);
    a->digit_mask = NULL;
    a->delta = NULL;
    a->high_char = NULL;
    a->states = NULL;
    a->edge_char = NULL;
    a->edge_to = NULL;
    a->masks = NULL;
    a->fix_from = a->fix_to = NULL;
    a->repeat_width = NULL;
    a->repeat_mask = NULL;
}

/* ``words`` uint64 words of a non-negative int below 2**(64 * words), lowest first */
static int
mask_words(PyObject *mask, uint64_t *out, Py_ssize_t words)
{
    if (!PyLong_Check(mask)) {
        PyErr_Format(PyExc_TypeError, "Automaton(): masks must be ints, got %.100s", Py_TYPE(mask)->tp_name);
        return -1;
    }
    PyObject *low64 = PyLong_FromUnsignedLongLong(UINT64_MAX), *sixty4 = PyLong_FromLong(64);
    PyObject *zero = PyLong_FromLong(0), *rest = mask;
    Py_INCREF(rest);
    int rc = -1;
    if (low64 == NULL || sixty4 == NULL || zero == NULL)
        goto done;
    int negative = PyObject_RichCompareBool(rest, zero, Py_LT);
    if (negative != 0) {
        if (negative > 0)
            PyErr_SetString(PyExc_ValueError, "Automaton(): masks must not be negative");
        goto done;
    }
    for (Py_ssize_t k = 0; k < words; k++) {
        PyObject *part = PyNumber_And(rest, low64);
        if (part == NULL)
            goto done;
        out[k] = PyLong_AsUnsignedLongLong(part);
        Py_DECREF(part);
        if (out[k] == (uint64_t)-1 && PyErr_Occurred())
            goto done;
        PyObject *next = PyNumber_Rshift(rest, sixty4);
        if (next == NULL)
            goto done;
        Py_DECREF(rest);
        rest = next;
    }
    int left = PyObject_RichCompareBool(rest, zero, Py_NE);
    if (left != 0) {
        if (left > 0)
            PyErr_SetString(PyExc_ValueError, "Automaton(): a mask is wider than ``words`` words");
        goto done;
    }
    rc = 0;
done:
    Py_XDECREF(low64);
    Py_XDECREF(sixty4);
    Py_XDECREF(zero);
    Py_DECREF(rest);
    return rc;
}

static int
cmp_fix(const void *x, const void *y)
{
    Py_UCS4 a = ((const Py_UCS4 *)x)[0], b = ((const Py_UCS4 *)y)[0];
    return a < b ? -1 : a > b;
}

static int
cmp_ucs4(const void *x, const void *y)
{
    Py_UCS4 a = *(const Py_UCS4 *)x, b = *(const Py_UCS4 *)y;
    return a < b ? -1 : a > b;
}

/* the class of a canonical character */
static inline int32_t
class_of(const Automaton *a, Py_UCS4 ch)
{
    if (ch < 256)
        return a->class_low[ch];
    Py_ssize_t lo = 0, hi = a->n_high;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (a->high_char[mid] < ch)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < a->n_high && a->high_char[lo] == ch ? a->high_base + (int32_t)lo : 0;
}

/* the character classes and the DFA table, from the trie and its failure links; ``order`` holds
 * every state but the root breadth first (a state's failure state comes before it) */
static int
build_dfa(Automaton *a, const int32_t *order, Py_ssize_t n_order)
{
    Py_ssize_t n_edges = a->states[a->n_states - 1].first + a->states[a->n_states - 1].count;
    Py_UCS4 *chars = PyMem_Malloc(sizeof(Py_UCS4) * (n_edges + 1));
    if (chars == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(chars, a->edge_char, sizeof(Py_UCS4) * n_edges);
    qsort(chars, (size_t)n_edges, sizeof(Py_UCS4), cmp_ucs4);
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n_edges; i++)
        if (k == 0 || chars[k - 1] != chars[i])
            chars[k++] = chars[i];
    /* chars[0:k]: the distinct characters, class i + 1 */
    a->n_classes = k + 1;
    memset(a->class_low, 0, sizeof(a->class_low));
    Py_ssize_t n_low = 0;
    while (n_low < k && chars[n_low] < 256) {
        a->class_low[chars[n_low]] = (int32_t)(n_low + 1);
        n_low++;
    }
    a->n_high = k - n_low;
    a->high_base = (int32_t)(n_low + 1);
    a->high_char = PyMem_Malloc(sizeof(Py_UCS4) * (a->n_high + 1));
    if ((size_t)a->n_states > (size_t)PY_SSIZE_T_MAX / sizeof(int32_t) / (size_t)a->n_classes) {
        PyMem_Free(chars);
        PyErr_SetString(PyExc_ValueError, "Automaton(): too many states");
        return -1;
    }
    a->delta = PyMem_Malloc(sizeof(int32_t) * (size_t)a->n_states * (size_t)a->n_classes);
    if (a->high_char == NULL || a->delta == NULL) {
        PyMem_Free(chars);
        PyErr_NoMemory();
        return -1;
    }
    memcpy(a->high_char, chars + n_low, sizeof(Py_UCS4) * a->n_high);
    Py_ssize_t nc = a->n_classes;
    if ((size_t)a->n_states * (size_t)nc > (size_t)INT32_MAX) {
        PyMem_Free(chars);
        PyErr_SetString(PyExc_ValueError, "Automaton(): too many states");
        return -1;
    }
    /* first the target states, then (every row being done) their offsets and output bits */
    for (Py_ssize_t c = 0; c < nc; c++) {  /* the root */
        int32_t to = c == 0 ? -1 : edge(a, 0, chars[c - 1]);
        a->delta[c] = to >= 0 ? to : 0;
    }
    for (Py_ssize_t q = 0; q < n_order; q++) {
        int32_t s = order[q];
        int32_t *row = a->delta + (Py_ssize_t)s * nc;
        const int32_t *fallback = a->delta + (Py_ssize_t)a->states[s].fail * nc;
        row[0] = 0;
        for (Py_ssize_t c = 1; c < nc; c++) {
            int32_t to = edge(a, s, chars[c - 1]);
            row[c] = to >= 0 ? to : fallback[c];
        }
    }
    for (Py_ssize_t x = 0; x < a->n_states * nc; x++) {
        int32_t to = a->delta[x];
        a->delta[x] = (int32_t)(to * nc) | (a->states[to].out >= 0 ? OUT_BIT : 0);
    }
    for (int c = 0; c < 256; c++)
        a->raw_class[c] = class_of(a, a->canon_low[c]);
    PyMem_Free(chars);
    return 0;
}

/* Automaton(literals: list[str], masks: list[int], words: int, fix: dict[int, int], repeats: list[tuple[int, int]]) */
static int
automaton_init(Automaton *self, PyObject *args, PyObject *kwds)
{
    PyObject *literals, *masks, *fix, *repeats, *digit = NULL;
    Py_ssize_t words;
    static char *kwlist[] = {"literals", "masks", "words", "fix", "repeats", "digit_mask", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!nO!O!|O:Automaton", kwlist, &PyList_Type, &literals,
                                     &PyList_Type, &masks, &words, &PyDict_Type, &fix, &PyList_Type, &repeats,
                                     &digit))
        return -1;
    automaton_free_arrays(self);
    Py_ssize_t n_lit = PyList_GET_SIZE(literals);
    if (PyList_GET_SIZE(masks) != n_lit) {
        PyErr_SetString(PyExc_ValueError, "Automaton(): one mask per literal");
        return -1;
    }
    if (words < 1 || words > 1 << 20) {
        PyErr_SetString(PyExc_ValueError, "Automaton(): words must be 1 to 2**20");
        return -1;
    }
    for (Py_ssize_t r = 0; r < PyList_GET_SIZE(repeats); r++) {
        PyObject *item = PyList_GET_ITEM(repeats, r);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
            PyErr_SetString(PyExc_TypeError, "Automaton(): repeats must be (width, mask) tuples");
            return -1;
        }
    }
    self->words = words;

    /* the representative table */
    self->n_fix = PyDict_GET_SIZE(fix);
    Py_UCS4 *pairs = PyMem_Malloc(sizeof(Py_UCS4) * 2 * (self->n_fix + 1));
    if (pairs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t pos = 0, k = 0;
    PyObject *key, *value;
    while (PyDict_Next(fix, &pos, &key, &value)) {
        unsigned long f = PyLong_AsUnsignedLong(key), t = PyLong_AsUnsignedLong(value);
        if (PyErr_Occurred() || f > 0x10ffff || t > 0x10ffff) {
            PyMem_Free(pairs);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "Automaton(): fix maps code points to code points");
            return -1;
        }
        pairs[2 * k] = (Py_UCS4)f;
        pairs[2 * k + 1] = (Py_UCS4)t;
        k++;
    }
    qsort(pairs, (size_t)self->n_fix, sizeof(Py_UCS4) * 2, cmp_fix);
    self->fix_from = PyMem_Malloc(sizeof(Py_UCS4) * (self->n_fix + 1));
    self->fix_to = PyMem_Malloc(sizeof(Py_UCS4) * (self->n_fix + 1));
    if (self->fix_from == NULL || self->fix_to == NULL) {
        PyMem_Free(pairs);
        PyErr_NoMemory();
        return -1;
    }
    for (k = 0; k < self->n_fix; k++) {
        self->fix_from[k] = pairs[2 * k];
        self->fix_to[k] = pairs[2 * k + 1];
    }
    PyMem_Free(pairs);
    self->n_fix = k;
    for (Py_UCS4 c = 0; c < 256; c++)
        self->canon_low[c] = canon_slow(self, c);

    /* the digit mask */
    self->digit_mask = PyMem_Calloc((size_t)words, sizeof(uint64_t));
    if (self->digit_mask == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (digit != NULL && mask_words(digit, self->digit_mask, words) < 0)
        return -1;
    for (Py_UCS4 c = 0; c < 256; c++)
        self->decimal_low[c] = Py_UNICODE_ISDECIMAL(c) || Py_UNICODE_ISDECIMAL(self->canon_low[c]);

    /* repeated prefixes */
    self->n_repeats = PyList_GET_SIZE(repeats);
    self->repeat_width = PyMem_Malloc(sizeof(Py_ssize_t) * (self->n_repeats + 1));
    self->repeat_mask = PyMem_Calloc((size_t)(self->n_repeats + 1) * (size_t)words, sizeof(uint64_t));
    if (self->repeat_width == NULL || self->repeat_mask == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t r = 0; r < self->n_repeats; r++) {
        PyObject *item = PyList_GET_ITEM(repeats, r);
        Py_ssize_t w = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0));
        if (w == -1 && PyErr_Occurred())
            return -1;
        if (w < 1 || w > MAX_REPEAT_WIDTH) {
            PyErr_Format(PyExc_ValueError, "Automaton(): a repeat's width must be 1 to %d", MAX_REPEAT_WIDTH);
            return -1;
        }
        self->repeat_width[r] = w;
        if (mask_words(PyTuple_GET_ITEM(item, 1), self->repeat_mask + r * words, words) < 0)
            return -1;
    }

    /* the trie */
    Py_ssize_t cap_states = 1;
    for (Py_ssize_t i = 0; i < n_lit; i++) {
        PyObject *lit = PyList_GET_ITEM(literals, i);
        if (!PyUnicode_Check(lit) || PyUnicode_READY(lit) < 0) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "Automaton(): literals must be str");
            return -1;
        }
        if (PyUnicode_GET_LENGTH(lit) == 0) {
            PyErr_SetString(PyExc_ValueError, "Automaton(): a literal must not be empty");
            return -1;
        }
        cap_states += PyUnicode_GET_LENGTH(lit);
    }
    if (cap_states > INT32_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "Automaton(): too many literal characters");
        return -1;
    }
    EdgeList *trie = PyMem_Calloc((size_t)cap_states, sizeof(EdgeList));
    int32_t *terminal = PyMem_Malloc(sizeof(int32_t) * cap_states);  /* literal index ending here, or -1 */
    int32_t *queue = PyMem_Malloc(sizeof(int32_t) * cap_states);
    int rc = -1;
    Py_ssize_t n_states = 1, n_edges = 0;
    if (trie == NULL || terminal == NULL || queue == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    terminal[0] = -1;
    for (Py_ssize_t i = 0; i < n_lit; i++) {
        PyObject *lit = PyList_GET_ITEM(literals, i);
        int kind = PyUnicode_KIND(lit);
        const void *data = PyUnicode_DATA(lit);
        int32_t s = 0;
        for (Py_ssize_t j = 0; j < PyUnicode_GET_LENGTH(lit); j++) {
            Py_UCS4 ch = PyUnicode_READ(kind, data, j);
            int32_t next = -1;
            for (int32_t e = 0; e < trie[s].n; e++)
                if (trie[s].ch[e] == ch)
                    next = trie[s].to[e];
            if (next < 0) {
                next = (int32_t)n_states++;
                terminal[next] = -1;
                if (edges_add(&trie[s], ch, next) < 0) {
                    PyErr_NoMemory();
                    goto done;
                }
                n_edges++;
            }
            s = next;
        }
        if (terminal[s] >= 0) {
            PyErr_SetString(PyExc_ValueError, "Automaton(): a literal is given twice");
            goto done;
        }
        terminal[s] = (int32_t)i;
    }
    self->n_states = n_states;
    self->states = PyMem_Calloc((size_t)n_states, sizeof(State));
    self->edge_char = PyMem_Malloc(sizeof(Py_UCS4) * (n_edges + 1));
    self->edge_to = PyMem_Malloc(sizeof(int32_t) * (n_edges + 1));
    self->masks = PyMem_Calloc((size_t)n_states * (size_t)words, sizeof(uint64_t));
    if (self->states == NULL || self->edge_char == NULL || self->edge_to == NULL || self->masks == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    /* edges sorted by character, state by state */
    Py_ssize_t at = 0;
    for (Py_ssize_t s = 0; s < n_states; s++) {
        EdgeList *e = &trie[s];
        for (int32_t x = 1; x < e->n; x++) {  /* insertion sort (few edges per state) */
            Py_UCS4 c = e->ch[x];
            int32_t t = e->to[x], y = x - 1;
            while (y >= 0 && e->ch[y] > c) {
                e->ch[y + 1] = e->ch[y];
                e->to[y + 1] = e->to[y];
                y--;
            }
            e->ch[y + 1] = c;
            e->to[y + 1] = t;
        }
        self->states[s].first = (int32_t)at;
        self->states[s].count = e->n;
        for (int32_t x = 0; x < e->n; x++) {
            self->edge_char[at] = e->ch[x];
            self->edge_to[at++] = e->to[x];
        }
        self->states[s].out = -1;
    }
    memset(self->root_next, 0, sizeof(self->root_next));
    for (int32_t x = 0; x < self->states[0].count; x++) {
        Py_UCS4 c = self->edge_char[self->states[0].first + x];
        if (c < 256)
            self->root_next[c] = self->edge_to[self->states[0].first + x];
    }
    /* failure links and output masks, breadth first: a state's fail is shallower, so done */
    Py_ssize_t head = 0, tail = 0;
    self->states[0].fail = 0;
    for (int32_t x = 0; x < self->states[0].count; x++) {
        int32_t t = self->edge_to[self->states[0].first + x];
        self->states[t].fail = 0;
        queue[tail++] = t;
    }
    while (head < tail) {
        int32_t s = queue[head++];
        uint64_t *row = self->masks + (Py_ssize_t)s * words;
        if (terminal[s] >= 0 && mask_words(PyList_GET_ITEM(masks, terminal[s]), row, words) < 0)
            goto done;
        const uint64_t *inherited = self->masks + (Py_ssize_t)self->states[s].fail * words;
        int any = 0;
        for (Py_ssize_t w = 0; w < words; w++) {
            row[w] |= inherited[w];
            any |= row[w] != 0;
        }
        self->states[s].out = any ? s : -1;
        for (int32_t x = 0; x < self->states[s].count; x++) {
            Py_UCS4 c = self->edge_char[self->states[s].first + x];
            int32_t t = self->edge_to[self->states[s].first + x];
            int32_t f = self->states[s].fail, to;
            while ((to = edge(self, f, c)) < 0 && f != 0)
                f = self->states[f].fail;
            self->states[t].fail = to >= 0 ? to : 0;
            queue[tail++] = t;
        }
    }
    if (build_dfa(self, queue, tail) < 0)
        goto done;
    rc = 0;
done:
    if (trie != NULL) {
        for (Py_ssize_t s = 0; s < cap_states; s++) {
            PyMem_Free(trie[s].ch);
            PyMem_Free(trie[s].to);
        }
    }
    PyMem_Free(trie);
    PyMem_Free(terminal);
    PyMem_Free(queue);
    if (rc < 0)
        automaton_free_arrays(self);
    return rc;
}

static void
automaton_dealloc(Automaton *self)
{
    automaton_free_arrays(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* ------------------------------------------------------------------------------------- scanning */

/* whether the text's first w canonical characters occur again at a position >= w */
static int
prefix_recurs(const Automaton *a, int kind, const void *data, Py_ssize_t n, Py_ssize_t w)
{
    if (n < 2 * w)
        return 0;
    Py_UCS4 head[MAX_REPEAT_WIDTH];
    for (Py_ssize_t k = 0; k < w; k++)
        head[k] = canon(a, PyUnicode_READ(kind, data, k));
#define RECURS_LOOP(TYPE)                                                                  \
    {                                                                                      \
        const TYPE *chars = (const TYPE *)data;                                            \
        for (Py_ssize_t p = w; p + w <= n; p++) {                                          \
            if (canon(a, chars[p]) != head[0])                                             \
                continue;                                                                  \
            Py_ssize_t k = 1;                                                              \
            while (k < w && canon(a, chars[p + k]) == head[k])                             \
                k++;                                                                       \
            if (k == w)                                                                    \
                return 1;                                                                  \
        }                                                                                  \
    }
    if (kind == PyUnicode_1BYTE_KIND)
        RECURS_LOOP(Py_UCS1)
    else if (kind == PyUnicode_2BYTE_KIND)
        RECURS_LOOP(Py_UCS2)
    else
        RECURS_LOOP(Py_UCS4)
#undef RECURS_LOOP
    return 0;
}

static PyObject *
mask_object(const uint64_t *acc, Py_ssize_t words)
{
    if (words == 1)
        return PyLong_FromUnsignedLongLong(acc[0]);
    PyObject *result = PyLong_FromLong(0), *sixty4 = PyLong_FromLong(64);
    if (result == NULL || sixty4 == NULL)
        goto error;
    for (Py_ssize_t k = words - 1; k >= 0; k--) {
        PyObject *shifted = PyNumber_Lshift(result, sixty4);
        if (shifted == NULL)
            goto error;
        Py_DECREF(result);
        result = shifted;
        PyObject *part = PyLong_FromUnsignedLongLong(acc[k]);
        if (part == NULL)
            goto error;
        PyObject *joined = PyNumber_Or(result, part);
        Py_DECREF(part);
        if (joined == NULL)
            goto error;
        Py_DECREF(result);
        result = joined;
    }
    Py_DECREF(sixty4);
    return result;
error:
    Py_XDECREF(result);
    Py_XDECREF(sixty4);
    return NULL;
}

#define SCAN_STACK_WORDS 8

static PyObject *
automaton_scan(Automaton *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "scan() expects str, got %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (PyUnicode_READY(text) < 0)
        return NULL;
    if (self->states == NULL) {
        PyErr_SetString(PyExc_ValueError, "scan(): the Automaton was not initialised");
        return NULL;
    }
    Py_ssize_t words = self->words;
    uint64_t stack[SCAN_STACK_WORDS];
    uint64_t *acc = words <= SCAN_STACK_WORDS ? stack : PyMem_Calloc((size_t)words, sizeof(uint64_t));
    if (acc == NULL)
        return PyErr_NoMemory();
    memset(acc, 0, sizeof(uint64_t) * (size_t)words);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const int32_t *delta = self->delta;
    int32_t nc = (int32_t)self->n_classes, at = 0;
    int digit = 0;
#define SCAN_LOOP(TYPE)                                                                    \
    {                                                                                      \
        const TYPE *chars = (const TYPE *)data;                                            \
        for (Py_ssize_t i = 0; i < n; i++) {                                               \
            Py_UCS4 ch = chars[i];                                                         \
            int32_t cls;                                                                   \
            if (ch < 256) {                                                                \
                cls = self->raw_class[ch];                                                 \
                digit |= self->decimal_low[ch];                                            \
            } else {                                                                       \
                Py_UCS4 lo = canon_slow(self, ch);                                         \
                cls = class_of(self, lo);                                                  \
                digit |= Py_UNICODE_ISDECIMAL(ch) || Py_UNICODE_ISDECIMAL(lo);             \
            }                                                                              \
            int32_t next = delta[at + cls];                                                \
            at = next & INT32_MAX;                                                         \
            if (next < 0) {                                                                \
                const uint64_t *row = self->masks + (Py_ssize_t)(at / nc) * words;         \
                for (Py_ssize_t w = 0; w < words; w++)                                     \
                    acc[w] |= row[w];                                                      \
            }                                                                              \
        }                                                                                  \
    }
    if (kind == PyUnicode_1BYTE_KIND)
        SCAN_LOOP(Py_UCS1)
    else if (kind == PyUnicode_2BYTE_KIND)
        SCAN_LOOP(Py_UCS2)
    else
        SCAN_LOOP(Py_UCS4)
#undef SCAN_LOOP
    if (digit)
        for (Py_ssize_t w = 0; w < words; w++)
            acc[w] |= self->digit_mask[w];
    for (Py_ssize_t r = 0; r < self->n_repeats; r++) {
        if (prefix_recurs(self, kind, data, n, self->repeat_width[r])) {
            const uint64_t *row = self->repeat_mask + r * words;
            for (Py_ssize_t w = 0; w < words; w++)
                acc[w] |= row[w];
        }
    }
    PyObject *result = mask_object(acc, words);
    if (acc != stack)
        PyMem_Free(acc);
    return result;
}

static PyObject *
automaton_canonical(Automaton *self, PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "canonical() expects str, got %.100s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (PyUnicode_READY(text) < 0)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 *buf = PyMem_Malloc(sizeof(Py_UCS4) * (n + 1));
    if (buf == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++)
        buf[i] = canon(self, PyUnicode_READ(kind, data, i));
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n);
    PyMem_Free(buf);
    return out;
}

PyDoc_STRVAR(scan_doc,
"scan(text) -> int\n\n"
"The OR of the masks of the literals that occur in the canonical form of ``text``, of the\n"
"repeats' masks whose prefix recurs, and the digit mask when ``text`` holds a character re's\n"
"\\d matches under IGNORECASE.");

PyDoc_STRVAR(canonical_doc,
"canonical(text) -> str\n\n"
"``text`` in the canonical form the scan reads it in (prefilter.canonical's, for tests).");

static PyMethodDef automaton_methods[] = {
    {"scan", (PyCFunction)automaton_scan, METH_O, scan_doc},
    {"canonical", (PyCFunction)automaton_canonical, METH_O, canonical_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(automaton_doc,
"Automaton(literals, masks, words, fix, repeats, digit_mask=0)\n\n"
"An Aho-Corasick automaton over ``literals`` (canonical, distinct, non-empty str), each with a\n"
"non-negative int bit mask below 2**(64 * words); ``fix`` maps a lowercase code point to its re.IGNORECASE\n"
"representative; ``repeats`` lists (width, mask) of repeated-prefix tests (width 1 to 64);\n"
"``digit_mask`` is added when the text holds a digit.");

static PyTypeObject AutomatonType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cleaner._literals.Automaton",
    .tp_basicsize = sizeof(Automaton),
    .tp_dealloc = (destructor)automaton_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = automaton_doc,
    .tp_methods = automaton_methods,
    .tp_init = (initproc)automaton_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_literals", "The literal gate of cleaner.prefilter (see prefilter.py).",
    -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__literals(void)
{
    if (PyType_Ready(&AutomatonType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&AutomatonType);
    if (PyModule_AddObject(m, "Automaton", (PyObject *)&AutomatonType) < 0
        || PyModule_AddIntConstant(m, "ABI_VERSION", LITERALS_ABI_VERSION) < 0
        || PyModule_AddIntConstant(m, "MAX_REPEAT_WIDTH", MAX_REPEAT_WIDTH) < 0
        || PyModule_AddStringConstant(m, "SOURCE_SHA256", LITERALS_SOURCE_SHA256) < 0) {
        Py_DECREF(&AutomatonType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
