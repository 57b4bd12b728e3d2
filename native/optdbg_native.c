/*
 * optdbg_native: the NativeKernels of src/engine/native/kernels.ts as an N-API addon.
 *
 * BLAS is not linked: open() dlopens an optimized BLAS already on the machine (OpenBLAS, MKL,
 * BLIS, Apple Accelerate), so the addon builds without BLAS headers or dev packages and a machine
 * without any BLAS still loads it and gets a sentence saying why there are no kernels.
 *
 * sumSquares/diffSquares must give the same bits as src/engine/native/reference.ts (a step
 * statistic must not depend on which path computed it): float64 sums, four accumulators combined
 * in the reference's order. That needs strict IEEE evaluation: no -ffast-math, and no contraction of a*a + s into
 * an FMA (which rounds once instead of twice); binding.gyp passes -ffp-contract=off as well.
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GCC ignores this pragma (binding.gyp's -ffp-contract=off covers it); clang honours it. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

/* CBLAS enum values (cblas.h), fixed by the standard: declared here so no header is needed. */
enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };

typedef void (*sgemm_fn)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c,
                         int ldc);

/* Per JS environment (main thread and each worker thread load the addon separately). */
typedef struct {
  sgemm_fn sgemm;
  char library[256];
  size_t update_isa; /* index into UPDATE_ISAS */
} instance_t;

#define MAX_ERROR 2048

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                      */

static napi_value throw_error(napi_env env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static napi_value throw_error(napi_env env, const char *fmt, ...) {
  char msg[MAX_ERROR];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, NULL, msg);
  return NULL;
}

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) return throw_error(env, "%s failed", #call); \
  } while (0)

/* Declares argv with the call's first N arguments and argc with how many came; throws USAGE when fewer than LEAST. */
#define GET_ARGS(N, LEAST, USAGE)                                \
  size_t argc = (N);                                             \
  napi_value argv[(N)];                                          \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));   \
  if (argc < (LEAST)) return throw_error(env, "%s", (USAGE))

/* ------------------------------------------------------------------------------------------ */
/* Finding a BLAS                                                                              */

static const char *const DEFAULT_LIBRARIES[] = {
#ifdef __APPLE__
    "/System/Library/Frameworks/Accelerate.framework/Accelerate",
    "libopenblas.dylib",
    "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
    "/usr/local/opt/openblas/lib/libopenblas.dylib",
#else
    "libopenblas.so.0",
    "libopenblas.so",
    "libmkl_rt.so.2",
    "libmkl_rt.so",
    "libblis.so.4",
    "libblis.so",
#endif
    NULL,
};

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* dlerror() messages start with the path again; keep the part after it for a shorter sentence. */
static const char *dl_reason(const char *path) {
  const char *e = dlerror();
  if (!e) return "unknown error";
  size_t n = strlen(path);
  if (strncmp(e, path, n) == 0 && e[n] == ':' && e[n + 1] == ' ') return e + n + 2;
  return e;
}

/*
 * One thread: the training worker is one thread and the benchmark compares against PyTorch on
 * one thread; a BLAS spreading a 64-row matmul over cores only adds synchronization. Also names
 * the library (with its version when it can tell) into `out`.
 */
static void single_thread_and_name(void *h, const char *path, char *out, size_t size) {
  const char *file = base_name(path);
  void (*openblas_threads)(int) = (void (*)(int))dlsym(h, "openblas_set_num_threads");
  if (openblas_threads) {
    openblas_threads(1);
    char *(*config)(void) = (char *(*)(void))dlsym(h, "openblas_get_config");
    char *(*corename)(void) = (char *(*)(void))dlsym(h, "openblas_get_corename");
    char version[64] = "OpenBLAS";
    if (config) {
      /* "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64": the first two words. */
      const char *c = config();
      const char *sp = c ? strchr(c, ' ') : NULL;
      if (sp && strncmp(c, "OpenBLAS", 8) == 0) {
        size_t len = strcspn(sp + 1, " ");
        snprintf(version, sizeof version, "OpenBLAS %.*s", (int)len, sp + 1);
      }
    }
    const char *core = corename ? corename() : NULL;
    if (core && *core)
      snprintf(out, size, "%s %s (%s)", version, core, file);
    else
      snprintf(out, size, "%s (%s)", version, file);
    return;
  }
  void (*mkl_threads)(int) = (void (*)(int))dlsym(h, "MKL_Set_Num_Threads");
  if (mkl_threads) {
    mkl_threads(1);
    void (*mkl_version)(char *, int) = (void (*)(char *, int))dlsym(h, "MKL_Get_Version_String");
    char v[200] = "";
    if (mkl_version) mkl_version(v, (int)sizeof v);
    /* "Intel(R) oneAPI Math Kernel Library Version 2024.0-Product Build …": keep the number. */
    const char *at = strstr(v, "Version ");
    if (at)
      snprintf(out, size, "MKL %.*s (%s)", (int)strcspn(at + 8, " -"), at + 8, file);
    else
      snprintf(out, size, "MKL (%s)", file);
    return;
  }
  /* BLIS: dim_t is a 64-bit integer in every default build. */
  void (*blis_threads)(int64_t) = (void (*)(int64_t))dlsym(h, "bli_thread_set_num_threads");
  if (blis_threads) {
    blis_threads(1);
    const char *(*blis_version)(void) = (const char *(*)(void))dlsym(h, "bli_info_get_version_str");
    const char *v = blis_version ? blis_version() : NULL;
    if (v && *v)
      snprintf(out, size, "BLIS %s (%s)", v, file);
    else
      snprintf(out, size, "BLIS (%s)", file);
    return;
  }
  /* Accelerate (macOS 15+): a per-thread switch, so open() runs on the thread that calls sgemm. */
  int (*accelerate_threads)(int) = (int (*)(int))dlsym(h, "BLASSetThreading");
  if (strstr(path, "Accelerate.framework")) {
    if (accelerate_threads) accelerate_threads(1 /* BLAS_THREADING_SINGLE_THREADED */);
    snprintf(out, size, "Accelerate (%s)", file);
    return;
  }
  snprintf(out, size, "BLAS (%s)", file);
}

