// ticks.h: axis ticks for the viewer's plots (no drawing here, so the tests can check them).
//
// Contract: linear_ticks gives multiples of 1, 2 or 5 x 10^k inside [lo, hi], at most max_ticks
// and at least 2 when max_ticks >= 2; log_ticks gives decades (every k-th when there are many)
// when at least 3 fit, else 1-2-5 x 10^k, else 1..9 x 10^k, so a log axis has several ticks;
// pow2_ticks gives powers of two (every k-th) inside [lo, hi].
#pragma once
#include <vector>

namespace flashsim::viz {

std::vector<double> linear_ticks(double lo, double hi, int max_ticks);
std::vector<double> log_ticks(double lo, double hi, int max_ticks);
std::vector<double> pow2_ticks(double lo, double hi, int max_ticks);

}  // namespace flashsim::viz
