/* A compiled evaluator for LightGBM tree ensembles, model-independent: the trees arrive as flat
 * arrays parsed from LightGBM's text model (cleaner/model/trees.py), so any model (the shipped one,
 * one from `cleaner train`) runs without generating or compiling code per model.
 *
 * It reproduces LightGBM 4's prediction bit for bit (src/io/tree.h, src/c_api.cpp,
 * src/objective/binary_objective.hpp):
 *   - inputs with |x| <= kZeroThreshold are read as 0.0 (the dense-matrix row reader drops them);
 *   - numerical split: NaN becomes 0.0 unless the missing type is NaN; a missing value (NaN for
 *     missing type NaN, |x| <= kZeroThreshold for missing type Zero) goes the default direction;
 *     otherwise left iff x <= threshold;
 *   - categorical split: NaN, negative and out-of-int-range values go right; else the category
 *     (int)x goes left iff its bit is set in the node's bitset (a category beyond the bitset: right);
 *   - a row's raw score is the sum of its leaf values over the trees in model order, in double
 *     precision from 0.0; the binary objective's output is 1 / (1 + exp(-sigmoid * raw)).
 *
 * Two walks give the same leaves: the Node walk over doubles, and the compact walk (CNode: 8-byte
 * nodes over a row of 16-bit threshold ranks, 25-35% faster on the benchmark pages' rows), used
 * whenever the model fits it (Forest.compact says which).
 *
 * Every index is checked when a Forest is built (each node and leaf of a tree is reached exactly
 * once from its root, so every walk ends at a leaf; features and bitset ranges are in bounds), so
 * untrusted feature values (NaN, inf, huge) can only choose among valid branches.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Python checks this against its own copy: an extension built from older source is not used. */
#define TREES_ABI_VERSION 1
/* setup.py passes the sha256 of this file: trees.py uses the extension only while they agree */
#ifndef TREES_SOURCE_SHA256
#define TREES_SOURCE_SHA256 ""
#endif
/* trees evaluated together over all rows (their nodes stay in the L1 cache) */
#define TREE_BLOCK 16
/* rows walked through one tree in lockstep: independent walks overlap in the CPU (measured on the
   benchmark pages' rows: 1, 4, 8, 16, 32 rows gave 3.1, 2.7, 2.2, 1.8, 1.9 ms per page, stage 1) */
#define LOCKSTEP 16
/* the same for the compact walk (4, 6, 8, 10, 12 rows: 1.03, 0.86, 0.82, 0.81, 0.94 ms per page) */
#define COMPACT_LOCKSTEP 8
#define MAX_FEATURES (1 << 20)
/* a node's col field: a column of the prepared row, | CATEGORICAL_NODE for a categorical split */
#define CATEGORICAL_NODE (1 << 30)

static const double kZeroThreshold = 1e-35f; /* LightGBM's constant: a float literal */

enum { CATEGORICAL_MASK = 1, DEFAULT_LEFT_MASK = 2 };
enum { MISSING_NONE = 0, MISSING_ZERO = 1, MISSING_NAN = 2 };

/* Each numerical split reads a prepared column in which LightGBM's missing-value rule is already
   applied, so the split itself is only "right iff x > threshold":
     PLAIN       missing type None: NaN read as 0.0
     NAN_LEFT    missing type NaN, default left: NaN read as -inf (-inf > t is false: left)
     NAN_RIGHT   missing type NaN, default right: NaN read as +inf (right for every finite t);
                 also the column of categorical splits (NaN and +inf both go right there)
     ZERO_LEFT   missing type Zero, default left: NaN and 0.0 read as -inf
     ZERO_RIGHT  missing type Zero, default right: NaN and 0.0 read as +inf
   (values are zero-filtered first, so "|x| <= kZeroThreshold" is "x == 0.0"). A column exists
   only for the (feature, variant) pairs some split uses. Infinite thresholds and inputs are clamped to
   +-DBL_MAX (an input of exactly +-DBL_MAX against an infinite threshold is the one case that would
   differ from LightGBM; no feature comes near it). */
enum { PLAIN, NAN_LEFT, NAN_RIGHT, ZERO_LEFT, ZERO_RIGHT, N_VARIANTS };

/* One tree is laid out breadth first with the two children of a node side by side. A leaf reads
   the last column of the prepared row, always NaN, and is its own left child: a step from a leaf
   stays there, so walks of different lengths can run in lockstep. */
