// claims.h: the quantitative claims a lesson makes, written beside its commands as checkable
// statements, so a lesson cannot drift from what the simulator prints.
//
// lessons/NN-name/claims.toml:
//   [runs]                      # named commands of the lesson (each also in commands.txt)
//   vanilla = "flashsim run --algo vanilla --N 1024 --d 64 --heads 1 --gpu teaching --paper"
//   bc      = "flashsim sweep --algos fa1 --vary Bc=16,32,64,128 ... --no-timing"
//   [[claim]]
//   says  = "FA1 moves 0.397 of vanilla's bytes"          # the sentence of lesson.md
//   check = ["fa1.hbm_bytes / vanilla.hbm_bytes in [0.396, 0.398]", "fa1.hbm_bytes < vanilla.hbm_bytes"]
//
// A check is `EXPR OP EXPR` (OP: < <= > >= == !=) or `EXPR in [LO, HI]`; EXPR is arithmetic
// (+ - * / and parentheses) over numbers and references NAME.FIELD (NAME[i].FIELD for a
// sweep's i-th row, from 0). FIELD is a short name (claim_fields()) or a dotted path into the
// result's JSON (docs/results.md), e.g. fa2.counts.per_tensor.dQ.hbm_write_bytes.
//
// Contract: parse_claims() throws ConfigError naming the file and key; evaluate_check() never
// throws for a check that is well formed but false or refers to a missing field: it returns
// ok = false with the reason, so every claim is reported.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flashsim {

struct ClaimRun {
    std::string name;     // "fa1"
    std::string command;  // "flashsim run --algo fa1 ..." (a `run` or `sweep` command)
};

struct Claim {
    std::string says;                 // the lesson's sentence
    std::vector<std::string> checks;  // all must hold
};

struct LessonClaims {
    std::string origin;  // the file, for messages
    std::vector<ClaimRun> runs;
    std::vector<Claim> claims;
};

LessonClaims parse_claims(const std::string& toml_text, const std::string& origin);  // throws ConfigError
// The lesson folder's claims.toml; empty (no runs, no claims) when there is none.
LessonClaims load_claims(const std::string& lesson_dir);                              // throws ConfigError

// The short field names and what each reads from a run's JSON.
const std::vector<std::pair<std::string, std::string>>& claim_fields();

struct CheckResult {
    bool ok = false;
    std::string shown;  // the check with its values: "2363392 < 8912896", or why it failed
};

// `results`: the JSON each named run wrote (`--json`: an object for run, an array for sweep).
CheckResult evaluate_check(const std::string& check, const std::map<std::string, nlohmann::json>& results);

}  // namespace flashsim
