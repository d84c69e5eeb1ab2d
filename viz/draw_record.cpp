// draw_record.cpp: the JSON form of a frame's draw record (nlohmann-json).
#include "viz/draw_record.h"

#include <nlohmann/json.hpp>

namespace flashsim::viz {

namespace {
nlohmann::json rect_json(const Rect& r) { return {r.x0, r.y0, r.x1, r.y1}; }
}  // namespace

std::string DrawRecord::to_json() const {
    using nlohmann::json;
    json j;
    j["schema"] = "flashsim-viz-frame/1";
    j["step"] = step;
    j["kernel"] = kernel;
    j["local_step"] = local_step;
    j["highlight_load_rgb"] = highlight_load_rgb;
    j["highlight_store_rgb"] = highlight_store_rgb;
    j["matrices"] = json::array();
    for (const auto& m : matrices)
        j["matrices"].push_back({{"side", m.side}, {"tensor", m.tensor}, {"rows", m.rows}, {"cols", m.cols},
                                 {"rect", rect_json(m.rect)}});
    j["tiles"] = json::array();
    for (const auto& t : tiles)
        j["tiles"].push_back({{"side", t.side}, {"tensor", t.tensor}, {"state", t.state}, {"sm", t.sm},
                              {"row0", t.row0}, {"rows", t.rows}, {"col0", t.col0}, {"cols", t.cols},
                              {"rect", rect_json(t.rect)}});
    j["packets"] = json::array();
    for (const auto& p : packets) j["packets"].push_back(rect_json(p));
    j["ops"] = json::array();
    for (const auto& o : ops)
        j["ops"].push_back({{"side", o.side}, {"sm", o.sm}, {"cta", o.cta}, {"ops_done", o.ops_done},
                            {"kind", o.kind}, {"tensor", o.tensor}, {"row0", o.row0}, {"rows", o.rows},
                            {"col0", o.col0}, {"cols", o.cols}, {"line", o.line}});
    j["width"] = width;
    j["height"] = height;
    j["font_px"] = font_px;
    j["projector"] = projector;
    j["view"] = view;
    j["texts"] = json::array();
    for (const auto& t : texts)
        j["texts"].push_back({{"text", t.text}, {"window", t.window}, {"rect", rect_json(t.rect)}, {"clip", rect_json(t.clip)},
                              {"scrolls", t.scrolls}, {"elided", t.elided}});
    return j.dump(1);
}

}  // namespace flashsim::viz
