// layout_check.h: the check the layout tests apply to a frame's draw record (flashsim-viz-frame/1,
// "texts"): no text item is cut by the rectangle it is clipped to (below the fold of a window that
// scrolls is allowed: it is reachable), and no two visible text items overlap.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vizt {

struct Box {
    float x0, y0, x1, y1;
    bool empty() const { return x1 <= x0 || y1 <= y0; }
};

inline Box box_of(const nlohmann::json& r) { return {r[0].get<float>(), r[1].get<float>(), r[2].get<float>(), r[3].get<float>()}; }

// One line per problem, naming the texts and their rectangles; empty when the frame is clean.
inline std::vector<std::string> layout_problems(const nlohmann::json& frame) {
    const float tol = 1.0f;  // pixels: rounding of Dear ImGui's layout
    std::vector<std::string> out;
    std::vector<Box> visible;
    std::vector<std::string> names;
    auto str = [](const Box& b) {
        return "[" + std::to_string(int(b.x0)) + "," + std::to_string(int(b.y0)) + "," + std::to_string(int(b.x1)) + "," +
               std::to_string(int(b.y1)) + "]";
    };
    for (const auto& t : frame.at("texts")) {
        const Box r = box_of(t.at("rect")), c = box_of(t.at("clip"));
        const std::string name = "'" + t.at("text").get<std::string>() + "' in " + t.at("window").get<std::string>();
        if (r.x0 < c.x0 - tol || r.x1 > c.x1 + tol)
            out.push_back(name + " " + str(r) + " is cut left or right by its clip rectangle " + str(c));
        else if ((r.y0 < c.y0 - tol || r.y1 > c.y1 + tol) && !t.at("scrolls").get<bool>())
            out.push_back(name + " " + str(r) + " is cut at the top or bottom by its clip rectangle " + str(c));
        const Box v{std::max(r.x0, c.x0), std::max(r.y0, c.y0), std::min(r.x1, c.x1), std::min(r.y1, c.y1)};
        visible.push_back(v);
        names.push_back(name);
    }
    for (size_t i = 0; i < visible.size(); ++i)
        for (size_t k = i + 1; k < visible.size(); ++k) {
            const Box& a = visible[i];
            const Box& b = visible[k];
            if (a.empty() || b.empty()) continue;
            const float w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0), h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
            if (w > tol && h > tol) out.push_back(names[i] + " " + str(a) + " overlaps " + names[k] + " " + str(b));
        }
    return out;
}

}  // namespace vizt