/* Tries one library: 1 with the instance filled in, 0 with `why` appended to `tried`. */
static int try_library(instance_t *inst, const char *path, char *tried, size_t tried_size) {
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  const char *why = NULL;
  if (!h) {
    why = dl_reason(path);
  } else {
    sgemm_fn f = (sgemm_fn)dlsym(h, "cblas_sgemm");
    if (f) {
      inst->sgemm = f;
      single_thread_and_name(h, path, inst->library, sizeof inst->library);
      return 1;
    }
    why = "no cblas_sgemm in it";
    dlclose(h);
  }
  size_t used = strlen(tried);
  snprintf(tried + used, tried_size - used, "%s%s (%s)", used ? ", " : "", path, why);
  return 0;
}

/*
 * open(path?: string): string. With a path (OPTIMIZER_DEBUGGER_BLAS) only that library: the user
 * asked for it, and silently using another would make comparisons lie. Without, the first of
 * DEFAULT_LIBRARIES that has cblas_sgemm. Returns the library's description; throws
 * "no BLAS library found: tried …" otherwise. The previous choice stays when this one fails.
 */
static napi_value open_blas(napi_env env, napi_callback_info info) {
  instance_t *inst = NULL;
  CHECK(napi_get_instance_data(env, (void **)&inst));
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[1024] = "";
  if (argc >= 1) {
    napi_valuetype t;
    CHECK(napi_typeof(env, argv[0], &t));
    if (t == napi_string) {
      size_t len = 0;
      CHECK(napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len));
      if (len >= sizeof path - 1) return throw_error(env, "BLAS library path too long");
    } else if (t != napi_undefined && t != napi_null) {
      return throw_error(env, "open(path): path must be a string");
    }
  }
  instance_t next = {0};
  char tried[MAX_ERROR] = "";
  int ok = 0;
  if (path[0]) {
    ok = try_library(&next, path, tried, sizeof tried);
    if (!ok) return throw_error(env, "cannot use BLAS library %s", tried);
  } else {
    for (const char *const *lib = DEFAULT_LIBRARIES; *lib && !ok; lib++)
      ok = try_library(&next, *lib, tried, sizeof tried);
    if (!ok) return throw_error(env, "no BLAS library found: tried %s", tried);
  }
  *inst = next;
  napi_value result;
  CHECK(napi_create_string_utf8(env, inst->library, NAPI_AUTO_LENGTH, &result));
  return result;
}

/* ------------------------------------------------------------------------------------------ */
/* Argument checks: a bad size must be a JS error, never a read or write out of bounds.        */

static int get_float32(napi_env env, napi_value v, const char *name, float **data, size_t *len) {
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) {
    throw_error(env, "%s must be a Float32Array", name);
    return 0;
  }
  napi_typedarray_type type;
  void *p = NULL;
  if (napi_get_typedarray_info(env, v, &type, len, &p, NULL, NULL) != napi_ok || type != napi_float32_array) {
    throw_error(env, "%s must be a Float32Array", name);
    return 0;
  }
  /* napi_get_typedarray_info's data already points at the view's byteOffset. */
  *data = (float *)p;
  return 1;
}

/* A whole number in [min, INT32_MAX] (BLAS takes int sizes). */
static int get_int(napi_env env, napi_value v, const char *name, int64_t min, int *out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) {
    throw_error(env, "%s must be a number", name);
    return 0;
  }
  if (!(d >= (double)min && d <= (double)INT32_MAX && d == (double)(int64_t)d)) {
    throw_error(env, "%s must be an integer >= %lld, got %g", name, (long long)min, d);
    return 0;
  }
  *out = (int)d;
  return 1;
}

static int get_number(napi_env env, napi_value v, const char *name, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    throw_error(env, "%s must be a number", name);
    return 0;
  }
  return 1;
}

static int get_bool(napi_env env, napi_value v, const char *name, bool *out) {
  if (napi_get_value_bool(env, v, out) != napi_ok) {
    throw_error(env, "%s must be a boolean", name);
    return 0;
  }
  return 1;
}

