// parallel.h: runs f(0) ... f(n - 1) on a few threads, each index once, handed out in order.
//
// Contract: `jobs` threads (0 = every core), never more than n, the calling thread one of them;
// f must write only to its own index's state. Returns when every index is done; if any f threw,
// rethrows the exception of the lowest index that threw.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace flashsim {

template <class F>
void parallel_for(size_t n, unsigned jobs, F&& f) {
    std::atomic<size_t> next{0};
    std::vector<std::exception_ptr> errors(n);
    auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < n;) {
            try {
                f(i);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const size_t threads = std::max<size_t>(1, std::min<size_t>(jobs ? jobs : cores, n));
    std::vector<std::thread> pool;
    for (size_t k = 1; k < threads; ++k) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace flashsim
