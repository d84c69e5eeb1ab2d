// fuzz_homework_answers.cpp: homework answer files as `flashsim homework grade FILE` reads them,
// graded and printed.
#include "sim/lessons/homework.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace flashsim;
    fuzz::expect_config_error_or_success([&] {
        const GradeReport g = grade_submission(fuzz::as_text(data, size), "fuzz.json");
        (void)g.text();
        fuzz::require_finite(g.score);
    });
    return 0;
}