/*
 * A `rows`×`cols` row-major matrix with row stride `ld` inside an array of `len` floats: needs
 * ld ≥ cols and (rows − 1)·ld + cols ≤ len (nothing when empty). `extent` gets the floats spanned.
 */
static int check_matrix(napi_env env, const char *name, int rows, int cols, int ld, size_t len, size_t *extent) {
  *extent = 0;
  if (ld < (cols > 1 ? cols : 1)) {
    throw_error(env, "ld%s = %d is less than the %d columns %s stores per row", name, ld, cols, name);
    return 0;
  }
  if (rows == 0 || cols == 0) return 1;
  uint64_t need = (uint64_t)(rows - 1) * (uint64_t)ld + (uint64_t)cols;
  if (need > (uint64_t)len) {
    throw_error(env, "%s holds %zu floats, a %d×%d matrix with row stride %d needs %llu", name, len, rows,
                cols, ld, (unsigned long long)need);
    return 0;
  }
  *extent = (size_t)need;
  return 1;
}

/* Whether the spans read (a) and written (c) share memory: BLAS results are undefined then. */
static int overlaps(const float *a, size_t na, const float *c, size_t nc) {
  return na > 0 && nc > 0 && a < c + nc && c < a + na;
}

/* sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc): C ← α·op(A)·op(B) + β·C. */
static napi_value sgemm(napi_env env, napi_callback_info info) {
  instance_t *inst = NULL;
  CHECK(napi_get_instance_data(env, (void **)&inst));
  if (!inst->sgemm) return throw_error(env, "sgemm: no BLAS library open (call open() first)");
  size_t argc = 13;
  napi_value argv[13];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 13) return throw_error(env, "sgemm takes 13 arguments, got %zu", argc);
  bool ta, tb;
  int m, n, k, lda, ldb, ldc;
  double alpha, beta;
  float *a, *b, *c;
  size_t na, nb, nc;
  if (!get_bool(env, argv[0], "transA", &ta) || !get_bool(env, argv[1], "transB", &tb) ||
      !get_int(env, argv[2], "m", 0, &m) || !get_int(env, argv[3], "n", 0, &n) ||
      !get_int(env, argv[4], "k", 0, &k) || !get_number(env, argv[5], "alpha", &alpha) ||
      !get_float32(env, argv[6], "a", &a, &na) || !get_int(env, argv[7], "lda", 1, &lda) ||
      !get_float32(env, argv[8], "b", &b, &nb) || !get_int(env, argv[9], "ldb", 1, &ldb) ||
      !get_number(env, argv[10], "beta", &beta) || !get_float32(env, argv[11], "c", &c, &nc) ||
      !get_int(env, argv[12], "ldc", 1, &ldc))
    return NULL;
  /* As stored: A is m×k (k×m when transposed), B is k×n (n×k when transposed), C is m×n. */
  size_t ea, eb, ec;
  if (!check_matrix(env, "a", ta ? k : m, ta ? m : k, lda, na, &ea) ||
      !check_matrix(env, "b", tb ? n : k, tb ? k : n, ldb, nb, &eb) || !check_matrix(env, "c", m, n, ldc, nc, &ec))
    return NULL;
  if (m == 0 || n == 0) return NULL;
  if (overlaps(a, ea, c, ec) || overlaps(b, eb, c, ec))
    return throw_error(env, "sgemm: c shares memory with a or b");
  inst->sgemm(CBLAS_ROW_MAJOR, ta ? CBLAS_TRANS : CBLAS_NO_TRANS, tb ? CBLAS_TRANS : CBLAS_NO_TRANS, m, n, k,
              (float)alpha, a, lda, b, ldb, (float)beta, c, ldc);
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Sums: the exact float64 order of reference.ts (sumSquaresJs, and diffSquares as stepSumsJs). */
/*
 * The four accumulators live as lanes of two-double vectors (SSE2 / NEON): each lane does the same
 * adds in the same order as its scalar twin, so the bits do not change, but the loop issues half
 * the instructions (diffSquares over 100k floats: 53 → 32 µs here). Longer vectors would not
 * help: each accumulator is one dependent chain of n/4 adds.
 */
typedef double v2d __attribute__((vector_size(16)));

static napi_value sum_squares(napi_env env, napi_callback_info info) {
  GET_ARGS(1, 1, "sumSquares(a) needs a Float32Array");
  float *a;
  size_t len;
  if (!get_float32(env, argv[0], "a", &a, &len)) return NULL;
  v2d s01 = {0, 0}, s23 = {0, 0};
  size_t n4 = len - (len % 4);
  for (size_t i = 0; i < n4; i += 4) {
    v2d x01 = {a[i], a[i + 1]};
    v2d x23 = {a[i + 2], a[i + 3]};
    s01 += x01 * x01;
    s23 += x23 * x23;
  }
  double s0 = s01[0];
  for (size_t i = n4; i < len; i++) {
    double x = a[i];
    s0 += x * x;
  }
  double total = s0 + s01[1] + s23[0] + s23[1];
  napi_value result;
  CHECK(napi_create_double(env, total, &result));
  return result;
}

