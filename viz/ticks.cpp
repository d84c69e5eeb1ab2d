// ticks.cpp: 1-2-5 linear ticks, log decades and powers of two (see ticks.h).
#include "viz/ticks.h"

#include <algorithm>
#include <cmath>

namespace flashsim::viz {

std::vector<double> linear_ticks(double lo, double hi, int max_ticks) {
    std::vector<double> out;
    if (!(hi > lo) || max_ticks < 1) return out;
    const double raw = (hi - lo) / std::max(1, max_ticks - 1);
    const double decade = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        const double step = m * decade;
        if (step < raw) continue;
        out.clear();
        for (double k = std::ceil(lo / step - 1e-9); k * step <= hi * (1 + 1e-12) + 1e-300; k += 1)
            out.push_back(k == 0 ? 0.0 : k * step);  // never -0
        if (int(out.size()) <= max_ticks) return out;
    }
    return out;
}

std::vector<double> log_ticks(double lo, double hi, int max_ticks) {
    std::vector<double> out;
    if (!(lo > 0) || !(hi > lo) || max_ticks < 1) return out;
    const int e0 = int(std::floor(std::log10(lo))), e1 = int(std::ceil(std::log10(hi)));
    auto within = [&](double v) { return v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9); };
    // Decades, every k-th so that they fit.
    for (int k = 1; k <= e1 - e0 + 1; ++k) {
        out.clear();
        for (int e = e0; e <= e1; ++e)
            if ((e - e0) % k == 0 && within(std::pow(10.0, e))) out.push_back(std::pow(10.0, e));
        if (int(out.size()) <= max_ticks) break;
    }
    if (out.size() >= 2) return out;
    // A narrow range: 1-2-5, then 1..9, per decade.
    for (const std::vector<double>& mantissas : {std::vector<double>{1, 2, 5}, std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
        std::vector<double> v;
        for (int e = e0; e <= e1; ++e)
            for (double m : mantissas)
                if (within(m * std::pow(10.0, e))) v.push_back(m * std::pow(10.0, e));
        if (v.size() >= 2 && int(v.size()) <= max_ticks) return v;
        if (v.size() >= 2) {
            out.clear();  // too many: every k-th
            const size_t k = (v.size() + size_t(max_ticks) - 1) / size_t(std::max(1, max_ticks));
            for (size_t i = 0; i < v.size(); i += k) out.push_back(v[i]);
            return out;
        }
    }
    // Narrower than one step of 1..9: fall back to linear ticks inside the range.
    return linear_ticks(lo, hi, std::max(2, max_ticks));
}

std::vector<double> pow2_ticks(double lo, double hi, int max_ticks) {
    std::vector<double> all;
    if (!(lo > 0) || !(hi > lo)) return all;
    for (double v = std::pow(2.0, std::ceil(std::log2(lo) - 1e-9)); v <= hi * (1 + 1e-9); v *= 2) all.push_back(v);
    const size_t k = std::max<size_t>(1, (all.size() + size_t(std::max(1, max_ticks)) - 1) / size_t(std::max(1, max_ticks)));
    std::vector<double> out;
    for (size_t i = 0; i < all.size(); i += k) out.push_back(all[i]);
    return out;
}

}  // namespace flashsim::viz
