/**
 * One-dimensional searches for the step size α along a direction d: φ(α) = L(θ + α·d).
 *
 * - `backtracking` (Armijo): start at α₀ (the learning rate), halve until
 *   φ(α) ≤ φ(0) + c·α·φ'(0) with c = 1e-4 (Nocedal & Wright's usual constant). Gives up after
 *   BACKTRACK_MAX halvings and takes no step.
 * - `brent`: bracket a minimum starting from [0, α₀] (expanding by the golden ratio, or shrinking
 *   while φ(α₀) ≥ φ(0)), then Brent's method (golden section + parabolic interpolation, as in
 *   Numerical Recipes' `brent`), lecture 004's "Brent–Dekker" exact line search. Parabolic steps
 *   are exact on a quadratic, which is what makes CG finish in n steps there. The tolerance is
 *   relative to α and near √ε of float32: the loss is a float32 number, so finer is noise.
 *
 * φ values that are NaN count as +∞ (a trial step that blew up is simply a bad step).
 */
import type { LineSearchName } from '../../shared/experiment';

export type Phi = (alpha: number) => number;

export interface SearchResult {
  alpha: number;
  value: number;
  evaluations: number;
}

const ARMIJO_C = 1e-4;
const BACKTRACK_MAX = 40;
const GOLD = 1.618034;
const CGOLD = 0.381966;
/** Relative tolerance on α (float32's √ε is 3.5e-4). */
const BRENT_TOL = 1e-4;
const BRENT_MAX = 60;
/** Bracket expansions/contractions before giving up (2^-40 or φ^40 of α₀). */
const BRACKET_MAX = 40;
const ZEPS = 1e-20;

export function lineSearch(name: LineSearchName, phi: Phi, phi0: number, slope: number, alpha0: number): SearchResult {
  const f = counted(phi);
  const r = name === 'backtracking' ? backtrack(f, phi0, slope, alpha0) : brentSearch(f, phi0, alpha0);
  return { ...r, evaluations: f.count() };
}

function counted(phi: Phi): Phi & { count(): number } {
  let n = 0;
  const f = (a: number) => {
    n++;
    const v = phi(a);
    return Number.isNaN(v) ? Infinity : v;
  };
  return Object.assign(f, { count: () => n });
}

function backtrack(phi: Phi, phi0: number, slope: number, alpha0: number): Omit<SearchResult, 'evaluations'> {
  let a = alpha0;
  for (let i = 0; i < BACKTRACK_MAX; i++) {
    const v = phi(a);
    if (v <= phi0 + ARMIJO_C * a * slope) return { alpha: a, value: v };
    a *= 0.5;
  }
  return { alpha: 0, value: phi0 };
}

/** A triple a < b < c with φ(b) < φ(a), φ(b) ≤ φ(c); undefined when none was found. */
interface Bracket {
  a: number;
  b: number;
  c: number;
  fb: number;
}

function bracket(phi: Phi, phi0: number, alpha0: number): Bracket | { best: number; fbest: number } {
  let a = 0;
  let b = alpha0;
  let fb = phi(b);
  if (!(fb < phi0)) {
    // The minimum along d lies before α₀: shrink towards 0 until some point beats φ(0).
    let c = b;
    for (let i = 0; i < BRACKET_MAX; i++) {
      b = c * CGOLD;
      fb = phi(b);
      if (fb < phi0) return { a: 0, b, c, fb };
      c = b;
    }
    return { best: 0, fbest: phi0 };
  }
  let c = b + GOLD * (b - a);
  let fc = phi(c);
  for (let i = 0; i < BRACKET_MAX && fc < fb; i++) {
    a = b;
    b = c;
    fb = fc;
    c = b + GOLD * (b - a);
    fc = phi(c);
  }
  // Still descending after BRACKET_MAX expansions (unbounded below, e.g. a saddle): take the best.
  if (fc < fb) return { best: c, fbest: fc };
  return { a, b, c, fb };
}

function brentSearch(phi: Phi, phi0: number, alpha0: number): Omit<SearchResult, 'evaluations'> {
  const br = bracket(phi, phi0, alpha0);
  if ('best' in br) return { alpha: br.best, value: br.fbest };
  return brent(phi, br.a, br.c, br.b, br.fb);
}

const sign = (a: number, b: number) => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/** Brent's minimization on [lo, hi] from x (φ(x) = fx known), after Numerical Recipes §10.2. */
export function brent(phi: Phi, lo: number, hi: number, x0: number, fx0: number): { alpha: number; value: number } {
  let a = Math.min(lo, hi);
  let b = Math.max(lo, hi);
  let x = x0;
  let w = x0;
  let v = x0;
  let fx = fx0;
  let fw = fx0;
  let fv = fx0;
  let d = 0;
  let e = 0;
  for (let iter = 0; iter < BRENT_MAX; iter++) {
    const xm = 0.5 * (a + b);
    const tol1 = BRENT_TOL * Math.abs(x) + ZEPS;
    const tol2 = 2 * tol1;
    if (Math.abs(x - xm) <= tol2 - 0.5 * (b - a)) break;
    let golden = true;
    if (Math.abs(e) > tol1) {
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      const eOld = e;
      e = d;
      if (Number.isFinite(p) && Number.isFinite(q) && Math.abs(p) < Math.abs(0.5 * q * eOld) && p > q * (a - x) && p < q * (b - x)) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = sign(tol1, xm - x);
        golden = false;
      }
    }
    if (golden) {
      e = x >= xm ? a - x : b - x;
      d = CGOLD * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + sign(tol1, d);
    const fu = phi(u);
    if (fu <= fx) {
      if (u >= x) a = x;
      else b = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return { alpha: x, value: fx };
}