static napi_value diff_squares(napi_env env, napi_callback_info info) {
  GET_ARGS(3, 3, "diffSquares(after, before, out) takes 3 arguments");
  float *after, *before;
  size_t na, nb;
  if (!get_float32(env, argv[0], "after", &after, &na) || !get_float32(env, argv[1], "before", &before, &nb))
    return NULL;
  if (na != nb) return throw_error(env, "diffSquares: after has %zu floats, before %zu", na, nb);
  bool is_typed = false;
  napi_typedarray_type type;
  size_t nout = 0;
  void *p = NULL;
  if (napi_is_typedarray(env, argv[2], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[2], &type, &nout, &p, NULL, NULL) != napi_ok ||
      type != napi_float64_array || nout < 2)
    return throw_error(env, "diffSquares: out must be a Float64Array of at least 2");
  double *out = (double *)p;
  v2d d01 = {0, 0}, d23 = {0, 0}, b01 = {0, 0}, b23 = {0, 0};
  size_t n4 = nb - (nb % 4);
  for (size_t i = 0; i < n4; i += 4) {
    v2d w01 = {before[i], before[i + 1]};
    v2d w23 = {before[i + 2], before[i + 3]};
    v2d e01 = (v2d){after[i], after[i + 1]} - w01;
    v2d e23 = (v2d){after[i + 2], after[i + 3]} - w23;
    d01 += e01 * e01;
    d23 += e23 * e23;
    b01 += w01 * w01;
    b23 += w23 * w23;
  }
  /* (0 + 2) + (1 + 3), then the tail, as the reference. */
  double d = (d01[0] + d23[0]) + (d01[1] + d23[1]);
  double w = (b01[0] + b23[0]) + (b01[1] + b23[1]);
  for (size_t i = n4; i < nb; i++) {
    double e = (double)after[i] - before[i];
    double x = before[i];
    d += e * e;
    w += x * x;
  }
  out[0] = d;
  out[1] = w;
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Optimizer updates: the WASM kernels of src/engine/fused/arrayKernels.wat, wider.            */
/*
 * The same float32 operations per element in the same order as the .wat and the JS loops of
 * src/engine/optimizers (sgd, momentum, adam), so the updated θ, velocity and moments have the same bits: every
 * vector op is one IEEE op per lane (no FMA: -ffp-contract=off and the pragma above; no
 * reciprocal approximations: no -ffast-math). WASM is 128-bit and V8's code for it is bound by
 * the instructions it issues; 512-bit (or 256-bit) lanes issue a quarter (half) of them, and
 * the step sums ride along in the divider's or the memory's shadow.
 *
 * With `out`, the update also sums Σg², Σ(θ' − θ)², Σθ² (θ as loaded) into out[0..2], as the
 * *Sums kernels do: float32 products summed in float32 by two vector accumulators per quantity
 * over blocks of 256 floats (8 adds per lane with AVX-512, 16 with AVX2, the .wat's 32), then in
 * float64; the tail (under two vectors) sums its float32 products in float64. So the error
 * analysis of the .wat holds with fewer roundings.
 */

enum { UPDATE_SGD, UPDATE_MOMENTUM, UPDATE_ADAM };

typedef struct {
  float *p, *v, *m, *vmax; /* v: momentum's velocity or Adam's second moment; vmax: AMSGrad or NULL */
  const float *g;
  size_t n;
  float a, mu;                      /* sgd, momentum */
  float b1, c1, b2, c2, s, k, eps;  /* adam (its arrayKernels.ts AdamConstants) */
  bool nesterov;
} update_t;

#define SUM_BLOCK 256

/* Math.max as JS (and WASM's f32.max) has it: NaN if either is NaN, +0 above −0. */
static inline float js_maxf(float a, float b) {
  if (a != a) return a;
  if (b != b) return b;
  if (a == b) {
    uint32_t x, y;
    memcpy(&x, &a, 4);
    memcpy(&y, &b, 4);
    x &= y; /* equal: the same bits, or ±0 where +0 wins */
    memcpy(&a, &x, 4);
    return a;
  }
  return a > b ? a : b;
}

/* One element, the JS loop's ops in order; returns θ', having stored the state. */
static inline __attribute__((always_inline)) float update1(const update_t *u, int kind, bool nesterov, bool ams, size_t i) {
  float p = u->p[i], g = u->g[i];
  if (kind == UPDATE_SGD) return p - u->a * g;
  if (kind == UPDATE_MOMENTUM) {
    float v = u->mu * u->v[i] + g;
    u->v[i] = v;
    float d = nesterov ? g + u->mu * v : v;
    return p - u->a * d;
  }
  float m = u->b1 * u->m[i] + u->c1 * g;
  float v = u->b2 * u->v[i] + (u->c2 * g) * g;
  u->m[i] = m;
  u->v[i] = v;
  if (ams) {
    v = js_maxf(u->vmax[i], v);
    u->vmax[i] = v;
  }
  return p + (u->s * m) / (sqrtf(v) / u->k + u->eps);
}

/* Elements [i, n) one at a time, their sums (float32 products) added to out in float64. */
static inline __attribute__((always_inline)) void update_tail(const update_t *u, int kind, bool nesterov, bool ams, size_t i,
                                                              double *out) {
  double sg = 0, sd = 0, sw = 0;
  for (; i < u->n; i++) {
    float p = u->p[i], g = u->g[i];
    float pn = update1(u, kind, nesterov, ams, i);
    u->p[i] = pn;
    if (out) {
      float d = pn - p;
      sg += (double)(g * g);
      sd += (double)(d * d);
      sw += (double)(p * p);
    }
  }
  if (out) {
    out[0] += sg;
    out[1] += sd;
    out[2] += sw;
  }
}

/*
 * One ISA's kernels (arguments after ISA, TARGET) from its vector type V of W floats, VACC of
 * float64 (VACC_ZERO) and these operations:
 * VLOAD/VSTORE (unaligned), VSET1, VZERO, VSQRT, VMAXJS (js_maxf per lane), VWIDEN(acc, x)
 * (acc: the float64 totals, x: a block's float32 sums) and VTOTAL(acc) (the float64 sum of acc).
 * + − × ÷ are GCC/clang vector operators: one IEEE op per lane.
 */
#define DEFINE_UPDATES(ISA, TARGET, V, W, VACC, VACC_ZERO, VLOAD, VSTORE, VSET1, VZERO, VSQRT, VMAXJS, VWIDEN, VTOTAL) \
  __attribute__((target(TARGET))) static inline __attribute__((always_inline)) V unit_##ISA(                 \
      const update_t *u, int kind, bool nesterov, bool ams, size_t i, V *gv, V *pv) {                        \
    V g = VLOAD(u->g + i), p = VLOAD(u->p + i);                                                              \
    *gv = g;                                                                                                 \
    *pv = p;                                                                                                 \
    if (kind == UPDATE_SGD) return p - VSET1(u->a) * g;                                                      \
    if (kind == UPDATE_MOMENTUM) {                                                                           \
      V mu = VSET1(u->mu);                                                                                   \
      V v = mu * VLOAD(u->v + i) + g;                                                                        \
      VSTORE(u->v + i, v);                                                                                   \
      V d = v;                                                                                               \
      if (nesterov) d = g + mu * v;                                                                          \
      return p - VSET1(u->a) * d;                                                                            \
    }                                                                                                        \
    V m = VSET1(u->b1) * VLOAD(u->m + i) + VSET1(u->c1) * g;                                                 \
    V v = VSET1(u->b2) * VLOAD(u->v + i) + (VSET1(u->c2) * g) * g;                                           \
    VSTORE(u->m + i, m);                                                                                     \
    VSTORE(u->v + i, v);                                                                                     \
    if (ams) {                                                                                               \
      v = VMAXJS(VLOAD(u->vmax + i), v);                                                                     \
      VSTORE(u->vmax + i, v);                                                                                \
    }                                                                                                        \
    return p + (VSET1(u->s) * m) / (VSQRT(v) / VSET1(u->k) + VSET1(u->eps));                                 \
  }                                                                                                          \
                                                                                                             \
  __attribute__((target(TARGET))) static inline __attribute__((always_inline)) void drive_##ISA(             \
      const update_t *u, int kind, bool nesterov, bool ams, double *out) {                                   \
    size_t i = 0, end = u->n - u->n % (2 * W);                                                               \
    VACC tg = VACC_ZERO, td = VACC_ZERO, tw = VACC_ZERO;                                                     \
    while (i < end) {                                                                                        \
      size_t stop = end - i < SUM_BLOCK ? end : i + SUM_BLOCK;                                               \
      V sg0 = VZERO, sg1 = VZERO, sd0 = VZERO, sd1 = VZERO, sw0 = VZERO, sw1 = VZERO;                        \
      for (; i < stop; i += 2 * W) {                                                                         \
        V g, p, pn, d;                                                                                       \
        pn = unit_##ISA(u, kind, nesterov, ams, i, &g, &p);                                                  \
        VSTORE(u->p + i, pn);                                                                                \
        d = pn - p;                                                                                          \
        sg0 += g * g;                                                                                        \
        sd0 += d * d;                                                                                        \
        sw0 += p * p;                                                                                        \
        pn = unit_##ISA(u, kind, nesterov, ams, i + W, &g, &p);                                              \
        VSTORE(u->p + i + W, pn);                                                                            \
        d = pn - p;                                                                                          \
        sg1 += g * g;                                                                                        \
        sd1 += d * d;                                                                                        \
        sw1 += p * p;                                                                                        \
      }                                                                                                      \
      if (out) {                                                                                             \
        tg = VWIDEN(tg, sg0 + sg1);                                                                          \
        td = VWIDEN(td, sd0 + sd1);                                                                          \
        tw = VWIDEN(tw, sw0 + sw1);                                                                          \
      }                                                                                                      \
    }                                                                                                        \
    if (out) {                                                                                               \
      out[0] = VTOTAL(tg);                                                                                   \
      out[1] = VTOTAL(td);                                                                                   \
      out[2] = VTOTAL(tw);                                                                                   \
    }                                                                                                        \
    update_tail(u, kind, nesterov, ams, i, out);                                                             \
  }                                                                                                          \
                                                                                                             \
  /* Every (kind, flag, sums) combination its own loop: no test inside. */                                   \
  __attribute__((target(TARGET))) static void update_##ISA(const update_t *u, int kind, double *out) {       \
    switch (kind) {                                                                                          \
      case UPDATE_SGD:                                                                                       \
        if (out) drive_##ISA(u, UPDATE_SGD, false, false, out);                                              \
        else drive_##ISA(u, UPDATE_SGD, false, false, NULL);                                                 \
        break;                                                                                               \
      case UPDATE_MOMENTUM:                                                                                  \
        if (u->nesterov) {                                                                                   \
          if (out) drive_##ISA(u, UPDATE_MOMENTUM, true, false, out);                                        \
          else drive_##ISA(u, UPDATE_MOMENTUM, true, false, NULL);                                           \
        } else {                                                                                             \
          if (out) drive_##ISA(u, UPDATE_MOMENTUM, false, false, out);                                       \
          else drive_##ISA(u, UPDATE_MOMENTUM, false, false, NULL);                                          \
        }                                                                                                    \
        break;                                                                                               \
      default:                                                                                               \
        if (u->vmax) {                                                                                       \
          if (out) drive_##ISA(u, UPDATE_ADAM, false, true, out);                                            \
          else drive_##ISA(u, UPDATE_ADAM, false, true, NULL);                                               \
        } else {                                                                                             \
          if (out) drive_##ISA(u, UPDATE_ADAM, false, false, out);                                           \
          else drive_##ISA(u, UPDATE_ADAM, false, false, NULL);                                              \
        }                                                                                                    \
    }                                                                                                        \
  }

