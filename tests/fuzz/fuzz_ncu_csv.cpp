// fuzz_ncu_csv.cpp: Nsight Compute CSV exports as `flashsim crosscheck FILE.csv` reads them,
// summed over every kernel and over a pattern.
#include "sim/crosscheck/ncu_csv.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace flashsim;
    fuzz::expect_config_error_or_success([&] {
        const crosscheck::NcuCsv csv = crosscheck::parse_ncu_csv(fuzz::as_text(data, size), "fuzz.csv");
        for (const char* pattern : {"", "flash|fa2", "(a|b)*c", "(a*)*b"}) {
            try {
                const crosscheck::NcuMetrics m = crosscheck::sum_ncu_launches(csv, pattern);
                if (auto b = m.l2_request_bytes()) fuzz::require_finite(*b);
            } catch (const ConfigError&) {
            }
        }
    });
    return 0;
}