typedef struct {
    union {
        double value;                          /* a numerical split's threshold; a leaf's value */
        struct { uint32_t start, words; } cat; /* categorical split: its bitset words in cat_bits */
    } u;
    int32_t col;  /* see CATEGORICAL_NODE */
    int32_t left; /* index of the left child in the forest; the right child is left + 1 */
} Node;

/* The compact walk's node. A numerical split's threshold is its index among its column's distinct
   thresholds (sorted) and a row's value is its rank (how many of them are below it), so "x > t_k"
   is "rank > k" exactly. A categorical split (CAT16 in col) reads the category in the row (0..31,
   or 32 for every value that goes right) and goes right unless that bit of its one-word bitset is
   set. A leaf reads column n_cols (rank 0) against 0xFFFF: it stays put, like a Node leaf. Fits a
   model of fewer than 0x7FFF columns, fewer than 0xFFFF distinct thresholds per column and of
   categorical splits, one-word bitsets, no column both categorical and numerical. */
#define CAT16 0x8000u
typedef struct {
    int32_t left; /* as Node.left (the same index) */
    uint16_t col, arg; /* arg: the threshold's rank, or the categorical split's index in cbits */
} CNode;

typedef struct {
    PyObject_HEAD
    Node *nodes;
    uint32_t *cat_bits;
    int32_t *roots;       /* per tree: the index of its root (a leaf for a one-leaf tree) */
    int32_t *col_feature; /* per prepared column: its feature and variant */
    uint8_t *col_variant;
    Py_ssize_t n_trees, n_entries, n_cat_bits, n_features, n_cols; /* column n_cols: the leaves' NaN */
    int sigmoid_output; /* 1: binary objective, apply the sigmoid; 0: raw scores */
    /* the compact walk: NULL when the model does not fit it (see CNode) */
    CNode *cnodes;
    uint32_t *cbits;                 /* per categorical split: its bitset */
    double *col_thr;                 /* per numerical column c: its distinct thresholds, sorted, */
    int32_t *col_thr_off, *col_thr_n; /* col_thr_n[c] of them from col_thr[col_thr_off[c]] */
    uint8_t *col_is_cat;
    double sigmoid;
} Forest;

/* LightGBM's categorical split: NaN right; static_cast<int>(x) < 0 right (on x86 an out-of-range
   cast gives INT_MIN, so values >= 2^31 and infinities go right too); else left iff the bit is set */
static inline int categorical_right(const Node *nd, double x, const uint32_t *cat_bits) {
    if (!(x > -1.0 && x < 2147483648.0)) return 1;
    uint32_t c = (uint32_t)(int32_t)x;
    uint32_t word = c / 32u;
    if (word >= nd->u.cat.words) return 1;
    return !((cat_bits[nd->u.cat.start + word] >> (c % 32u)) & 1u);
}

static inline const Node *step(const Node *nodes, const Node *nd, const double *row, const uint32_t *cat_bits) {
    int32_t col = nd->col;
    int right = col & CATEGORICAL_NODE ? categorical_right(nd, row[col & ~CATEGORICAL_NODE], cat_bits)
                                       : row[col] > nd->u.value;
    return nodes + nd->left + right;
}

/* The scores of LOCKSTEP rows for one tree (row pointers may repeat for a short last group). */
static inline void walk_lockstep(const Forest *f, Py_ssize_t t, const double *const *rows, double *values) {
    const Node *nodes = f->nodes, *nd[LOCKSTEP];
    for (int k = 0; k < LOCKSTEP; k++) nd[k] = nodes + f->roots[t];
    int32_t leaf_col = (int32_t)f->n_cols;
    for (;;) {
        int done = 1;
        for (int k = 0; k < LOCKSTEP; k++) done &= nd[k]->col == leaf_col;
        if (done) break;
        for (int k = 0; k < LOCKSTEP; k++) nd[k] = step(nodes, nd[k], rows[k], f->cat_bits);
    }
    for (int k = 0; k < LOCKSTEP; k++) values[k] = nd[k]->u.value;
}

/* The compact walk of a tree block: rows are a prepared row's ranks (see CNode), row pointers may
   repeat for a short last group; each row's sum runs over the trees in model order, as above. */
