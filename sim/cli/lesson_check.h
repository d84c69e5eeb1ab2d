// lesson_check.h: `flashsim lesson check [N]`: runs the commands a lesson's claims.toml names,
// in this process, and evaluates every claim against the JSON they write.
#pragma once
#include <vector>

#include "sim/lessons/lessons.h"

namespace flashsim::cli {

// Prints each claim with its values; returns 0 when every claim holds, 1 otherwise.
int lesson_check(const std::vector<Lesson>& lessons);

}  // namespace flashsim::cli