/* Plain C, one element at a time: where there is no AVX2 (the JS side keeps WASM there). */
static void update_portable(const update_t *u, int kind, double *out) {
  if (out) out[0] = out[1] = out[2] = 0;
  update_tail(u, kind, u->nesterov, u->vmax != NULL, 0, out);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_X86_UPDATES 1
#include <immintrin.h>

/* AVX-512F (no DQ/VL needed: the integer AND and masks are AVX-512F). */
__attribute__((target("avx512f"))) static inline __m512 jsmax512(__m512 a, __m512 b) {
  __m512 r = _mm512_max_ps(a, b); /* b where unordered or equal */
  __m512 both = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)));
  r = _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ), both);
  return _mm512_mask_mov_ps(r, _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q), a);
}
__attribute__((target("avx512f"))) static inline __m512d widen512(__m512d acc, __m512 x) {
  __m256 lo = _mm512_castps512_ps256(x);
  __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1));
  return acc + (_mm512_cvtps_pd(lo) + _mm512_cvtps_pd(hi));
}

DEFINE_UPDATES(avx512, "avx512f", __m512, 16, __m512d, _mm512_setzero_pd(), _mm512_loadu_ps, _mm512_storeu_ps,
               _mm512_set1_ps, _mm512_setzero_ps(), _mm512_sqrt_ps, jsmax512, widen512, _mm512_reduce_add_pd)

