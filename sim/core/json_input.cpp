// json_input.cpp: bounded JSON parsing (see json_input.h).
#include "sim/core/json_input.h"

#include "sim/core/errors.h"

namespace flashsim {

namespace {

struct TooDeep {};

}  // namespace

nlohmann::json parse_json_input(const std::string& text, const std::string& origin, int max_depth) {
    using json = nlohmann::json;
    // nlohmann's parser is iterative; the callback sees each value's depth as it opens.
    const json::parser_callback_t limit = [max_depth](int depth, json::parse_event_t event, json&) {
        if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
            depth >= max_depth)
            throw TooDeep{};
        return true;
    };
    try {
        return json::parse(text, limit);
    } catch (const TooDeep&) {
        throw ConfigError(origin + ": arrays/objects nested deeper than " + std::to_string(max_depth) +
                          " levels; allowed: at most " + std::to_string(max_depth));
    } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e400
        throw ConfigError(origin + ": not valid JSON (" + std::string(e.what()) + ")");
    }
}

}  // namespace flashsim