static void walk_compact(const Forest *f, Py_ssize_t t0, Py_ssize_t t1, const uint16_t *ranks, size_t width,
                         Py_ssize_t n, double *sums) {
    const CNode *cn = f->cnodes;
    const uint32_t *cbits = f->cbits;
    uint16_t leaf_col = (uint16_t)f->n_cols;
    for (Py_ssize_t r0 = 0; r0 < n; r0 += COMPACT_LOCKSTEP) {
        const uint16_t *group[COMPACT_LOCKSTEP];
        int k_used = n - r0 < COMPACT_LOCKSTEP ? (int)(n - r0) : COMPACT_LOCKSTEP;
        for (int k = 0; k < COMPACT_LOCKSTEP; k++) group[k] = ranks + (size_t)(r0 + (k < k_used ? k : 0)) * width;
        double acc[COMPACT_LOCKSTEP];
        for (int k = 0; k < k_used; k++) acc[k] = sums[r0 + k];
        for (Py_ssize_t t = t0; t < t1; t++) {
            int32_t idx[COMPACT_LOCKSTEP];
            for (int k = 0; k < COMPACT_LOCKSTEP; k++) idx[k] = f->roots[t];
            for (;;) {
                int done = 1;
                for (int k = 0; k < COMPACT_LOCKSTEP; k++) {
                    CNode w = cn[idx[k]];
                    done &= w.col == leaf_col;
                    int right;
                    if (__builtin_expect(w.col & CAT16, 0))
                        right = !(((uint64_t)cbits[w.arg] >> group[k][w.col & ~CAT16]) & 1u);
                    else
                        right = group[k][w.col] > w.arg;
                    idx[k] = w.left + right;
                }
                if (done) break;
            }
            for (int k = 0; k < k_used; k++) acc[k] += f->nodes[idx[k]].u.value;
        }
        for (int k = 0; k < k_used; k++) sums[r0 + k] = acc[k];
    }
}

/* ------------------------------------------------------------------ construction and checks */

typedef struct {
    Py_buffer view;
    int held;
} Buf;

static void release_all(Buf *bufs, int n) {
    for (int i = 0; i < n; i++)
        if (bufs[i].held) PyBuffer_Release(&bufs[i].view);
}

/* whether a buffer's struct format is ``fmt`` in native byte order ("d", "@d", "=d"; "<d" here) */
static int format_is(const Py_buffer *view, const char *fmt) {
    const char *got = view->format ? view->format : "B";
    const uint16_t probe = 1;
    int little = *(const uint8_t *)&probe == 1;
    if (got[0] == '@' || got[0] == '=' || (got[0] == '<' && little) || (got[0] == '>' && !little)) got++;
    return strcmp(got, fmt) == 0;
}