/* AVX2 (and AVX): no FMA target, so nothing could be contracted even if asked. */
__attribute__((target("avx2"))) static inline __m256 jsmax256(__m256 a, __m256 b) {
  __m256 r = _mm256_max_ps(a, b);
  r = _mm256_blendv_ps(r, _mm256_and_ps(a, b), _mm256_cmp_ps(a, b, _CMP_EQ_OQ));
  return _mm256_blendv_ps(r, a, _mm256_cmp_ps(a, a, _CMP_UNORD_Q));
}
__attribute__((target("avx2"))) static inline __m256d widen256(__m256d acc, __m256 x) {
  return acc + (_mm256_cvtps_pd(_mm256_castps256_ps128(x)) + _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)));
}
__attribute__((target("avx2"))) static inline double total256(__m256d x) {
  return (x[0] + x[1]) + (x[2] + x[3]);
}

DEFINE_UPDATES(avx2, "avx2", __m256, 8, __m256d, _mm256_setzero_pd(), _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps,
               _mm256_setzero_ps(), _mm256_sqrt_ps, jsmax256, widen256, total256)
#endif

typedef void (*update_fn)(const update_t *u, int kind, double *out);

static const struct {
  const char *name;
  update_fn fn;
} UPDATE_ISAS[] = {
#ifdef HAVE_X86_UPDATES
    {"avx512f", update_avx512},
    {"avx2", update_avx2},
#endif
    {"portable", update_portable},
};
#define N_UPDATE_ISAS (sizeof UPDATE_ISAS / sizeof UPDATE_ISAS[0])

