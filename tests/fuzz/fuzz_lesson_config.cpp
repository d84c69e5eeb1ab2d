// fuzz_lesson_config.cpp: lesson configurations, which the viewer's --config reads too.
#include "sim/lessons/lesson_config.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace flashsim;
    fuzz::expect_config_error_or_success([&] {
        const LessonConfig c = parse_lesson_config(fuzz::as_text(data, size), "fuzz/lesson.toml");
        (void)c.command_line();
    });
    return 0;
}