/* a 1-d C-contiguous buffer whose items have the struct format ``fmt`` (e.g. "i", "d", "B", "I") */
static int get_array(PyObject *obj, const char *name, const char *fmt, Py_ssize_t itemsize, Buf *out) {
    if (PyObject_GetBuffer(obj, &out->view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    out->held = 1;
    if (out->view.ndim > 1 || out->view.itemsize != itemsize || !format_is(&out->view, fmt)) {
        PyErr_Format(PyExc_ValueError, "Forest: %s must be a flat array of format '%s' (got '%s', %zd-byte items)",
                     name, fmt, out->view.format ? out->view.format : "B", out->view.itemsize);
        return -1;
    }
    return 0;
}

static void Forest_dealloc(Forest *self) {
    free(self->nodes);
    free(self->cat_bits);
    free(self->roots);
    free(self->col_feature);
    free(self->col_variant);
    free(self->cnodes);
    free(self->cbits);
    free(self->col_thr);
    free(self->col_thr_off);
    free(self->col_thr_n);
    free(self->col_is_cat);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The compact layout (CNode) of a built forest when the model fits it; else cnodes stays NULL.
   -1 (an exception set) only when out of memory. */
static int build_compact(Forest *self) {
    Py_ssize_t nc = self->n_cols, ne = self->n_entries, n_cat = 0;
    if (nc >= 0x7FFF) return 0;
    int32_t *count = self->col_thr_n = calloc((size_t)nc + 1, sizeof(int32_t));
    uint8_t *is_cat = self->col_is_cat = calloc((size_t)nc + 1, 1);
    uint8_t *numerical = calloc((size_t)nc + 1, 1);
    self->col_thr_off = malloc(sizeof(int32_t) * ((size_t)nc + 1));
    if (!count || !is_cat || !numerical || !self->col_thr_off) goto oom;
    for (Py_ssize_t i = 0; i < ne; i++) {
        const Node *nd = &self->nodes[i];
        if (nd->col == (int32_t)nc) continue; /* a leaf */
        if (nd->col & CATEGORICAL_NODE) {
            if (nd->u.cat.words > 1) goto unfit;
            is_cat[nd->col & ~CATEGORICAL_NODE] = 1;
            n_cat++;
        } else {
            numerical[nd->col] = 1;
            count[nd->col]++;
        }
    }
    if (n_cat >= 0xFFFF) goto unfit;
    for (Py_ssize_t c = 0; c < nc; c++)
        if (is_cat[c] && numerical[c]) goto unfit;
    self->col_thr_off[0] = 0;
    for (Py_ssize_t c = 0; c < nc; c++) self->col_thr_off[c + 1] = self->col_thr_off[c] + count[c];
    self->col_thr = malloc(sizeof(double) * ((size_t)self->col_thr_off[nc] + 1));
    self->cbits = malloc(sizeof(uint32_t) * ((size_t)n_cat + 1));
    self->cnodes = malloc(sizeof(CNode) * (size_t)ne);
    if (!self->col_thr || !self->cbits || !self->cnodes) goto oom;
    memset(count, 0, sizeof(int32_t) * ((size_t)nc + 1));
    for (Py_ssize_t i = 0; i < ne; i++) {
        const Node *nd = &self->nodes[i];
        if (nd->col != (int32_t)nc && !(nd->col & CATEGORICAL_NODE))
            self->col_thr[self->col_thr_off[nd->col] + count[nd->col]++] = nd->u.value;
    }
    for (Py_ssize_t c = 0; c < nc; c++) { /* sorted, the distinct ones first: count[c] of them */
        double *t = self->col_thr + self->col_thr_off[c];
        qsort(t, (size_t)count[c], sizeof(double), cmp_double);
        int32_t k = 0;
        for (int32_t j = 0; j < count[c]; j++)
            if (k == 0 || t[j] != t[k - 1]) t[k++] = t[j];
        if (k >= 0xFFFF) goto unfit;
        count[c] = k;
    }
    uint16_t cat = 0;
    for (Py_ssize_t i = 0; i < ne; i++) {
        const Node *nd = &self->nodes[i];
        CNode *cn = &self->cnodes[i];
        cn->left = nd->left;
        if (nd->col == (int32_t)nc) {
            cn->col = (uint16_t)nc;
            cn->arg = 0xFFFF;
        } else if (nd->col & CATEGORICAL_NODE) {
            self->cbits[cat] = nd->u.cat.words ? self->cat_bits[nd->u.cat.start] : 0u;
            cn->col = (uint16_t)((nd->col & ~CATEGORICAL_NODE) | CAT16);
            cn->arg = cat++;
        } else { /* the threshold's index among its column's distinct thresholds */
            const double *t = self->col_thr + self->col_thr_off[nd->col];
            int32_t lo = 0, hi = count[nd->col] - 1;
            while (lo < hi) {
                int32_t mid = (lo + hi) / 2;
                if (t[mid] < nd->u.value) lo = mid + 1;
                else hi = mid;
            }
            cn->col = (uint16_t)nd->col;
            cn->arg = (uint16_t)lo;
        }
    }
    free(numerical);
    return 0;
unfit: /* nothing of the compact layout is kept */
    free(self->cnodes);
    free(self->cbits);
    free(self->col_thr);
    free(self->col_thr_off);
    free(self->col_thr_n);
    free(self->col_is_cat);
    self->cnodes = NULL;
    self->cbits = NULL;
    self->col_thr = NULL;
    self->col_thr_off = self->col_thr_n = NULL;
    self->col_is_cat = NULL;
    free(numerical);
    return 0;
oom:
    free(numerical);
    PyErr_NoMemory();
    return -1;
}

#define FAIL(...) do { PyErr_Format(PyExc_ValueError, __VA_ARGS__); goto fail; } while (0)

/* Forest(node_offsets, leaf_offsets, feature, decision_type, threshold, left, right, cat_start,
   cat_words, leaf_value, cat_bits, n_features, sigmoid[, compact]): LightGBM's per-tree arrays
   concatenated (children as LightGBM numbers them inside their tree: >= 0 a node, < 0 ~leaf);
   trees.py builds them. compact=False leaves the compact walk unused (tests compare the two walks). */
static PyObject *Forest_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"node_offsets", "leaf_offsets", "feature", "decision_type", "threshold",
                             "left", "right", "cat_start", "cat_words", "leaf_value", "cat_bits",
                             "n_features", "sigmoid", "compact", NULL};
    PyObject *objs[11];
    Py_ssize_t n_features;
    PyObject *sigmoid_obj;
    int compact = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOOOOOOnO|p:Forest", kwlist, &objs[0], &objs[1], &objs[2],
                                     &objs[3], &objs[4], &objs[5], &objs[6], &objs[7], &objs[8], &objs[9],
                                     &objs[10], &n_features, &sigmoid_obj, &compact))
        return NULL;
    static const char *names[11] = {"node_offsets", "leaf_offsets", "feature", "decision_type", "threshold",
                                    "left", "right", "cat_start", "cat_words", "leaf_value", "cat_bits"};
    static const char *formats[11] = {"i", "i", "i", "B", "d", "i", "i", "I", "I", "d", "I"};
    static const Py_ssize_t sizes[11] = {4, 4, 4, 1, 8, 4, 4, 4, 4, 8, 4};
    Buf bufs[11];
    memset(bufs, 0, sizeof bufs);
    Forest *self = NULL;
    int32_t *queue = NULL; /* breadth-first order of one tree: >= 0 a node, < 0 ~leaf (local ids) */
    uint8_t *placed = NULL;
    int32_t *col_of = NULL; /* [variant * n_features + feature] -> prepared column, -1: none yet */
    for (int i = 0; i < 11; i++)
        if (get_array(objs[i], names[i], formats[i], sizes[i], &bufs[i]) < 0) goto fail;

    const int32_t *node_off = bufs[0].view.buf, *leaf_off = bufs[1].view.buf, *feature = bufs[2].view.buf;
    const uint8_t *dtype = bufs[3].view.buf;
    const double *threshold = bufs[4].view.buf;
    const int32_t *left = bufs[5].view.buf, *right = bufs[6].view.buf;
    const uint32_t *cat_start = bufs[7].view.buf, *cat_words = bufs[8].view.buf;
    const double *leaf_value = bufs[9].view.buf;
    const uint32_t *cat_bits = bufs[10].view.buf;
    Py_ssize_t n_off = bufs[0].view.len / 4;
    Py_ssize_t n_nodes = bufs[2].view.len / 4, n_leaves = bufs[9].view.len / 8, n_bits = bufs[10].view.len / 4;

    if (n_off < 2 || bufs[1].view.len / 4 != n_off) FAIL("Forest: node_offsets and leaf_offsets need one entry per tree plus one");
    if (n_nodes + n_leaves >= INT32_MAX || n_bits >= UINT32_MAX) FAIL("Forest: too many nodes");
    for (int i = 3; i <= 8; i++)
        if (bufs[i].view.len / sizes[i] != n_nodes) FAIL("Forest: %s has %zd items for %zd nodes", names[i], bufs[i].view.len / sizes[i], n_nodes);
    if (n_features < 1 || n_features > MAX_FEATURES) FAIL("Forest: n_features must be in 1..%d", MAX_FEATURES);
    if (sigmoid_obj != Py_None && !PyFloat_Check(sigmoid_obj)) FAIL("Forest: sigmoid must be a float or None");
    Py_ssize_t n_trees = n_off - 1;
    if (node_off[0] != 0 || leaf_off[0] != 0 || node_off[n_trees] != n_nodes || leaf_off[n_trees] != n_leaves)
        FAIL("Forest: the offsets do not cover the node and leaf arrays");

    self = (Forest *)type->tp_alloc(type, 0);
    if (self == NULL) goto fail;
    self->n_trees = n_trees;
    self->n_entries = n_nodes + n_leaves;
    self->n_cat_bits = n_bits;
    self->n_features = n_features;
    self->sigmoid_output = sigmoid_obj != Py_None;
    self->sigmoid = self->sigmoid_output ? PyFloat_AsDouble(sigmoid_obj) : 0.0;
    self->nodes = malloc(sizeof(Node) * (size_t)self->n_entries);
    self->cat_bits = malloc(sizeof(uint32_t) * (size_t)(n_bits ? n_bits : 1));
    self->roots = malloc(sizeof(int32_t) * (size_t)n_trees);
    self->col_feature = malloc(sizeof(int32_t) * (size_t)(N_VARIANTS * n_features));
    self->col_variant = malloc((size_t)(N_VARIANTS * n_features));
    queue = malloc(sizeof(int32_t) * (size_t)self->n_entries);
    placed = malloc((size_t)self->n_entries);
    col_of = malloc(sizeof(int32_t) * (size_t)(N_VARIANTS * n_features));
    if (!self->nodes || !self->cat_bits || !self->roots || !self->col_feature || !self->col_variant || !queue
        || !placed || !col_of) {
        PyErr_NoMemory();
        goto fail;
    }
    memcpy(self->cat_bits, cat_bits, sizeof(uint32_t) * (size_t)n_bits);
    for (Py_ssize_t i = 0; i < N_VARIANTS * n_features; i++) col_of[i] = -1;
    int32_t base = 0; /* the tree's first entry in self->nodes */
    for (Py_ssize_t t = 0; t < n_trees; t++) {
        int32_t nb = node_off[t], ne = node_off[t + 1], lb = leaf_off[t], le = leaf_off[t + 1];
        if (nb > ne || lb > le || ne > n_nodes || le > n_leaves) FAIL("Forest: tree %zd: offsets out of order", t);
        int32_t nn = ne - nb, nl = le - lb, size = nn + nl;
        /* a binary tree: one leaf more than internal nodes (a one-leaf tree has no node) */
        if (nl != nn + 1) FAIL("Forest: tree %zd has %d nodes but %d leaves", t, nn, nl);
        memset(placed, 0, (size_t)size); /* [0, nn): nodes, [nn, size): leaves */
        int32_t head = 0, tail = 1;
        queue[0] = nn ? 0 : ~0;
        placed[0] = 1; /* the root: node 0, or leaf 0 (slot nn = 0) of a one-leaf tree */
        self->roots[t] = base;
        for (; head < tail; head++) {
            int32_t id = queue[head];
            Node *nd = &self->nodes[base + head];
            if (id < 0) {
                nd->u.value = leaf_value[lb + ~id];
                nd->col = -1; /* set below, once the number of columns is known */
                nd->left = base + head;
                continue;
            }
            int32_t i = nb + id;
            int dt = dtype[i], missing = (dt >> 2) & 3, default_left = (dt & DEFAULT_LEFT_MASK) != 0;
            if (feature[i] < 0 || feature[i] >= n_features) FAIL("Forest: tree %zd node %d: feature %d out of range", t, id, feature[i]);
            if ((dt & ~0x0F) || missing == 3) FAIL("Forest: tree %zd node %d: unknown decision_type %d", t, id, dt);
            int32_t kids[2] = {left[i], right[i]};
            for (int k = 0; k < 2; k++) {
                int32_t c = kids[k], slot = c >= 0 ? c : nn + ~c;
                if ((c >= 0 && c >= nn) || (c < 0 && ~c >= nl)) FAIL("Forest: tree %zd node %d: child %d out of range", t, id, c);
                /* each node and leaf has one parent: no cycles, so every walk ends at a leaf */
                if (placed[slot]) FAIL("Forest: tree %zd node %d: child %d reached twice", t, id, c);
                placed[slot] = 1;
                queue[tail++] = c;
            }
            nd->left = base + tail - 2;
            int variant;
            if (dt & CATEGORICAL_MASK) {
                if (cat_start[i] > (uint32_t)n_bits || cat_words[i] > (uint32_t)n_bits - cat_start[i])
                    FAIL("Forest: tree %zd node %d: category bitset out of range", t, id);
                nd->u.cat.start = cat_start[i];
                nd->u.cat.words = cat_words[i];
                variant = NAN_RIGHT;
            } else {
                if (isnan(threshold[i])) FAIL("Forest: tree %zd node %d: threshold is NaN", t, id);
                /* LightGBM writes +inf for "every value left, missing right" (a column NaN on some rows):
                   inputs are clamped to the finite range below, so DBL_MAX splits them as inf does */
                nd->u.value = threshold[i] > DBL_MAX ? DBL_MAX : threshold[i] < -DBL_MAX ? -DBL_MAX : threshold[i];
                variant = missing == MISSING_NONE ? PLAIN
                        : missing == MISSING_NAN ? (default_left ? NAN_LEFT : NAN_RIGHT)
                        : (default_left ? ZERO_LEFT : ZERO_RIGHT);
            }
            int32_t *col = &col_of[variant * n_features + feature[i]];
            if (*col < 0) {
                *col = (int32_t)self->n_cols;
                self->col_feature[self->n_cols] = feature[i];
                self->col_variant[self->n_cols] = (uint8_t)variant;
                self->n_cols++;
            }
            nd->col = *col | ((dt & CATEGORICAL_MASK) ? CATEGORICAL_NODE : 0);
        }
        if (tail != size) FAIL("Forest: tree %zd: %d of its %d nodes and leaves are unreachable", t, size - tail, size);
        base += size;
    }
    for (Py_ssize_t i = 0; i < self->n_entries; i++)
        if (self->nodes[i].col == -1) self->nodes[i].col = (int32_t)self->n_cols;
    if (compact && build_compact(self) < 0) goto fail;
    free(queue);
    free(placed);
    free(col_of);
    release_all(bufs, 11);
    return (PyObject *)self;