static int isa_supported(size_t which) {
#ifdef HAVE_X86_UPDATES
  __builtin_cpu_init();
  if (strcmp(UPDATE_ISAS[which].name, "avx512f") == 0) return __builtin_cpu_supports("avx512f");
  if (strcmp(UPDATE_ISAS[which].name, "avx2") == 0) return __builtin_cpu_supports("avx2");
#endif
  (void)which;
  return 1;
}

/* The first (widest) the CPU runs. */
static size_t best_isa(void) {
  for (size_t i = 0; i < N_UPDATE_ISAS; i++)
    if (isa_supported(i)) return i;
  return N_UPDATE_ISAS - 1;
}

/* A Float32Array argument `v` of exactly n floats (n = 0: any length, returned in *len). */
static int get_array(napi_env env, napi_value v, const char *fn, const char *name, size_t n, float **data, size_t *len) {
  napi_typedarray_type type;
  void *p = NULL;
  /* No napi_is_typedarray first: napi_get_typedarray_info fails on anything else (and the call costs). */
  if (napi_get_typedarray_info(env, v, &type, len, &p, NULL, NULL) != napi_ok || type != napi_float32_array) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value ignored;
      napi_get_and_clear_last_exception(env, &ignored);
    }
    throw_error(env, "%s: %s must be a Float32Array", fn, name);
    return 0;
  }
  if (n && *len != n) {
    throw_error(env, "%s: %s has %zu floats, p has %zu", fn, name, *len, n);
    return 0;
  }
  *data = (float *)p;
  return 1;
}

/* Whether v is undefined or null (an absent optional argument). */
static int is_absent(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && (t == napi_undefined || t == napi_null);
}

/* sums, at (both absent, undefined or null: no sums): a Float64Array with room for 3 at `at`. */
static int get_sums(napi_env env, size_t argc, napi_value *argv, size_t first, const char *fn, double **out) {
  *out = NULL;
  if (argc <= first) return 1;
  napi_typedarray_type type;
  size_t len = 0;
  void *p = NULL;
  if (napi_get_typedarray_info(env, argv[first], &type, &len, &p, NULL, NULL) != napi_ok || type != napi_float64_array) {
    if (is_absent(env, argv[first])) return 1;
    throw_error(env, "%s: sums must be a Float64Array", fn);
    return 0;
  }
  int at = 0;
  double d;
  if (argc > first + 1 && napi_get_value_double(env, argv[first + 1], &d) == napi_ok) {
    if (!get_int(env, argv[first + 1], "at", 0, &at)) return 0;
  } else if (argc > first + 1 && !is_absent(env, argv[first + 1])) {
    throw_error(env, "%s: at must be a number", fn);
    return 0;
  }
  if ((size_t)at + 3 > len) {
    throw_error(env, "%s: sums has %zu floats, 3 at %d do not fit", fn, len, at);
    return 0;
  }
  *out = (double *)p + at;
  return 1;
}

static int get_float(napi_env env, napi_value v, const char *name, float *out) {
  double d;
  if (!get_number(env, v, name, &d)) return 0;
  *out = (float)d;
  return 1;
}

/* Arrays the kernel writes must not share memory with any other: lanes would see half-updated values. */
static int check_disjoint(napi_env env, const char *fn, float *const *arrays, size_t count, size_t n) {
  for (size_t i = 0; i < count; i++)
    for (size_t j = i + 1; j < count; j++)
      if (arrays[i] && arrays[j] && overlaps(arrays[i], n, arrays[j], n)) {
        throw_error(env, "%s: the arrays must not share memory", fn);
        return 0;
      }
  return 1;
}

static napi_value run_update(napi_env env, const update_t *u, int kind, double *out) {
  instance_t *inst = NULL;
  CHECK(napi_get_instance_data(env, (void **)&inst));
  /* Stored last: a sums array sharing memory with the floats cannot change what the update reads. */
  double sums[3] = {0, 0, 0};
  UPDATE_ISAS[inst->update_isa].fn(u, kind, out ? sums : NULL);
  if (out) memcpy(out, sums, sizeof sums);
  return NULL;
}

/* p and g (argv[0] and argv[1], of the same length) into u. */
static int get_p_g(napi_env env, napi_value *argv, const char *fn, update_t *u) {
  size_t len;
  return get_array(env, argv[0], fn, "p", 0, &u->p, &u->n) && get_array(env, argv[1], fn, "g", u->n, (float **)&u->g, &len);
}

/* Once the arguments are read: the arrays written must be disjoint, then the kernel runs. */
static napi_value checked_update(napi_env env, update_t *u, int kind, const char *fn, double *out) {
  float *arrays[] = {u->p, (float *)u->g, u->m, u->v, u->vmax};
  if (!check_disjoint(env, fn, arrays, 5, u->n)) return NULL;
  return run_update(env, u, kind, out);
}

/* sgdUpdate(p, g, a, sums?, at?): θ ← θ − a·g in place; with sums, Σg², Σ(θ' − θ)², Σθ² at sums[at…]. */
static napi_value sgd_update(napi_env env, napi_callback_info info) {
  GET_ARGS(5, 3, "sgdUpdate(p, g, a, sums?, at?) takes at least 3 arguments");
  update_t u = {0};
  double *out;
  if (!get_p_g(env, argv, "sgdUpdate", &u) || !get_float(env, argv[2], "a", &u.a) || !get_sums(env, argc, argv, 3, "sgdUpdate", &out))
    return NULL;
  return checked_update(env, &u, UPDATE_SGD, "sgdUpdate", out);
}

