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
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return throw_error(env, "sumSquares(a) needs a Float32Array");
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
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) return throw_error(env, "diffSquares(after, before, out) takes 3 arguments");
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
  const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {{"open", open_blas}, {"sgemm", sgemm}, {"sumSquares", sum_squares}, {"diffSquares", diff_squares}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f) != napi_ok ||
        napi_set_named_property(env, exports, fns[i].name, f) != napi_ok)
      return NULL;
  }
  return exports;
}
