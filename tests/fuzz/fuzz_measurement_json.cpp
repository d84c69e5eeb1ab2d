// fuzz_measurement_json.cpp: stored measurements ("flashsim-measurement/1") as `flashsim
// crosscheck FILE` and the viewer read them.
#include "sim/crosscheck/measurement.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace flashsim;
    fuzz::expect_config_error_or_success([&] {
        const crosscheck::MeasurementFile f = crosscheck::parse_measurement(fuzz::as_text(data, size), "fuzz.json");
        for (const auto& r : f.runs) {
            (void)r.label();
            if (r.ncu)
                if (auto b = r.ncu->l2_request_bytes()) fuzz::require_finite(*b);
        }
    });
    return 0;
}