/* momentumUpdate(p, g, v, mu, a, nesterov, sums?, at?): v ← μ·v + g, θ ← θ − a·v (or a·(g + μ·v)). */
static napi_value momentum_update(napi_env env, napi_callback_info info) {
  GET_ARGS(8, 6, "momentumUpdate(p, g, v, mu, a, nesterov, sums?, at?) takes at least 6 arguments");
  update_t u = {0};
  size_t len;
  double *out;
  if (!get_p_g(env, argv, "momentumUpdate", &u) || !get_array(env, argv[2], "momentumUpdate", "v", u.n, &u.v, &len) ||
      !get_float(env, argv[3], "mu", &u.mu) || !get_float(env, argv[4], "a", &u.a) ||
      !get_bool(env, argv[5], "nesterov", &u.nesterov) || !get_sums(env, argc, argv, 6, "momentumUpdate", &out))
    return NULL;
  return checked_update(env, &u, UPDATE_MOMENTUM, "momentumUpdate", out);
}

/*
 * adamUpdate(p, g, m, v, vMax, b1, c1, b2, c2, minusStep, bc2Sqrt, eps, sums?, at?): Adam's moments
 * and update in place (arrayKernels.ts AdamConstants); vMax undefined or null without AMSGrad.
 */
static napi_value adam_update(napi_env env, napi_callback_info info) {
  GET_ARGS(14, 12, "adamUpdate(p, g, m, v, vMax, b1, c1, b2, c2, minusStep, bc2Sqrt, eps, sums?, at?) takes at least 12 arguments");
  update_t u = {0};
  size_t len;
  double *out;
  if (!get_p_g(env, argv, "adamUpdate", &u) || !get_array(env, argv[2], "adamUpdate", "m", u.n, &u.m, &len) ||
      !get_array(env, argv[3], "adamUpdate", "v", u.n, &u.v, &len) ||
      (!is_absent(env, argv[4]) && !get_array(env, argv[4], "adamUpdate", "vMax", u.n, &u.vmax, &len)) ||
      !get_float(env, argv[5], "b1", &u.b1) || !get_float(env, argv[6], "c1", &u.c1) ||
      !get_float(env, argv[7], "b2", &u.b2) || !get_float(env, argv[8], "c2", &u.c2) ||
      !get_float(env, argv[9], "minusStep", &u.s) || !get_float(env, argv[10], "bc2Sqrt", &u.k) ||
      !get_float(env, argv[11], "eps", &u.eps) || !get_sums(env, argc, argv, 12, "adamUpdate", &out))
    return NULL;
  return checked_update(env, &u, UPDATE_ADAM, "adamUpdate", out);
}

/*
 * updateIsa(name?): the instruction set the updates use ("avx512f", "avx2", "portable"); with a
 * name, switches to it first (tests run every one the CPU has); throws if the CPU lacks it.
 */
static napi_value update_isa(napi_env env, napi_callback_info info) {
  instance_t *inst = NULL;
  CHECK(napi_get_instance_data(env, (void **)&inst));
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) {
    napi_valuetype t;
    CHECK(napi_typeof(env, argv[0], &t));
    if (t == napi_string) {
      char name[32] = "";
      size_t len = 0;
      CHECK(napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len));
      size_t i = 0;
      while (i < N_UPDATE_ISAS && strcmp(UPDATE_ISAS[i].name, name) != 0) i++;
      if (i == N_UPDATE_ISAS || !isa_supported(i)) return throw_error(env, "updateIsa: %s is not available here", name);
      inst->update_isa = i;
    } else if (t != napi_undefined) {
      return throw_error(env, "updateIsa(name?): name must be a string");
    }
  }
  napi_value result;
  CHECK(napi_create_string_utf8(env, UPDATE_ISAS[inst->update_isa].name, NAPI_AUTO_LENGTH, &result));
  return result;
}

/* ------------------------------------------------------------------------------------------ */

static void free_instance(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

NAPI_MODULE_INIT() {
  instance_t *inst = (instance_t *)calloc(1, sizeof(instance_t));
  if (!inst || napi_set_instance_data(env, inst, free_instance, NULL) != napi_ok) {
    free(inst);
    napi_throw_error(env, NULL, "optdbg_native: out of memory");
    return NULL;
  }
  inst->update_isa = best_isa();
  const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {{"open", open_blas}, {"sgemm", sgemm}, {"sumSquares", sum_squares}, {"diffSquares", diff_squares},
             {"sgdUpdate", sgd_update},       {"momentumUpdate", momentum_update},
             {"adamUpdate", adam_update},     {"updateIsa", update_isa}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f) != napi_ok ||
        napi_set_named_property(env, exports, fns[i].name, f) != napi_ok)
      return NULL;
  }
  return exports;
}