fail:
    free(queue);
    free(placed);
    free(col_of);
    release_all(bufs, 11);
    Py_XDECREF(self);
    return NULL;
}

/* ------------------------------------------------------------------ prediction */

static PyObject *Forest_predict(Forest *self, PyObject *args) {
    PyObject *x_obj, *out_obj;
    if (!PyArg_ParseTuple(args, "OO:predict", &x_obj, &out_obj)) return NULL;
    Py_buffer xv, ov;
    if (PyObject_GetBuffer(x_obj, &xv, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    if (PyObject_GetBuffer(out_obj, &ov, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) < 0) {
        PyBuffer_Release(&xv);
        return NULL;
    }
    PyObject *result = NULL;
    double *rows = NULL, *sums = NULL;
    uint16_t *ranks = NULL;
    if (xv.ndim != 2 || xv.itemsize != 8 || !format_is(&xv, "d")) {
        PyErr_SetString(PyExc_ValueError, "predict: X must be a C-contiguous 2-d float64 array");
        goto done;
    }
    if (xv.shape[1] != self->n_features) {
        PyErr_Format(PyExc_ValueError, "predict: X has %zd features, the model %zd", xv.shape[1], self->n_features);
        goto done;
    }
    Py_ssize_t n = xv.shape[0];
    if (ov.itemsize != 8 || !format_is(&ov, "d") || ov.len != n * 8) {
        PyErr_SetString(PyExc_ValueError, "predict: out must be a float64 array with one item per row of X");
        goto done;
    }
    size_t width = (size_t)self->n_cols + 1, nf = (size_t)self->n_features;
    rows = malloc(sizeof(double) * (n ? (size_t)n : 1) * width);
    sums = calloc((size_t)(n ? n : 1), sizeof(double));
    if (self->cnodes) ranks = malloc(sizeof(uint16_t) * (n ? (size_t)n : 1) * width);
    if (!rows || !sums || (self->cnodes && !ranks)) {
        PyErr_NoMemory();
        goto done;
    }
    const double *x = xv.buf;
    double *out = ov.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t r = 0; r < n; r++) {
        double *row = rows + (size_t)r * width;
        for (Py_ssize_t c = 0; c < self->n_cols; c++) {
            double v = x[(size_t)r * nf + (size_t)self->col_feature[c]];
            /* LightGBM's row reader keeps only |x| > kZeroThreshold and NaN */
            if (!(fabs(v) > kZeroThreshold) && !isnan(v)) v = 0.0;
            /* an infinite input meets an infinite threshold as LightGBM's x <= t does: inf <= inf */
            else if (v > DBL_MAX) v = DBL_MAX;
            else if (v < -DBL_MAX) v = -DBL_MAX;
            switch (self->col_variant[c]) {
            case PLAIN: if (isnan(v)) v = 0.0; break;
            case NAN_LEFT: if (isnan(v)) v = -INFINITY; break;
            case NAN_RIGHT: if (isnan(v)) v = INFINITY; break;
            case ZERO_LEFT: if (isnan(v) || v == 0.0) v = -INFINITY; break;
            default: if (isnan(v) || v == 0.0) v = INFINITY; break;
            }
            row[c] = v;
        }
        row[self->n_cols] = NAN; /* read by the leaves: NaN > value is false, a leaf stays put */
        if (!ranks) continue;
        uint16_t *q = ranks + (size_t)r * width; /* the compact walk's row (see CNode) */
        for (Py_ssize_t c = 0; c < self->n_cols; c++) {
            double v = row[c]; /* never NaN here: the variants replaced it */
            if (self->col_is_cat[c]) {
                q[c] = v > -1.0 && v < 32.0 ? (uint16_t)(int32_t)v : 32;
                continue;
            }
            const double *t = self->col_thr + self->col_thr_off[c], *base = t;
            int32_t len = self->col_thr_n[c];
            while (len > 1) { /* branch-free lower bound: how many thresholds are below v */
                int32_t half = len / 2;
                base = base[half] < v ? base + half : base;
                len -= half;
            }
            q[c] = (uint16_t)((base - t) + (len == 1 && *base < v));
        }
        q[self->n_cols] = 0;
    }
    for (Py_ssize_t t0 = 0; t0 < self->n_trees; t0 += TREE_BLOCK) {
        Py_ssize_t t1 = t0 + TREE_BLOCK < self->n_trees ? t0 + TREE_BLOCK : self->n_trees;
        if (ranks) {
            walk_compact(self, t0, t1, ranks, width, n, sums);
            continue;
        }
        for (Py_ssize_t r0 = 0; r0 < n; r0 += LOCKSTEP) {
            const double *group[LOCKSTEP];
            int k_used = n - r0 < LOCKSTEP ? (int)(n - r0) : LOCKSTEP;
            for (int k = 0; k < LOCKSTEP; k++) group[k] = rows + (size_t)(r0 + (k < k_used ? k : 0)) * width;
            double acc[LOCKSTEP], values[LOCKSTEP];
            for (int k = 0; k < k_used; k++) acc[k] = sums[r0 + k];
            for (Py_ssize_t t = t0; t < t1; t++) { /* each row's sum runs over the trees in model order */
                walk_lockstep(self, t, group, values);
                for (int k = 0; k < k_used; k++) acc[k] += values[k];
            }
            for (int k = 0; k < k_used; k++) sums[r0 + k] = acc[k];
        }
    }
    for (Py_ssize_t r = 0; r < n; r++)
        out[r] = self->sigmoid_output ? 1.0 / (1.0 + exp(-self->sigmoid * sums[r])) : sums[r];
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);

done:
    free(rows);
    free(sums);
    free(ranks);
    PyBuffer_Release(&xv);
    PyBuffer_Release(&ov);
    return result;
}

