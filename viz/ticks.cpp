// ticks.cpp: 1-2-5 linear ticks, log decades and powers of two (see ticks.h).
#include "viz/ticks.h"

#include <algorithm>
#include <cmath>

namespace flashsim::viz {

std::vector<double> linear_ticks(double lo, double hi, int max_ticks) {
    std::vector<double> out;
    if (!(hi > lo) || max_ticks < 1) return out;
    // The smallest 1-2-5 step whose ticks fit: at most max_ticks of them (so at least 2 when the
    // range allows).
    const double raw = (hi - lo) / std::max(1, max_ticks);
    for (double decade = std::pow(10.0, std::floor(std::log10(raw)) - 1);; decade *= 10)
        for (double m : {1.0, 2.0, 5.0}) {
            const double step = m * decade;
            out.clear();
            for (double k = std::ceil(lo / step - 1e-9); k * step <= hi * (1 + 1e-12) + 1e-300 && out.size() <= size_t(max_ticks); k += 1)
                out.push_back(k == 0 ? 0.0 : k * step);  // never -0
            if (int(out.size()) <= max_ticks) return out;
        }
}

std::vector<double> log_ticks(double lo, double hi, int max_ticks) {
    if (!(lo > 0) || !(hi > lo) || max_ticks < 1) return {};
    const int e0 = int(std::floor(std::log10(lo))), e1 = int(std::ceil(std::log10(hi)));
    auto within = [&](double v) { return v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9); };
    auto thin = [&](const std::vector<double>& v) {  // every k-th, to fit max_ticks
        const size_t k = (v.size() + size_t(max_ticks) - 1) / size_t(max_ticks);
        std::vector<double> out;
        for (size_t i = 0; i < v.size(); i += std::max<size_t>(1, k)) out.push_back(v[i]);
        return out;
    };
    auto candidates = [&](std::initializer_list<double> mantissas) {
        std::vector<double> v;
        for (int e = e0; e <= e1; ++e)
            for (double m : mantissas)
                if (within(m * std::pow(10.0, e))) v.push_back(m * std::pow(10.0, e));
        return v;
    };
    // Decades when there are at least 3 of them; else 1-2-5 x 10^k; else 1..9 x 10^k.
    const std::vector<double> decades = thin(candidates({1}));
    if (decades.size() >= 3) return decades;
    const std::vector<double> v125 = thin(candidates({1, 2, 5}));
    if (v125.size() >= 3) return v125;
    const std::vector<double> v19 = thin(candidates({1, 2, 3, 4, 5, 6, 7, 8, 9}));
    if (v19.size() >= 2) return v19;
    // Narrower than one step of 1..9: linear ticks inside the range.
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