static PyObject *Forest_get_n_trees(Forest *self, void *closure) {
    (void)closure;
    return PyLong_FromSsize_t(self->n_trees);
}

static PyObject *Forest_get_n_features(Forest *self, void *closure) {
    (void)closure;
    return PyLong_FromSsize_t(self->n_features);
}

static PyMethodDef Forest_methods[] = {
    {"predict", (PyCFunction)Forest_predict, METH_VARARGS,
     "predict(X, out): fill out (float64, one per row) with the scores of X (C-contiguous float64, n x n_features)"},
    {NULL, NULL, 0, NULL},
};

static PyObject *Forest_get_compact(Forest *self, void *closure) {
    (void)closure;
    return PyBool_FromLong(self->cnodes != NULL);
}

static PyGetSetDef Forest_getset[] = {
    {"compact", (getter)Forest_get_compact, NULL, "whether the compact walk scores this model", NULL},
    {"n_trees", (getter)Forest_get_n_trees, NULL, "number of trees", NULL},
    {"n_features", (getter)Forest_get_n_features, NULL, "number of input features", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject ForestType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cleaner.model._trees.Forest",
    .tp_basicsize = sizeof(Forest),
    .tp_dealloc = (destructor)Forest_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A LightGBM tree ensemble from flat arrays (see cleaner/model/trees.py)",
    .tp_methods = Forest_methods,
    .tp_getset = Forest_getset,
    .tp_new = Forest_new,
};

static struct PyModuleDef trees_module = {
    PyModuleDef_HEAD_INIT, "_trees", "Compiled LightGBM tree evaluation (bit-identical to LightGBM 4).", -1,
    NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__trees(void) {
    if (PyType_Ready(&ForestType) < 0) return NULL;
    PyObject *m = PyModule_Create(&trees_module);
    if (m == NULL) return NULL;
    if (PyModule_AddIntConstant(m, "ABI_VERSION", TREES_ABI_VERSION) < 0 ||
        PyModule_AddIntConstant(m, "TREE_BLOCK", TREE_BLOCK) < 0 ||
        PyModule_AddStringConstant(m, "SOURCE_SHA256", TREES_SOURCE_SHA256) < 0 ||
        PyModule_AddObjectRef(m, "Forest", (PyObject *)&ForestType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
